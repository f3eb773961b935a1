// /metrics bodies, rendered once per data change and served from memory.
//
// The body has two parts of very different size and churn:
// - the snapshot part (queue and agent series, up to tens of MB): it changes only when a collector
//   publishes, so it is rendered once per store change, in slices that never hold the event loop for long,
//   re-rendering and re-compressing only the runs of series that changed (render-snapshots.ts), and kept
//   as plain text and, once any scraper has asked for it, as deflate segments joined into a few buffers;
// - the instrument part (the exporter's own health: a few dozen series in a prom-client registry, used
//   through its public API): it changes on every API request, so it is rendered per scrape; that is cheap.
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

interface ScrapeBody {
  readonly encoding: BodyEncoding;
  /** The body in pieces, to be written in order (never concatenated: it can be tens of MB). */
  readonly chunks: readonly Buffer[];
  readonly bytes: number;
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
}

interface InstrumentPart {
  readonly piece: Promise<Piece>;
}

/** Deflate segments are joined into buffers of about this size: few writes per scrape, and each copy well under a ms. */
const GZIP_GROUP_BYTES = 1 << 20;

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
  #instrumentPart: InstrumentPart | undefined;
  #renders = 0;
  readonly #fragments = new FragmentCache();

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
    if (encoding === 'gzip') this.#gzipWanted = true;
    const [snapshot, instruments] = await Promise.all([this.#servableBody(), this.#instrumentsPart().piece]);
    if (encoding === 'identity') return bodyOf('identity', [...snapshot.plain, instruments.plain]);
    const segments = await this.#gzipOf(snapshot);
    const { rendered } = snapshot;
    const crc = crc32Combine(rendered.crc, instruments.crc, instruments.plain.length);
    const tail = gzipTail(crc, rendered.bytes + instruments.plain.length);
    return bodyOf('gzip', [GZIP_HEADER, ...segments, deflatedOf(instruments, this.#gzipLevel), tail]);
  }

  /** What the last render cost: samples rendered into new text, of all samples served (the bench's and tests' view of incrementality). */
  get lastRender(): { readonly renderedSamples: number; readonly totalSamples: number } | undefined {
    return this.#current?.rendered;
  }

  /** The whole exposition as text, up to date with the store (tests, the golden file, the bench). */
  async text(): Promise<string> {
    const [snapshot, instruments] = await Promise.all([this.#freshBody(), this.#instrumentsPart().piece]);
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
      const rendered = await renderSnapshots(this.#store, this.#fragments, {
        sliceMs: this.#sliceMs,
        gzipLevel: this.#gzipWanted ? this.#gzipLevel : undefined,
      });
      const body: SnapshotBody = { rendered, plain: rendered.pieces.map((piece) => piece.plain), gzip: undefined };
      if (this.#gzipWanted) await this.#gzipOf(body);
      this.#renders++;
      this.#current = body;
      if (this.#failedVersion !== undefined && this.#failedVersion <= rendered.version) this.#failedVersion = undefined;
      this.#armStaleTimer(rendered.validUntilMs);
      return body;
    } catch (error) {
      this.#failedVersion = version;
      throw error;
    } finally {
      this.#lastRenderEndedAt = performance.now();
      this.#lastRenderMs = this.#lastRenderEndedAt - started;
    }
  }

  /** After a change: render soon, but wait as long as the last render took, so rendering gets at most half the time. */
  #scheduleRender(): void {
    if (this.#eagerTimer !== undefined) return;
    const delayMs = Math.max(0, this.#lastRenderEndedAt + this.#lastRenderMs - performance.now());
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
    body.gzip ??= joinedSegments(body.rendered.pieces, this.#gzipLevel, this.#sliceMs);
    return body.gzip;
  }

  /** The instrument part of the scrapes in progress: one prom-client render shared by concurrent scrapes. */
  #instrumentsPart(): InstrumentPart {
    if (this.#instrumentPart !== undefined) return this.#instrumentPart;
    const part: InstrumentPart = { piece: this.#instruments.metrics().then((text) => pieceOf(Buffer.from(text, 'utf8'))) };
    this.#instrumentPart = part;
    const release = (): void => {
      if (this.#instrumentPart === part) this.#instrumentPart = undefined;
    };
    part.piece.then(release, release);
    return part;
  }
}

function bodyOf(encoding: BodyEncoding, chunks: readonly Buffer[]): ScrapeBody {
  let bytes = 0;
  for (const chunk of chunks) bytes += chunk.length;
  return { encoding, chunks, bytes };
}

/** The pieces' deflate segments (made where missing, in slices), joined into a few large buffers. */
async function joinedSegments(pieces: readonly Piece[], level: number, sliceMs: number): Promise<readonly Buffer[]> {
  await deflateAll(pieces, level, sliceMs);
  const joined: Buffer[] = [];
  let group: Buffer[] = [];
  let groupBytes = 0;
  const flush = (): void => {
    if (group.length > 0) joined.push(group.length === 1 ? group[0]! : Buffer.concat(group, groupBytes));
    group = [];
    groupBytes = 0;
  };
  let sliceStarted = performance.now();
  for (const piece of pieces) {
    const segment = deflatedOf(piece, level);
    group.push(segment);
    groupBytes += segment.length;
    if (groupBytes < GZIP_GROUP_BYTES) continue;
    flush();
    if (performance.now() - sliceStarted >= sliceMs) {
      await new Promise<void>((resolve) => setTimeout(resolve, 1));
      sliceStarted = performance.now();
    }
  }
  flush();
  return joined;
}
