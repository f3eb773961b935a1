// Verdicts and the Markdown table. A floor is a "this is comfortably enough" line, not a tight target:
// the machine is shared and noisy, so a median under the floor is only a failure when it misses by more
// than NOISE_MARGIN (the process then exits 1); between the two it is reported as a warning.
import type { Spread } from './measure.ts';
import { relativeSpread } from './measure.ts';

/** A median this many times below its floor fails the run. */
export const NOISE_MARGIN = 2;

export type Verdict =
  | { readonly kind: 'ok'; readonly headroom: number }
  | { readonly kind: 'warn'; readonly headroom: number }
  | { readonly kind: 'fail'; readonly headroom: number }
  | { readonly kind: 'baseline' };

export interface BenchRow {
  readonly benchmark: string;
  readonly workload: string;
  readonly result: string;
  /** The floor or the baseline the result is read against. */
  readonly reference: string;
  readonly verdict: Verdict;
  /** Extra facts printed under the table (sizes, split of the time, the raw samples). */
  readonly details: readonly string[];
}

/** Higher is better: `median` of a rate against its floor. */
export function againstFloor(median: number, floor: number): Verdict {
  const headroom = median / floor;
  if (headroom >= 1) return { kind: 'ok', headroom };
  if (headroom >= 1 / NOISE_MARGIN) return { kind: 'warn', headroom };
  return { kind: 'fail', headroom };
}

export function verdictText(verdict: Verdict): string {
  switch (verdict.kind) {
    case 'ok':
      return `ok (${formatNumber(verdict.headroom)}× the floor)`;
    case 'warn':
      return `below floor (${formatNumber(verdict.headroom)}×), within the noise margin`;
    case 'fail':
      return `FAIL (${formatNumber(verdict.headroom)}× the floor)`;
    case 'baseline':
      return 'baseline (no floor)';
  }
}

/** 3 significant digits, thousands separated: 1,234 / 56.7 / 0.0123. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : Math.abs(value) >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** "123 /s (±4%)": a median with its relative min–max spread. */
export function formatSpread(spread: Spread, unit: string): string {
  return `${formatNumber(spread.median)} ${unit} (${relativeSpread(spread)})`;
}

export function formatBytes(bytes: number): string {
  return bytes >= 1_048_576 ? `${formatNumber(bytes / 1_048_576)} MiB` : `${formatNumber(bytes / 1024)} KiB`;
}

const cell = (text: string): string => text.replaceAll('|', '\\|');

export function markdownTable(rows: readonly BenchRow[]): string {
  const lines = [
    '| benchmark | workload | result (median, spread) | floor or baseline | verdict |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((row) => `| ${[row.benchmark, row.workload, row.result, row.reference, verdictText(row.verdict)].map(cell).join(' | ')} |`),
  ];
  return lines.join('\n');
}
