// The messages between the serving thread (the HTTP server, serving/served-bodies.ts) and the collector
// thread (store, collectors, API client, renderer: serving/collector-thread.ts). Bodies cross as copies in
// ArrayBuffers that are transferred, not cloned; a body is sent as a delta against the previous one
// (chunks the serving thread already holds are named by id), so a render that changed one run of series
// sends that run, not the tens of MB of a 10,000-queue body.
import type { BodyEncoding } from '../exposition/exposition.ts';
import type { Readiness } from '../readiness.ts';

/** A chunk list: the ids in body order, and the bytes of the ids the receiver does not hold yet. */
export interface ChunkDelta {
  readonly ids: readonly number[];
  readonly added: readonly { readonly id: number; readonly bytes: ArrayBuffer }[];
}

export type CollectorMessage =
  /** A newly rendered body (or one in an encoding newly asked for). */
  | {
      readonly type: 'body';
      readonly version: number;
      readonly validUntilMs: number;
      readonly snapshot: Readonly<Partial<Record<BodyEncoding, ChunkDelta>>>;
      readonly instruments: Readonly<Partial<Record<BodyEncoding, ArrayBuffer>>>;
    }
  /** The instrument part read again while the store still holds the body's snapshots. */
  | { readonly type: 'instruments'; readonly version: number; readonly instruments: Readonly<Partial<Record<BodyEncoding, ArrayBuffer>>> }
  /** Rendering the store's current version failed: do not serve an older body as if it were current. */
  | { readonly type: 'render-failed'; readonly message: string }
  | { readonly type: 'readiness'; readonly readiness: Readiness }
  /** One JSON log line, already formatted and redacted by the collector thread's logger. */
  | { readonly type: 'log'; readonly line: string }
  | { readonly type: 'started' }
  | { readonly type: 'startup-failed'; readonly message: string }
  | { readonly type: 'closed' };

export type ServerMessage = { readonly type: 'want'; readonly encoding: BodyEncoding } | { readonly type: 'close' };

/** What the collector thread is started with (workerData). */
export interface CollectorThreadData {
  /** The exporter's command line: the collector thread parses it again (its env is the process's). */
  readonly argv: readonly string[];
  /** tsx's registration API when running from the TypeScript sources (npm start); undefined in dist/. */
  readonly tsx: string | undefined;
  /** Modules to import before the entry: tests' fault injectors. */
  readonly imports: readonly string[];
  /** collector-thread.ts (or .js), whose runCollectorThread() the thread runs. */
  readonly entry: string;
}
