// Renders the snapshot metrics (queue and agent series) of the store into exposition text, in slices:
// at 10,000 queues that is ~550,000 series and tens of MB, far too much for one turn of the event loop.
// After each slice of `sliceMs` the renderer yields for a moment, so pending I/O such as health checks
// and scrapes of the previous body run in between. The snapshots are immutable, so a render that spans many
// ticks still renders the one set of snapshots it started with.
import { catalog } from '../../metrics/catalog.ts';
import type { MetricName } from '../../metrics/catalog.ts';
import { SNAPSHOT_METRICS } from '../samples.ts';
import type { HistogramSample, ScalarSample, SnapshotMetric } from '../samples.ts';
import type { LiveSnapshots, SnapshotStore } from '../snapshot-store.ts';
import { familyHeader, formatValue, LabelSetWriter } from './text-format.ts';

interface RenderOptions {
  /** Longest stretch of rendering between two yields to the event loop. */
  readonly sliceMs: number;
}

export interface RenderedSnapshots {
  /** The text, in pieces (never concatenated: copying tens of MB would block the loop again). */
  readonly chunks: readonly Buffer[];
  readonly bytes: number;
  readonly version: number;
  readonly validUntilMs: number;
}

/** How many samples are rendered between two looks at the clock (a histogram sample is 13 lines). */
const SAMPLES_PER_CLOCK_CHECK = 16;
/** Text is turned into a Buffer about this often: large enough to keep the chunk count low, small enough to encode in well under a ms. */
const CHUNK_CHARS = 1 << 18;

interface Family {
  readonly name: SnapshotMetric;
  readonly header: string;
  readonly labels: LabelSetWriter;
  /** Histogram bucket bounds as rendered in `le`, without +Inf; undefined for gauges and counters. */
  readonly bucketBounds: readonly string[] | undefined;
}

const FAMILIES: readonly Family[] = SNAPSHOT_METRICS.map((name) => {
  const definition = catalog[name as MetricName];
  const buckets = (definition as { buckets?: readonly number[] }).buckets;
  return {
    name,
    header: familyHeader(name, definition.help, definition.type),
    labels: new LabelSetWriter(definition.labels),
    bucketBounds: definition.type === 'histogram' ? (buckets ?? []).map(formatValue) : undefined,
  };
});

export async function renderSnapshots(store: SnapshotStore, options: RenderOptions): Promise<RenderedSnapshots> {
  const live: LiveSnapshots = store.live();
  const chunks: Buffer[] = [];
  let bytes = 0;
  // Lines are collected in an array and joined per chunk: one flat string to encode, instead of a deep
  // rope of concatenations that must be flattened first (measured: the larger part of the encoding time).
  let lines: string[] = [];
  let chars = 0;
  const push = (line: string): void => {
    lines.push(line);
    chars += line.length;
    if (chars >= CHUNK_CHARS) flush();
  };
  const flush = (): void => {
    if (lines.length === 0) return;
    const chunk = Buffer.from(lines.join(''), 'utf8');
    chunks.push(chunk);
    bytes += chunk.length;
    lines = [];
    chars = 0;
  };
  let sliceStarted = performance.now();
  let sinceClockCheck = 0;

  for (const family of FAMILIES) {
    push(family.header);
    for (const snapshot of live.snapshots) {
      const samples = snapshot[family.name] ?? [];
      for (const sample of samples) {
        const labels = sample.labels as Readonly<Record<string, string>>;
        if (!store.serves(labels)) continue;
        if (family.bucketBounds === undefined) push(scalarLine(family, labels, sample as ScalarSample<SnapshotMetric>));
        else histogramLines(family, labels, sample as HistogramSample<SnapshotMetric>, push);
        if (++sinceClockCheck < SAMPLES_PER_CLOCK_CHECK) continue;
        sinceClockCheck = 0;
        if (performance.now() - sliceStarted < options.sliceMs) continue;
        flush();
        // A timer, not setImmediate: it leaves the loop a moment in which a request can take the several
        // turns it needs (parse, respond, flush), instead of waiting a slice between each of them.
        await new Promise<void>((resolve) => setTimeout(resolve, 1));
        sliceStarted = performance.now();
      }
    }
  }
  flush();
  return { chunks, bytes, version: live.version, validUntilMs: live.validUntilMs };
}

function scalarLine(family: Family, labels: Readonly<Record<string, string>>, sample: ScalarSample<SnapshotMetric>): string {
  return `${family.name}${family.labels.write(labels)} ${formatValue(sample.value)}\n`;
}

function histogramLines(family: Family, labels: Readonly<Record<string, string>>, sample: HistogramSample<SnapshotMetric>, push: (line: string) => void): void {
  const bounds = family.bucketBounds!;
  if (sample.bucketCounts.length !== bounds.length) {
    throw new Error(`${family.name}: a sample has ${sample.bucketCounts.length} bucket counts for the catalog's ${bounds.length} buckets`);
  }
  const plain = family.labels.write(labels);
  // The bucket lines carry the same pairs plus `le`, appended inside the braces.
  const open = plain === '' ? '{' : `${plain.slice(0, -1)},`;
  for (let i = 0; i < bounds.length; i++) push(`${family.name}_bucket${open}le="${bounds[i]!}"} ${formatValue(sample.bucketCounts[i]!)}\n`);
  push(`${family.name}_bucket${open}le="+Inf"} ${formatValue(sample.count)}\n`);
  push(`${family.name}_sum${plain} ${formatValue(sample.sum)}\n`);
  push(`${family.name}_count${plain} ${formatValue(sample.count)}\n`);
}
