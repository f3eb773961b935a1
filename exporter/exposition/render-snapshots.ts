// Renders the snapshot metrics (queue and agent series) of the store into exposition text, in slices:
// at 10,000 queues that is over half a million series and tens of MB, far too much for one turn of the
// event loop. After each slice of `sliceMs` the renderer yields for a moment, so pending I/O such as health
// checks and scrapes of the previous body run in between. The snapshots are immutable, so a render that
// spans many ticks still renders the one set of snapshots it started with.
//
// Rendering is incremental. The text is cut into runs: consecutive samples of one metric family, up to
// ~32 KiB of text, each kept with its samples, its CRC-32 and (once gzip is wanted) its own deflate
// segment (gzip-segments.ts). The next render walks the new samples and re-uses a run wherever the same
// samples come again, compared by value (label values, value, buckets) and by the queue filter's verdict,
// so a collector that publishes all-new objects every second (streaming) still costs only the runs it
// really changed. Runs are found again by the label set of their first sample, so series that moved
// (a batch published again goes last) or queues removed before them cost nothing either. An array
// published again as the very same object skips the value comparison (only the filter is checked).
import { catalog } from '../../metrics/catalog.ts';
import type { MetricName } from '../../metrics/catalog.ts';
import { SNAPSHOT_METRICS } from '../samples.ts';
import type { HistogramSample, ScalarSample, SnapshotMetric, SummarySample } from '../samples.ts';
import type { LiveSnapshots, SnapshotStore } from '../snapshot-store.ts';
import { crc32Combine, deflatedOf, pieceOf, type Piece } from './gzip-segments.ts';
import { familyHeader, formatValue, LabelSetWriter } from './text-format.ts';

interface RenderOptions {
  /** Longest stretch of rendering between two yields to the event loop. */
  readonly sliceMs: number;
  /** zlib level of the runs' deflate segments; undefined: no gzip (segments are made later if asked). */
  readonly gzipLevel: number | undefined;
}

export interface RenderedSnapshots {
  /** The text in pieces, in order (never concatenated: copying tens of MB would block the loop again). */
  readonly pieces: readonly Piece[];
  readonly bytes: number;
  /** CRC-32 of the whole text. */
  readonly crc: number;
  readonly version: number;
  readonly validUntilMs: number;
  /** Samples rendered into new text by this render (the rest re-used earlier text). */
  readonly renderedSamples: number;
  /** All samples of the live snapshots, rendered or re-used. */
  readonly totalSamples: number;
}

/**
 * Work between two looks at the clock, in units: rendering a sample costs 16 (a histogram sample is 13
 * lines), comparing one 1 (mostly an identity check). A look costs ~0.5 µs here: once per compare it was
 * a quarter of an incremental render at 10,000 queues.
 */
const WORK_PER_CLOCK_CHECK = 256;
const RENDER_WORK = 16;
/** A run ends past this much text: the unit of re-rendering and re-compressing (deflate's window; 64 KiB would compress 4% better and re-render twice as much per change). */
const RUN_CHARS = 1 << 15;
/** A new run stops where an earlier run starts once it holds this much (shorter runs compress worse). */
const MIN_RUN_CHARS = 1 << 12;
/** A run holds at most this many samples, even when the filter hides them all (no text). */
const RUN_SAMPLES = 4096;

interface Family {
  readonly name: SnapshotMetric;
  readonly header: Piece;
  readonly labels: LabelSetWriter;
  readonly labelNames: readonly string[];
  /** Histogram bucket bounds as rendered in `le`, without +Inf; undefined for other types. */
  readonly bucketBounds: readonly string[] | undefined;
  /** A summary without quantiles: `_sum` and `_count` lines only. */
  readonly summary: boolean;
}

const FAMILIES: readonly Family[] = SNAPSHOT_METRICS.map((name) => {
  const definition = catalog[name as MetricName];
  const buckets = (definition as { buckets?: readonly number[] }).buckets;
  return {
    name,
    header: pieceOf(Buffer.from(familyHeader(name, definition.help, definition.type), 'utf8')),
    labels: new LabelSetWriter(definition.labels),
    labelNames: definition.labels,
    bucketBounds: definition.type === 'histogram' ? (buckets ?? []).map(formatValue) : undefined,
    summary: definition.type === 'summary',
  };
});

type AnySample = ScalarSample<SnapshotMetric> | HistogramSample<SnapshotMetric> | SummarySample<SnapshotMetric>;

/** Consecutive samples of one family and their text. */
interface Run extends Piece {
  /**
   * Its samples: `count` of them from `start` in `source`, the array they were last found in (referenced,
   * not copied: copying would allocate a million references per render at 10,000 queues, all of them
   * surviving into the old generation for the GC to move).
   */
  readonly source: readonly AnySample[];
  readonly start: number;
  readonly count: number;
  /** The queues of its samples as [id, name, id, name, …] (consecutive repeats once), and the filter's verdict on each. */
  readonly queues: readonly string[];
  readonly verdicts: Uint8Array;
  /**
   * The store's queueFilterEpoch when `verdicts` were last found right: while the epoch stays, the filter
   * decides as it did, so the run is re-used without asking it again (at 10,000 queues asking costs more
   * than the rest of an incremental render).
   */
  filterEpoch: number;
  /** The label set of the first sample, as rendered: the key the next render finds the run by. */
  readonly key: string;
  /**
   * Where each sample's text starts in `plain` (bytes; `count` + 1 entries, the last one its length; a hidden
   * sample has none): a run whose series are the same but some values changed is patched, only the changed
   * samples formatted and the rest copied from its text.
   */
  readonly offsets: Uint32Array;
}

/** Runs of the last render: by family and first label set, and by sample array for arrays published again as they are. */
export class FragmentCache {
  #byKey: Map<string, Run>[] = FAMILIES.map(() => new Map());
  readonly #byArray = new WeakMap<readonly AnySample[], readonly Run[]>();

  /** The runs an array was rendered into, if the array did not change since. */
  runsOf(samples: readonly AnySample[]): readonly Run[] | undefined {
    const runs = this.#byArray.get(samples);
    if (runs === undefined) return undefined;
    let length = 0;
    for (const run of runs) length += run.count;
    // A builder that kept appending to a published array would change its length: compare it again.
    return length === samples.length ? runs : undefined;
  }

  runAt(family: number, key: string): Run | undefined {
    return this.#byKey[family]!.get(key);
  }

  /** Keeps the runs of the render that just finished (and only those: the others' samples are gone). */
  replace(byKey: Map<string, Run>[], arrays: readonly (readonly [readonly AnySample[], readonly Run[]])[]): void {
    this.#byKey = byKey;
    for (const [samples, runs] of arrays) this.#byArray.set(samples, runs);
  }
}

export async function renderSnapshots(store: SnapshotStore, cache: FragmentCache, options: RenderOptions): Promise<RenderedSnapshots> {
  const live: LiveSnapshots = store.live();
  const filterEpoch = store.queueFilterEpoch;
  const pieces: Piece[] = [];
  let bytes = 0;
  let crc = 0;
  let renderedSamples = 0;
  let totalSamples = 0;
  const nextByKey: Map<string, Run>[] = FAMILIES.map(() => new Map());
  const arrays: [readonly AnySample[], readonly Run[]][] = [];
  let sliceStarted = performance.now();
  let sinceClockCheck = 0;
  /** Whether the slice is used up; the caller then awaits `pause()`. */
  const sliceOver = (work = RENDER_WORK): boolean => {
    sinceClockCheck += work;
    if (sinceClockCheck < WORK_PER_CLOCK_CHECK) return false;
    sinceClockCheck = 0;
    return performance.now() - sliceStarted >= options.sliceMs;
  };
  const pause = async (): Promise<void> => {
    // A timer, not setImmediate: it leaves the loop a moment in which a request can take the several
    // turns it needs (parse, respond, flush), instead of waiting a slice between each of them.
    await new Promise<void>((resolve) => setTimeout(resolve, 1));
    sliceStarted = performance.now();
  };
  const append = (piece: Piece): void => {
    if (options.gzipLevel !== undefined && piece.deflated === undefined) deflatedOf(piece, options.gzipLevel);
    pieces.push(piece);
    crc = crc32Combine(crc, piece.crc, piece.plain.length);
    bytes += piece.plain.length;
  };

  // The filter is asked once per queue of a run, not once per sample (a queue has several samples per
  // family: media types, routing statuses): with the same label values, the same verdict per queue means
  // the same verdict per sample.
  const probe = { queue_id: '', queue_name: '' };
  const verdictOn = (queueId: string, queueName: string): number => {
    probe.queue_id = queueId;
    probe.queue_name = queueName;
    return store.serves(probe) ? 1 : 0;
  };
  /** Whether the filter still decides the queues of the run as it did when it was rendered. */
  const filterAgrees = (run: Run): boolean => {
    if (run.filterEpoch === filterEpoch) return true;
    const { queues, verdicts } = run;
    for (let k = 0; k < verdicts.length; k++) if (verdictOn(queues[2 * k]!, queues[2 * k + 1]!) !== verdicts[k]) return false;
    run.filterEpoch = filterEpoch;
    return true;
  };
  const servedAsBefore = async (runs: readonly Run[]): Promise<boolean> => {
    for (const run of runs) {
      if (!filterAgrees(run)) return false;
      if (sliceOver()) await pause();
    }
    return true;
  };

  /**
   * `run` for `samples` from `start` on, when they are the same series in the same order, served as before:
   * as it is when no value changed, else patched (the changed samples formatted again, the rest of its text
   * copied). undefined when the series differ: the caller renders them anew.
   */
  const reuse = async (family: Family, run: Run, samples: readonly AnySample[], start: number): Promise<Run | undefined> => {
    const { source, count } = run;
    if (start + count > samples.length) return undefined;
    const changed: number[] = [];
    for (let i = 0; i < count; i++) {
      const sample = samples[start + i]!;
      const before = source[run.start + i]!;
      if (sample !== before) {
        if (!sameSeries(family, before, sample)) return undefined;
        if (!sameValues(family, before, sample)) changed.push(i);
      }
      if (sliceOver(sample === before ? 1 : 4)) await pause();
    }
    if (!filterAgrees(run)) return undefined;
    if (changed.length === 0) return { ...run, source: samples, start };
    return patch(family, run, samples, start, changed);
  };

  /** `run` with the samples at `changed` (positions in it, ascending) formatted again from `samples`. */
  const patch = (family: Family, run: Run, samples: readonly AnySample[], start: number, changed: readonly number[]): Run => {
    const { plain, offsets, count } = run;
    const parts: Buffer[] = [];
    const next = new Uint32Array(count + 1);
    let bytes = 0;
    let copiedFrom = 0;
    const line: string[] = [];
    const push = (text: string): void => {
      line.push(text);
    };
    for (const i of changed) {
      // Unchanged samples before this one: one copy of their text, their offsets shifted.
      const shift = bytes - offsets[copiedFrom]!;
      for (let k = copiedFrom; k < i; k++) next[k] = offsets[k]! + shift;
      if (offsets[i]! > offsets[copiedFrom]!) parts.push(plain.subarray(offsets[copiedFrom]!, offsets[i]!));
      bytes += offsets[i]! - offsets[copiedFrom]!;
      next[i] = bytes;
      // A hidden sample has no text, and stays hidden (the filter agrees with the run).
      if (offsets[i + 1]! > offsets[i]!) {
        const sample = samples[start + i]!;
        line.length = 0;
        writeSample(family, family.labels.write(sample.labels as Readonly<Record<string, string>>), sample, push);
        const text = Buffer.from(line.join(''), 'utf8');
        parts.push(text);
        bytes += text.length;
      }
      copiedFrom = i + 1;
    }
    const shift = bytes - offsets[copiedFrom]!;
    for (let k = copiedFrom; k <= count; k++) next[k] = offsets[k]! + shift;
    if (offsets[count]! > offsets[copiedFrom]!) parts.push(plain.subarray(offsets[copiedFrom]!, offsets[count]!));
    bytes += offsets[count]! - offsets[copiedFrom]!;
    renderedSamples += changed.length;
    const piece = pieceOf(Buffer.concat(parts, bytes));
    return { ...run, ...piece, source: samples, start, offsets: next };
  };

  /** A new run of `samples` from `start`, whose first label set is `key`. */
  const render = async (familyIndex: number, family: Family, samples: readonly AnySample[], start: number, key: string): Promise<Run> => {
    // Lines are collected in an array and joined once: one flat string to encode, instead of a deep rope
    // of concatenations that must be flattened first.
    const lines: string[] = [];
    let chars = 0;
    const push = (line: string): void => {
      lines.push(line);
      chars += line.length;
    };
    const queues: string[] = [];
    const verdicts: number[] = [];
    /** Where each sample's text starts, in chars (bytes too while the text is ASCII, which it nearly always is). */
    const starts: number[] = [];
    let labelSet = key;
    let i = start;
    for (;;) {
      starts.push(chars);
      const sample = samples[i]!;
      const labels = sample.labels as Readonly<Record<string, string>>;
      const queueId = labels['queue_id'];
      let serve = true;
      if (queueId !== undefined) {
        const queueName = labels['queue_name'] ?? '';
        const last = queues.length - 2;
        if (last < 0 || queues[last] !== queueId || queues[last + 1] !== queueName) {
          queues.push(queueId, queueName);
          verdicts.push(verdictOn(queueId, queueName));
        }
        serve = verdicts[verdicts.length - 1] === 1;
      }
      if (serve) writeSample(family, labelSet, sample, push);
      i++;
      if (i >= samples.length || chars >= RUN_CHARS || i - start >= RUN_SAMPLES) break;
      labelSet = family.labels.write(samples[i]!.labels as Readonly<Record<string, string>>);
      // Where an earlier run starts, this one ends: the rest of the array can then be re-used from there.
      if (chars >= MIN_RUN_CHARS && cache.runAt(familyIndex, labelSet) !== undefined) break;
      if (sliceOver()) await pause();
    }
    renderedSamples += i - start;
    starts.push(chars);
    const text = lines.join('');
    const piece = pieceOf(Buffer.from(text, 'utf8'));
    const offsets = piece.plain.length === text.length ? Uint32Array.from(starts) : byteOffsets(text, starts);
    return { ...piece, source: samples, start, count: i - start, queues, verdicts: Uint8Array.from(verdicts), filterEpoch, key, offsets };
  };

  /** The runs of one sample array: re-used where its samples are the same, rendered where they are not. */
  const runsOf = async (familyIndex: number, family: Family, samples: readonly AnySample[]): Promise<readonly Run[]> => {
    const unchanged = cache.runsOf(samples);
    if (unchanged !== undefined && (await servedAsBefore(unchanged))) return unchanged;
    const runs: Run[] = [];
    let i = 0;
    while (i < samples.length) {
      const key = family.labels.write(samples[i]!.labels as Readonly<Record<string, string>>);
      const earlier = cache.runAt(familyIndex, key);
      // Re-used or patched, the run refers to the new sample objects from now on: the old ones can go, and
      // the next compare is by identity.
      const run = (earlier === undefined ? undefined : await reuse(family, earlier, samples, i)) ?? (await render(familyIndex, family, samples, i, key));
      runs.push(run);
      i += run.count;
      if (sliceOver()) await pause();
    }
    return runs;
  };

  for (let f = 0; f < FAMILIES.length; f++) {
    const family = FAMILIES[f]!;
    append(family.header);
    for (const snapshot of live.snapshots) {
      const samples = (snapshot[family.name] ?? []) as readonly AnySample[];
      if (samples.length === 0) continue;
      totalSamples += samples.length;
      const runs = await runsOf(f, family, samples);
      arrays.push([samples, runs]);
      for (const run of runs) {
        nextByKey[f]!.set(run.key, run);
        append(run);
        if (sliceOver()) await pause();
      }
    }
  }
  cache.replace(nextByKey, arrays);
  return { pieces, bytes, crc, version: live.version, validUntilMs: live.validUntilMs, renderedSamples, totalSamples };
}

/** Whether two samples of `family` are the same series (the same label values). */
function sameSeries(family: Family, a: AnySample, b: AnySample): boolean {
  const labelsA = a.labels as Readonly<Record<string, string>>;
  const labelsB = b.labels as Readonly<Record<string, string>>;
  if (labelsA !== labelsB) for (const name of family.labelNames) if (labelsA[name] !== labelsB[name]) return false;
  return true;
}

/** Whether two samples of one series of `family` render the same values (compared with Object.is: NaN is NaN; -0 and 0 render alike but differ, harmlessly). */
function sameValues(family: Family, a: AnySample, b: AnySample): boolean {
  if (family.summary) {
    const [x, y] = [a as SummarySample<SnapshotMetric>, b as SummarySample<SnapshotMetric>];
    return Object.is(x.sum, y.sum) && Object.is(x.count, y.count);
  }
  if (family.bucketBounds === undefined) return Object.is((a as ScalarSample<SnapshotMetric>).value, (b as ScalarSample<SnapshotMetric>).value);
  const [x, y] = [a as HistogramSample<SnapshotMetric>, b as HistogramSample<SnapshotMetric>];
  if (!Object.is(x.sum, y.sum) || !Object.is(x.count, y.count) || x.bucketCounts.length !== y.bucketCounts.length) return false;
  for (let i = 0; i < x.bucketCounts.length; i++) if (!Object.is(x.bucketCounts[i], y.bucketCounts[i])) return false;
  return true;
}

/** The byte offsets of `starts` (char offsets into `text`), for text that is not all ASCII. */
function byteOffsets(text: string, starts: readonly number[]): Uint32Array {
  const offsets = new Uint32Array(starts.length);
  let bytes = 0;
  for (let k = 1; k < starts.length; k++) {
    bytes += Buffer.byteLength(text.slice(starts[k - 1], starts[k]), 'utf8');
    offsets[k] = bytes;
  }
  return offsets;
}

/** The lines of one sample of `family`, whose label set renders as `labelSet`. */
function writeSample(family: Family, labelSet: string, sample: AnySample, push: (line: string) => void): void {
  if (family.summary) summaryLines(family, labelSet, sample as SummarySample<SnapshotMetric>, push);
  else if (family.bucketBounds === undefined) push(`${family.name}${labelSet} ${formatValue((sample as ScalarSample<SnapshotMetric>).value)}\n`);
  else histogramLines(family, labelSet, sample as HistogramSample<SnapshotMetric>, push);
}

function histogramLines(family: Family, plain: string, sample: HistogramSample<SnapshotMetric>, push: (line: string) => void): void {
  const bounds = family.bucketBounds!;
  if (sample.bucketCounts.length !== bounds.length) {
    throw new Error(`${family.name}: a sample has ${sample.bucketCounts.length} bucket counts for the catalog's ${bounds.length} buckets`);
  }
  // The bucket lines carry the same pairs plus `le`, appended inside the braces.
  const open = plain === '' ? '{' : `${plain.slice(0, -1)},`;
  for (let i = 0; i < bounds.length; i++) push(`${family.name}_bucket${open}le="${bounds[i]!}"} ${formatValue(sample.bucketCounts[i]!)}\n`);
  push(`${family.name}_bucket${open}le="+Inf"} ${formatValue(sample.count)}\n`);
  push(`${family.name}_sum${plain} ${formatValue(sample.sum)}\n`);
  push(`${family.name}_count${plain} ${formatValue(sample.count)}\n`);
}

function summaryLines(family: Family, plain: string, sample: SummarySample<SnapshotMetric>, push: (line: string) => void): void {
  push(`${family.name}_sum${plain} ${formatValue(sample.sum)}\n`);
  push(`${family.name}_count${plain} ${formatValue(sample.count)}\n`);
}

/** Makes the deflate segments a render without gzip left out (the first gzip scrape after it), in slices. */
export async function deflateAll(pieces: readonly Piece[], level: number, sliceMs: number): Promise<void> {
  let sliceStarted = performance.now();
  for (const piece of pieces) {
    if (piece.deflated !== undefined) continue;
    deflatedOf(piece, level);
    if (performance.now() - sliceStarted >= sliceMs) {
      await new Promise<void>((resolve) => setTimeout(resolve, 1));
      sliceStarted = performance.now();
    }
  }
}
