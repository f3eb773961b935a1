// /metrics bodies, rendered once per data change and served from memory.
//
// The body has two parts of very different size and churn:
// - the snapshot part (queue and agent series, up to tens of MB): it changes only when a collector
//   publishes, so it is rendered once per store change, in slices that never hold the event loop for long,
//   re-rendering and re-compressing only the runs of series that changed (render-snapshots.ts), and kept
//   as plain text and, once any scraper has asked for it, as deflate segments joined into 32 KiB buffers;
// - the instrument part (the exporter's own health: a few dozen series in a prom-client registry, used
//   through its public API): it changes on every API request, so it is rendered per scrape; that is cheap.
//   But it also says which data the snapshot part holds (a collector's last success, its data age, set in
//   the same tick as its publish), so the two parts of a scrape must come from one moment: each body keeps
//   the instrument part read in the same tick as its snapshots, and replaces it by a newer one only while
//   the store still holds exactly those snapshots. A scrape takes both from one body, so while a newer
//   body renders it gets the older body's telemetry with the older body's values, never a newer poll's.
// The two are sent one after the other. With gzip, the body is one gzip member made of separately
// compressed segments (gzip-segments.ts): the cached ones of the snapshot part, then the instrument part's.
// (Several members would be valid gzip too, but curl and others read only the first.)
//
// A render starts as soon as the store changes (coalesced: one in flight, at most one queued behind it,
// and never more than half of the time spent rendering). Meanwhile scrapes get the previous body at once,
// so a scrape never waits for a render, with two exceptions that put correctness first: the very first
// scrape, and a body that holds a snapshot past its staleness limit (those wait for a fresh render).
import type { Registry } from 'prom-client';
import type { SnapshotStore } from '../snapshot-store.ts';
import { crc32Combine, deflatedOf, GZIP_HEADER, gzipTail, pieceOf, type Piece } from './gzip-segments.ts';
import { deflateAll, FragmentCache, renderSnapshots } from './render-snapshots.ts';
import type { RenderedSnapshots } from './render-snapshots.ts';
import { EXPOSITION_CONTENT_TYPE } from './text-format.ts';

export type BodyEncoding = 'identity' | 'gzip';

export interface ScrapeBody {
  readonly encoding: BodyEncoding;
  /** The body in pieces, to be written in order (never concatenated: it can be tens of MB). */
  readonly chunks: readonly Buffer[];
  readonly bytes: number;
}

/**
 * A body in its two parts, for a serving thread that assembles scrapes itself (exporter/serving/): the
 * snapshot part changes once per render, the instrument part more often. A scrape's body is the snapshot
 * part of an encoding followed by the instrument part of the same encoding.
 */
export interface BodyParts {
  /** The store version the snapshot part shows. */
  readonly version: number;
  /** When the body's oldest snapshot goes stale (store clock, epoch ms): after it, the body must not be served. */
  readonly validUntilMs: number;
  /** Plain: the text pieces. Gzip: the gzip header, then the deflate segments. */
  readonly snapshot: Readonly<Partial<Record<BodyEncoding, readonly Buffer[]>>>;
  /** Plain: the text. Gzip: its deflate segment, then the trailer of the whole body (CRC and length of both parts). */
  readonly instruments: Readonly<Partial<Record<BodyEncoding, readonly Buffer[]>>>;
}

export interface ExpositionOptions {
  /** Longest stretch of rendering between two yields to the event loop (default 4 ms). */
  readonly sliceMs?: number;
  /** zlib level of the gzip body (default 1: at this text's redundancy the fastest level already gives ~25×). */
  readonly gzipLevel?: number;
}

interface SnapshotBody {
  readonly rendered: RenderedSnapshots;
  /** The plain pieces, in order. */
  readonly plain: readonly Buffer[];
  /** The deflate segments of the pieces, joined into buffers of about GZIP_GROUP_BYTES. */
  gzip: Promise<readonly Buffer[]> | undefined;
  /** The instrument part, read the last time the store held exactly `rendered`'s snapshots. */
  instruments: Piece;
  /** A newer read of it in progress (while the store still holds them): one, shared by concurrent scrapes. */
  instrumentsRead: Promise<Piece> | undefined;
}

/**
 * Deflate segments are joined into buffers of about this size: ~170 writes per scrape at 10,000 queues
 * instead of ~4,000. Not larger: a buffer above ~64 KiB is fresh memory from the OS, and first writes into
 * fresh pages cost ~6 ms per MB here (page faults), 30× the copy itself; smaller ones re-use freed memory.
 */
const GZIP_GROUP_BYTES = 1 << 15;

/** Longest wait between a store change and its render (see #scheduleRender). */
const MAX_RENDER_DELAY_MS = 250;

export class Exposition {
  readonly contentType: string = EXPOSITION_CONTENT_TYPE;
  readonly #store: SnapshotStore;
  readonly #instruments: Registry;
  readonly #sliceMs: number;
  readonly #gzipLevel: number;
  #current: SnapshotBody | undefined;
  #inFlight: { readonly version: number; readonly promise: Promise<SnapshotBody> } | undefined;
  #queued: Promise<SnapshotBody> | undefined;
  /** The store version whose render failed: scrapes must not paper over it with an older body. */
  #failedVersion: number | undefined;
  #eagerTimer: NodeJS.Timeout | undefined;
  #staleTimer: NodeJS.Timeout | undefined;
  #lastRenderMs = 0;
  #lastRenderEndedAt = 0;
  /** Set by the first gzip scrape; from then on every render is compressed before it is served. */
  #gzipWanted = false;
  #renders = 0;
  readonly #fragments = new FragmentCache();
  readonly #groups = new SegmentGroups();
  readonly #renderListeners: (() => void)[] = [];

  constructor(store: SnapshotStore, instruments: Registry, options: ExpositionOptions = {}) {
    this.#store = store;
    this.#instruments = instruments;
    this.#sliceMs = options.sliceMs ?? 4;
    this.#gzipLevel = options.gzipLevel ?? 1;
    store.onChange(() => this.#scheduleRender());
  }

  /** How many times the snapshot part was rendered (each store change once, not each scrape). */
  get renders(): number {
    return this.#renders;
  }

  /** The body of one scrape. Concurrent scrapes share one snapshot body and one instrument render. */
  async scrape(encoding: BodyEncoding): Promise<ScrapeBody> {
    const parts = await this.parts([encoding]);
    return bodyOf(encoding, [...parts.snapshot[encoding]!, ...parts.instruments[encoding]!]);
  }

  /** What a scrape in each of `encodings` would be served now, in its two parts (same rules as scrape()). */
  async parts(encodings: readonly BodyEncoding[]): Promise<BodyParts> {
    if (encodings.includes('gzip')) this.#gzipWanted = true;
    const snapshot = await this.#servableBody();
    const instruments = await this.#instrumentsOf(snapshot);
    const { rendered } = snapshot;
    const snapshotParts: Partial<Record<BodyEncoding, readonly Buffer[]>> = {};
    const instrumentParts: Partial<Record<BodyEncoding, readonly Buffer[]>> = {};
    if (encodings.includes('identity')) {
      snapshotParts.identity = snapshot.plain;
      instrumentParts.identity = [instruments.plain];
    }
    if (encodings.includes('gzip')) {
      const segments = await this.#gzipOf(snapshot);
      const crc = crc32Combine(rendered.crc, instruments.crc, instruments.plain.length);
      snapshotParts.gzip = [GZIP_HEADER, ...segments];
      instrumentParts.gzip = [deflatedOf(instruments, this.#gzipLevel), gzipTail(crc, rendered.bytes + instruments.plain.length)];
    }
    return { version: rendered.version, validUntilMs: rendered.validUntilMs, snapshot: snapshotParts, instruments: instrumentParts };
  }

  /** Calls `listener` each time a newly rendered body becomes the one scrapes get. */
  onRender(listener: () => void): void {
    this.#renderListeners.push(listener);
  }

  /** What the last render cost: samples rendered into new text, of all samples served (the bench's and tests' view of incrementality). */
  get lastRender(): { readonly renderedSamples: number; readonly totalSamples: number } | undefined {
    return this.#current?.rendered;
  }

  /** The whole exposition as text, up to date with the store (tests, the golden file, the bench). */
  async text(): Promise<string> {
    const snapshot = await this.#freshBody();
    const instruments = await this.#instrumentsOf(snapshot);
    return Buffer.concat([...snapshot.plain, instruments.plain]).toString('utf8');
  }

  /** Resolves once the body of the store's current state is rendered (and compressed, once gzip was asked for). */
  async refresh(): Promise<void> {
    await this.#freshBody();
  }

  close(): void {
    clearTimeout(this.#eagerTimer);
    clearTimeout(this.#staleTimer);
  }

  #servableBody(): Promise<SnapshotBody> {
    const body = this.#current;
    const store = this.#store;
    if (body === undefined || this.#failedVersion === store.version || store.now() > body.rendered.validUntilMs) return this.#freshBody();
    return Promise.resolve(body);
  }

  /** A body of the store's current version (if the store keeps changing, the newest after a few tries). */
  async #freshBody(): Promise<SnapshotBody> {
    if (this.#isFresh(this.#current)) return this.#current;
    for (let attempt = 1; ; attempt++) {
      const body = await this.#render();
      if (this.#isFresh(body) || attempt === 3) return body;
    }
  }

  #isFresh(body: SnapshotBody | undefined): body is SnapshotBody {
    return body !== undefined && body.rendered.version === this.#store.version && this.#store.now() <= body.rendered.validUntilMs;
  }

  #render(): Promise<SnapshotBody> {
    const inFlight = this.#inFlight;
    if (inFlight === undefined) return this.#start();
    if (inFlight.version === this.#store.version) return inFlight.promise;
    this.#queued ??= inFlight.promise
      .catch(() => undefined)
      .then(() => {
        this.#queued = undefined;
        return this.#inFlight?.version === this.#store.version ? this.#inFlight.promise : this.#start();
      });
    return this.#queued;
  }

  #start(): Promise<SnapshotBody> {
    const version = this.#store.version;
    const promise = this.#renderVersion(version).finally(() => {
      if (this.#inFlight?.promise === promise) this.#inFlight = undefined;
    });
    this.#inFlight = { version, promise };
    return promise;
  }

  async #renderVersion(version: number): Promise<SnapshotBody> {
    const started = performance.now();
    try {
      // Both read in this tick: the instruments now, the store's snapshots as renderSnapshots starts.
      const instruments = readInstruments(this.#instruments);
      const rendered = await renderSnapshots(this.#store, this.#fragments, {
        sliceMs: this.#sliceMs,
        gzipLevel: this.#gzipWanted ? this.#gzipLevel : undefined,
      });
      const body: SnapshotBody = {
        rendered,
        plain: rendered.pieces.map((piece) => piece.plain),
        gzip: undefined,
        instruments: await instruments,
        instrumentsRead: undefined,
      };
      if (this.#gzipWanted) await this.#gzipOf(body);
      this.#renders++;
      this.#current = body;
      if (this.#failedVersion !== undefined && this.#failedVersion <= rendered.version) this.#failedVersion = undefined;
      this.#armStaleTimer(rendered.validUntilMs);
      for (const listener of this.#renderListeners) listener();
      return body;
    } catch (error) {
      this.#failedVersion = version;
      throw error;
    } finally {
      this.#lastRenderEndedAt = performance.now();
      this.#lastRenderMs = this.#lastRenderEndedAt - started;
    }
  }

  /**
   * After a change: render soon, but wait as long as the last render took (at most MAX_RENDER_DELAY_MS), so
   * rendering gets about half the time. The cap: a render costs what changed, but its wall time includes its
   * pauses and a busy machine, and a whole big render's wait (aggregates batches, ~1 s at 10,000 queues under
   * load) held every streamed change behind it that much longer.
   */
  #scheduleRender(): void {
    if (this.#eagerTimer !== undefined) return;
    const delayMs = Math.min(MAX_RENDER_DELAY_MS, Math.max(0, this.#lastRenderEndedAt + this.#lastRenderMs - performance.now()));
    this.#eagerTimer = setTimeout(() => {
      this.#eagerTimer = undefined;
      if (this.#isFresh(this.#current)) return; // a scrape that needed it first already rendered this version
      // A failure is kept in #failedVersion and reported to the next scrape, which retries.
      this.#render().catch(() => undefined);
    }, delayMs);
    this.#eagerTimer.unref();
  }

  /** Re-render when the oldest served snapshot goes stale, so it leaves /metrics on time. */
  #armStaleTimer(validUntilMs: number): void {
    clearTimeout(this.#staleTimer);
    if (!Number.isFinite(validUntilMs)) return;
    const delayMs = Math.min(2 ** 31 - 1, Math.max(0, validUntilMs - this.#store.now() + 1));
    this.#staleTimer = setTimeout(() => this.#scheduleRender(), delayMs);
    this.#staleTimer.unref();
  }

  #gzipOf(body: SnapshotBody): Promise<readonly Buffer[]> {
    body.gzip ??= this.#groups.join(body.rendered.pieces, this.#gzipLevel, this.#sliceMs);
    return body.gzip;
  }

  /**
   * The instrument part to serve with `body`: read again while the store still holds exactly the body's
   * snapshots (once for all the scrapes that ask meanwhile), otherwise the last read from when it did.
   */
  #instrumentsOf(body: SnapshotBody): Promise<Piece> {
    if (body.rendered.version !== this.#store.version) return Promise.resolve(body.instruments);
    if (body.instrumentsRead !== undefined) return body.instrumentsRead;
    const read = readInstruments(this.#instruments).then((piece) => {
      body.instruments = piece;
      return piece;
    });
    body.instrumentsRead = read;
    const release = (): void => {
      if (body.instrumentsRead === read) body.instrumentsRead = undefined;
    };
    read.then(release, release);
    return read;
  }
}

/**
 * The instruments' text as of the calling tick: prom-client reads every value synchronously when metrics()
 * is called (only a metric with a collect function would read later, and none of ours has one).
 */
function readInstruments(instruments: Registry): Promise<Piece> {
  return instruments.metrics().then((text) => pieceOf(Buffer.from(text, 'utf8')));
}

/** A body of these chunks, with its length. */
export function bodyOf(encoding: BodyEncoding, chunks: readonly Buffer[]): ScrapeBody {
  let bytes = 0;
  for (const chunk of chunks) bytes += chunk.length;
  return { encoding, chunks, bytes };
}

/**
 * The pieces' deflate segments (made where missing, in slices), joined into buffers of about
 * GZIP_GROUP_BYTES: few writes per scrape. A change re-joins only the group it falls in: a group of the last
 * join is re-used wherever the same segments come again, and a new group ends where an old one starts (at
 * 10,000 queues joining everything again copied 5 MB per render, and its garbage cost GC pauses).
 */
class SegmentGroups {
  /** The last join's groups, by their first segment. */
  #byFirst = new Map<Buffer, Group>();

  async join(pieces: readonly Piece[], level: number, sliceMs: number): Promise<readonly Buffer[]> {
    await deflateAll(pieces, level, sliceMs);
    // Empty segments (a run whose series are all hidden) add nothing, and would all be the same key.
    const segments = pieces.map((piece) => deflatedOf(piece, level)).filter((segment) => segment.length > 0);
    const next = new Map<Buffer, Group>();
    const joined: Buffer[] = [];
    let i = 0;
    while (i < segments.length) {
      let group = this.#byFirst.get(segments[i]!);
      if (group === undefined || !startsAt(group.segments, segments, i)) {
        const first = i;
        let bytes = 0;
        do bytes += segments[i++]!.length;
        while (i < segments.length && bytes < GZIP_GROUP_BYTES && !this.#byFirst.has(segments[i]!));
        const members = segments.slice(first, i);
        group = { segments: members, buffer: members.length === 1 ? members[0]! : Buffer.concat(members, bytes) };
      } else i += group.segments.length;
      next.set(group.segments[0]!, group);
      joined.push(group.buffer);
    }
    this.#byFirst = next;
    return joined;
  }
}

interface Group {
  readonly segments: readonly Buffer[];
  readonly buffer: Buffer;
}

function startsAt(group: readonly Buffer[], segments: readonly Buffer[], at: number): boolean {
  if (at + group.length > segments.length) return false;
  for (let k = 0; k < group.length; k++) if (group[k] !== segments[at + k]) return false;
  return true;
}
