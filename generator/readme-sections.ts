// README sections rendered from code, so the documentation cannot drift from what the project does:
// the metrics table from the catalog, the configuration reference from the exporter's flag definitions.
// `npm run generate` rewrites each section between its markers; `--check` reports any that differ.

import { configReferenceMarkdown } from '../exporter/config-reference.ts';
import { renderMetricsTable, TABLE_END, TABLE_START } from './metrics-table.ts';

export interface ReadmeSection {
  /** Human name used in messages: "metrics table". */
  readonly name: string;
  /** What the section is rendered from, for the stale message. */
  readonly source: string;
  readonly start: string;
  readonly end: string;
  render(): string;
}

export const README_SECTIONS: readonly ReadmeSection[] = [
  { name: 'metrics table', source: 'metrics/catalog.ts', start: TABLE_START, end: TABLE_END, render: renderMetricsTable },
  {
    name: 'configuration reference',
    source: 'exporter/config.ts',
    start: '<!-- config-reference:start -->',
    end: '<!-- config-reference:end -->',
    render: configReferenceMarkdown,
  },
];

/** The README with one section replaced, or undefined when it lacks (or has broken) markers for it. */
export function withSection(readme: string, section: ReadmeSection): string | undefined {
  const start = readme.indexOf(section.start);
  const end = readme.indexOf(section.end);
  if (start === -1 || end === -1 || end < start) return undefined;
  return `${readme.slice(0, start + section.start.length)}\n${section.render()}${readme.slice(end)}`;
}

export interface ReadmeUpdate {
  readonly current: string;
  readonly expected: string;
  /** Sections whose text differs from what the sources render. */
  readonly stale: readonly ReadmeSection[];
}

/** Applies every section that has markers; sections without markers are left alone. */
export function updateReadme(current: string): ReadmeUpdate {
  let expected = current;
  const stale: ReadmeSection[] = [];
  for (const section of README_SECTIONS) {
    const next = withSection(expected, section);
    if (next === undefined) continue;
    if (next !== expected) stale.push(section);
    expected = next;
  }
  return { current, expected, stale };
}
