// Renders the snapshot metrics (queue and agent series) of the store into exposition text, in slices:
// at 10,000 queues that is ~550,000 series and tens of MB, far too much for one turn of the event loop.
// After each slice of `sliceMs` the renderer yields for a moment, so pending I/O such as health checks
// and scrapes of the previous body run in between. The snapshots are immutable, so a render that spans many
// ticks still renders the one set of snapshots it started with.
//
// Work is kept between renders per fragment: the lines of one metric family from one collector's snapshot
// (its sample array). A change is one collector publishing, so the other collectors' fragments are reused
// as they are, once the queue filter is checked to still decide every one of their samples the same way
// (a queue renamed or no longer exported makes the fragment render again).
import { catalog } from '../../metrics/catalog.ts';
import type { MetricName } from '../../metrics/catalog.ts';
import { SNAPSHOT_METRICS } from '../samples.ts';
import type { HistogramSample, ScalarSample, SnapshotMetric, SummarySample } from '../samples.ts';
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

/** How many samples are rendered (or re-checked) between two looks at the clock (a histogram sample is 13 lines). */
const SAMPLES_PER_CLOCK_CHECK = 16;
/** Text is turned into a Buffer about this often: large enough to keep the chunk count low, small enough to encode in well under a ms. */
const CHUNK_CHARS = 1 << 18;

interface Family {
  readonly name: SnapshotMetric;
  readonly header: Buffer;
  readonly labels: LabelSetWriter;
  /** Histogram bucket bounds as rendered in `le`, without +Inf; undefined for gauges and counters. */
  readonly bucketBounds: readonly string[] | undefined;
  /** A summary without quantiles: `_sum` and `_count` lines only. */
  readonly summary: boolean;
}

const FAMILIES: readonly Family[] = SNAPSHOT_METRICS.map((name) => {
  const definition = catalog[name as MetricName];
  const buckets = (definition as { buckets?: readonly number[] }).buckets;
  return {
    name,
    header: Buffer.from(familyHeader(name, definition.help, definition.type), 'utf8'),
    labels: new LabelSetWriter(definition.labels),
    bucketBounds: definition.type === 'histogram' ? (buckets ?? []).map(formatValue) : undefined,
    summary: definition.type === 'summary',
  };
});

type AnySample = ScalarSample<SnapshotMetric> | HistogramSample<SnapshotMetric> | SummarySample<SnapshotMetric>;

/** The rendered lines of one sample array, and which of its samples the queue filter let through. */
interface Fragment {
  readonly length: number;
  readonly served: Uint8Array;
  readonly chunks: readonly Buffer[];
  readonly bytes: number;
}

/** Fragments of earlier renders, by sample array (dropped with the snapshot that held the array). */
export class FragmentCache {
  readonly #fragments = new WeakMap<readonly AnySample[], Fragment>();

  get(samples: readonly AnySample[]): Fragment | undefined {
    const fragment = this.#fragments.get(samples);
    // A builder that kept appending to a published array would change its length: render it again.
    return fragment?.length === samples.length ? fragment : undefined;
  }

  set(samples: readonly AnySample[], fragment: Fragment): void {
    this.#fragments.set(samples, fragment);
  }
}

export async function renderSnapshots(store: SnapshotStore, cache: FragmentCache, options: RenderOptions): Promise<RenderedSnapshots> {
  const live: LiveSnapshots = store.live();
  const chunks: Buffer[] = [];
  let bytes = 0;
  let sliceStarted = performance.now();
  let sinceClockCheck = 0;
  /** Whether the slice is used up; the caller then awaits `pause()`. */
  const sliceOver = (): boolean => {
    if (++sinceClockCheck < SAMPLES_PER_CLOCK_CHECK) return false;
    sinceClockCheck = 0;
    return performance.now() - sliceStarted >= options.sliceMs;
  };
  const pause = async (): Promise<void> => {
    // A timer, not setImmediate: it leaves the loop a moment in which a request can take the several
    // turns it needs (parse, respond, flush), instead of waiting a slice between each of them.
    await new Promise<void>((resolve) => setTimeout(resolve, 1));
    sliceStarted = performance.now();
  };

  /** The cached fragment of `samples`, if the queue filter still decides each sample as it did. */
  const reusable = async (samples: readonly AnySample[]): Promise<Fragment | undefined> => {
    const fragment = cache.get(samples);
    if (fragment === undefined) return undefined;
    for (let i = 0; i < samples.length; i++) {
      if ((store.serves(samples[i]!.labels as Readonly<Record<string, string>>) ? 1 : 0) !== fragment.served[i]) return undefined;
      if (sliceOver()) await pause();
    }
    return fragment;
  };

  const render = async (family: Family, samples: readonly AnySample[]): Promise<Fragment> => {
    // Lines are collected in an array and joined per chunk: one flat string to encode, instead of a deep
    // rope of concatenations that must be flattened first.
    const fragmentChunks: Buffer[] = [];
    let fragmentBytes = 0;
    let lines: string[] = [];
    let chars = 0;
    const flush = (): void => {
      if (lines.length === 0) return;
      const chunk = Buffer.from(lines.join(''), 'utf8');
      fragmentChunks.push(chunk);
      fragmentBytes += chunk.length;
      lines = [];
      chars = 0;
    };
    const push = (line: string): void => {
      lines.push(line);
      chars += line.length;
      if (chars >= CHUNK_CHARS) flush();
    };
    const served = new Uint8Array(samples.length);
    for (let i = 0; i < samples.length; i++) {
      const sample = samples[i]!;
      const labels = sample.labels as Readonly<Record<string, string>>;
      if (store.serves(labels)) {
        served[i] = 1;
        if (family.summary) summaryLines(family, labels, sample as SummarySample<SnapshotMetric>, push);
        else if (family.bucketBounds === undefined) push(scalarLine(family, labels, sample as ScalarSample<SnapshotMetric>));
        else histogramLines(family, labels, sample as HistogramSample<SnapshotMetric>, push);
      }
      if (sliceOver()) await pause();
    }
    flush();
    const fragment: Fragment = { length: samples.length, served, chunks: fragmentChunks, bytes: fragmentBytes };
    cache.set(samples, fragment);
    return fragment;
  };

  for (const family of FAMILIES) {
    chunks.push(family.header);
    bytes += family.header.length;
    for (const snapshot of live.snapshots) {
      const samples = (snapshot[family.name] ?? []) as readonly AnySample[];
      if (samples.length === 0) continue;
      const fragment = (await reusable(samples)) ?? (await render(family, samples));
      for (const chunk of fragment.chunks) chunks.push(chunk);
      bytes += fragment.bytes;
    }
  }
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

function summaryLines(family: Family, labels: Readonly<Record<string, string>>, sample: SummarySample<SnapshotMetric>, push: (line: string) => void): void {
  const plain = family.labels.write(labels);
  push(`${family.name}_sum${plain} ${formatValue(sample.sum)}\n`);
  push(`${family.name}_count${plain} ${formatValue(sample.count)}\n`);
}
