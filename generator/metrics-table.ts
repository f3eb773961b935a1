// The README's metrics table, rendered from the catalog so the documentation cannot drift from what
// the exporter serves. `npm run generate` rewrites the section between the markers.

import { catalog, type MetricDefinition, type MetricGroup } from '../metrics/catalog.ts';

export const TABLE_START = '<!-- metrics-table:start -->';
export const TABLE_END = '<!-- metrics-table:end -->';

const GROUP_TITLES: Readonly<Record<MetricGroup, string>> = {
  queue: 'Queues',
  agents: 'Agents',
  exporter: 'Exporter health',
};

/** Markdown table cells cannot hold `|` or line breaks, and `<media>` would vanish as an HTML tag. */
const cell = (value: string): string =>
  value
    .replace(/\|/g, '\\|')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\s*\n\s*/g, ' ');

function typeCell(definition: MetricDefinition): string {
  if (definition.type === 'summary') return 'summary (_sum, _count; no quantiles)';
  if (definition.type !== 'histogram' || definition.buckets === undefined) return definition.type;
  return `histogram (le: ${definition.buckets.join(', ')})`;
}

export function renderMetricsTable(): string {
  const entries = Object.entries(catalog as Record<string, MetricDefinition>);
  const lines: string[] = [];
  for (const group of Object.keys(GROUP_TITLES) as MetricGroup[]) {
    const rows = entries.filter(([, d]) => d.group === group).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (rows.length === 0) continue;
    lines.push(`**${GROUP_TITLES[group]}**`, '', '| name | type | labels | help | source |', '|---|---|---|---|---|');
    for (const [name, d] of rows) {
      const labels = d.labels.length === 0 ? '' : d.labels.map((l) => `\`${l}\``).join(', ');
      lines.push(`| \`${name}\` | ${cell(typeCell(d))} | ${labels} | ${cell(d.help)} | ${cell(d.source)} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
