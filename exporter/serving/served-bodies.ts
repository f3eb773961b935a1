// The serving thread's side: the finished bodies the collector thread posts, served to every scrape as
// they are (two parts written one after the other: snapshot part, instrument part). No scrape waits for
// the collector thread, except the first in an encoding and scrapes of a body past its staleness limit
// (those wait for the next body, up to a bound, then fail: never old data served as current).
import { bodyOf, type BodyEncoding, type ScrapeBody } from '../exposition/exposition.ts';
import { EXPOSITION_CONTENT_TYPE } from '../exposition/text-format.ts';
import type { ScrapeSource } from '../server.ts';
import { ChunkReceiver } from './chunk-delta.ts';
import type { CollectorMessage } from './protocol.ts';

interface HeldBody {
  readonly version: number;
  readonly validUntilMs: number;
  readonly snapshot: Partial<Record<BodyEncoding, readonly Buffer[]>>;
  instruments: Partial<Record<BodyEncoding, Buffer>>;
  /** What a scrape in each encoding is served, made at the first scrape after the body or its instruments changed. */
  served: Partial<Record<BodyEncoding, ScrapeBody>>;
}

interface Waiter {
  readonly encoding: BodyEncoding;
  readonly resolve: (body: ScrapeBody) => void;
  readonly reject: (error: Error) => void;
}

/** Prometheus' default scrape timeout: a scrape that waits longer has been given up on anyway. */
const DEFAULT_WAIT_MS = 10_000;

export class ServedBodies implements ScrapeSource {
  readonly contentType = EXPOSITION_CONTENT_TYPE;
  readonly #ask: (encoding: BodyEncoding) => void;
  readonly #now: () => number;
  readonly #waitMs: number;
  readonly #receivers: Record<BodyEncoding, ChunkReceiver> = { identity: new ChunkReceiver(), gzip: new ChunkReceiver() };
  readonly #asked = new Set<BodyEncoding>();
  #body: HeldBody | undefined;
  #failure: string | undefined;
  /** Why scrapes can no longer wait for a body, and whether the held one is still served (shutdown) or not (failure). */
  #closed: { readonly reason: string; readonly serveHeld: boolean } | undefined;
  #waiters: Waiter[] = [];

  /** `ask`: tells the collector thread an encoding is wanted (once per encoding). */
  constructor(ask: (encoding: BodyEncoding) => void, options: { readonly now?: () => number; readonly waitMs?: number } = {}) {
    this.#ask = ask;
    this.#now = options.now ?? Date.now;
    this.#waitMs = options.waitMs ?? DEFAULT_WAIT_MS;
  }

  /** Applies a message of the collector thread; returns false for messages that are not about bodies. */
  receive(message: CollectorMessage): boolean {
    if (message.type === 'body') {
      const snapshot: Partial<Record<BodyEncoding, readonly Buffer[]>> = {};
      for (const encoding of ['identity', 'gzip'] as const) {
        const delta = message.snapshot[encoding];
        if (delta !== undefined) snapshot[encoding] = this.#receivers[encoding].apply(delta);
      }
      this.#body = { version: message.version, validUntilMs: message.validUntilMs, snapshot, instruments: buffersOf(message.instruments), served: {} };
      this.#failure = undefined;
      this.#wake();
      return true;
    }
    if (message.type === 'instruments') {
      if (this.#body?.version === message.version) {
        this.#body.instruments = buffersOf(message.instruments);
        this.#body.served = {};
      }
      return true;
    }
    if (message.type === 'render-failed') {
      this.#failure = message.message;
      this.#wake();
      return true;
    }
    return false;
  }

  async scrape(encoding: BodyEncoding): Promise<ScrapeBody> {
    if (this.#closed?.serveHeld === false) throw new Error(this.#closed.reason);
    const served = this.#servable(encoding);
    if (served !== undefined) return served;
    if (this.#closed !== undefined) throw new Error(this.#closed.reason);
    if (this.#failure !== undefined) throw new Error(`rendering /metrics failed: ${this.#failure}`);
    if (!this.#asked.has(encoding)) {
      this.#asked.add(encoding);
      this.#ask(encoding);
    }
    return new Promise<ScrapeBody>((resolve, reject) => {
      const waiter: Waiter = {
        encoding,
        resolve: (body) => {
          clearTimeout(timer);
          resolve(body);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(new Error(`no current /metrics body from the collector thread within ${this.#waitMs / 1000} s`));
      }, this.#waitMs);
      this.#waiters.push(waiter);
    });
  }

  /**
   * No body will come any more: scrapes waiting for one fail with `reason`. On shutdown the held body is
   * still served to the last requests (`serveHeld`); when the collector thread failed it is not.
   */
  close(reason: string, serveHeld: boolean): void {
    this.#closed = { reason, serveHeld };
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter.reject(new Error(reason));
  }

  #servable(encoding: BodyEncoding): ScrapeBody | undefined {
    const body = this.#body;
    if (body === undefined || this.#failure !== undefined || this.#now() > body.validUntilMs) return undefined;
    const snapshot = body.snapshot[encoding];
    const instruments = body.instruments[encoding];
    if (snapshot === undefined || instruments === undefined) return undefined;
    body.served[encoding] ??= bodyOf(encoding, [...snapshot, instruments]);
    return body.served[encoding];
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) {
      if (this.#failure !== undefined) {
        waiter.reject(new Error(`rendering /metrics failed: ${this.#failure}`));
        continue;
      }
      const body = this.#servable(waiter.encoding);
      if (body === undefined) this.#waiters.push(waiter);
      else waiter.resolve(body);
    }
  }
}

function buffersOf(parts: Readonly<Partial<Record<BodyEncoding, ArrayBuffer>>>): Partial<Record<BodyEncoding, Buffer>> {
  const out: Partial<Record<BodyEncoding, Buffer>> = {};
  for (const encoding of ['identity', 'gzip'] as const) {
    const bytes = parts[encoding];
    if (bytes !== undefined) out[encoding] = Buffer.from(bytes);
  }
  return out;
}
