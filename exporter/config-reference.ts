// The README's configuration reference, rendered from the flag and environment definitions in config.ts,
// so the documentation cannot drift from what the exporter accepts.
import { configReference } from './config.ts';

const cell = (text: string): string => text.replace(/\|/g, '\\|');

/** A Markdown table: flag or variable, default, meaning. */
export function configReferenceMarkdown(): string {
  const rows = configReference().map(
    (entry) => `| \`${entry.name}\` | ${entry.default === undefined ? '' : `\`${cell(entry.default)}\``} | ${cell(entry.help)} |`,
  );
  return `${['| flag / environment variable | default | meaning |', '|---|---|---|', ...rows].join('\n')}\n`;
}
