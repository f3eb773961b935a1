// /metrics bodies, rendered once per data change and served from memory.
//
// The body has two parts of very different size and churn:
// - the snapshot part (queue and agent series, up to tens of MB): it changes only when a collector
//   publishes, so it is rendered once per store change, in slices that never hold the event loop for long,
//   re-using what did not change (render-snapshots.ts), and kept as plain text and, once any scraper has
//   asked for it, as gzip;
// - the instrument part (the exporter's own health: a few dozen series in a prom-client registry, used
//   through its public API): it changes on every API request, so it is rendered per scrape; that is cheap.
// The two are sent one after the other. With gzip, each part is its own gzip member: a gzip stream may hold
// several members (RFC 1952 §2.2), and Go's gzip reader, which Prometheus uses, reads them as one stream.
//
// A render starts as soon as the store changes (coalesced: one in flight, at most one queued behind it,
// and never more than half of the time spent rendering). Meanwhile scrapes get the previous body at once,
// so a scrape never waits for a render, with two exceptions that put correctness first: the very first
// scrape, and a body that holds a snapshot past its staleness limit (those wait for a fresh render).
import { once } from 'node:events';
import { promisify } from 'node:util';
import { createGzip, gzip } from 'node:zlib';
import type { Registry } from 'prom-client';
import type { SnapshotStore } from '../snapshot-store.ts';
import { FragmentCache, renderSnapshots } from './render-snapshots.ts';
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
  gzip: Promise<readonly Buffer[]> | undefined;
}

interface InstrumentPart {
  readonly plain: Promise<Buffer>;
  gzip: Promise<Buffer> | undefined;
}

const gzipBuffer = promisify(gzip);

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
    const [snapshot, instruments] = await Promise.all([this.#servableBody(), this.#instrumentsPart()]);
    if (encoding === 'identity') return bodyOf('identity', [...snapshot.rendered.chunks, await instruments.plain]);
    const gzipped = await this.#gzipOf(snapshot);
    instruments.gzip ??= instruments.plain.then((plain) => gzipBuffer(plain, { level: this.#gzipLevel }));
    return bodyOf('gzip', [...gzipped, await instruments.gzip]);
  }

  /** The whole exposition as text, up to date with the store (tests, the golden file, the bench). */
  async text(): Promise<string> {
    const [snapshot, instruments] = await Promise.all([this.#freshBody(), this.#instrumentsPart()]);
    return Buffer.concat([...snapshot.rendered.chunks, await instruments.plain]).toString('utf8');
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
      const rendered = await renderSnapshots(this.#store, this.#fragments, { sliceMs: this.#sliceMs });
      const body: SnapshotBody = { rendered, gzip: undefined };
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
    body.gzip ??= gzipChunks(body.rendered.chunks, this.#gzipLevel);
    return body.gzip;
  }

  /** The instrument part of the scrapes in progress: one prom-client render shared by concurrent scrapes. */
  #instrumentsPart(): InstrumentPart {
    if (this.#instrumentPart !== undefined) return this.#instrumentPart;
    const part: InstrumentPart = {
      plain: this.#instruments.metrics().then((text) => Buffer.from(text, 'utf8')),
      gzip: undefined,
    };
    this.#instrumentPart = part;
    const release = (): void => {
      if (this.#instrumentPart === part) this.#instrumentPart = undefined;
    };
    part.plain.then(release, release);
    return part;
  }
}

function bodyOf(encoding: BodyEncoding, chunks: readonly Buffer[]): ScrapeBody {
  let bytes = 0;
  for (const chunk of chunks) bytes += chunk.length;
  return { encoding, chunks, bytes };
}

/** gzip of a body in pieces, compressed on libuv's thread pool (the event loop only hands pieces over). */
async function gzipChunks(chunks: readonly Buffer[], level: number): Promise<readonly Buffer[]> {
  const stream = createGzip({ level, chunkSize: 64 * 1024 });
  const out: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => out.push(chunk));
  const ended = once(stream, 'end');
  for (const chunk of chunks) if (!stream.write(chunk)) await once(stream, 'drain');
  stream.end();
  await ended;
  return out;
}
