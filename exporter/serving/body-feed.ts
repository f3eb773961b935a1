// The collector thread's side of serving: posts each newly rendered body to the serving thread (in the
// encodings it has been asked for, as deltas), the instrument part again while the store holds the same
// snapshots, and readiness when it changes. The serving thread never asks per scrape: it serves what it
// was last sent.
import type { BodyEncoding, BodyParts, Exposition } from '../exposition/exposition.ts';
import type { Readiness } from '../readiness.ts';
import { ChunkSender, copyOf } from './chunk-delta.ts';
import type { ChunkDelta, CollectorMessage } from './protocol.ts';

export interface BodyFeedOptions {
  readonly exposition: Exposition;
  readonly readiness: () => Readiness;
  readonly post: (message: CollectorMessage, transfer?: readonly ArrayBuffer[]) => void;
  /**
   * How often the instrument part (the exporter's own metrics: API requests, collector runs) is read
   * again. Its values change with every API request; a scrape sees them at most this old.
   */
  readonly instrumentsIntervalMs?: number;
  /** How often readiness is looked at (it can change with time alone: a collector going stale). */
  readonly readinessIntervalMs?: number;
}

export interface BodyFeed {
  /** The serving thread asked for an encoding: from now on every body is sent in it too. */
  want(encoding: BodyEncoding): void;
  close(): void;
}

export function startBodyFeed(options: BodyFeedOptions): BodyFeed {
  const { exposition, post } = options;
  const wanted = new Set<BodyEncoding>();
  const senders: Record<BodyEncoding, ChunkSender> = { identity: new ChunkSender(), gzip: new ChunkSender() };
  let sent: { readonly version: number; readonly validUntilMs: number; readonly encodings: string; instruments: Buffer | undefined } | undefined;
  let running = false;
  let again = false;
  let closed = false;

  const sendOnce = async (): Promise<void> => {
    const encodings = [...wanted].sort();
    if (encodings.length === 0) return;
    let parts: BodyParts;
    try {
      parts = await exposition.parts(encodings);
    } catch (error) {
      post({ type: 'render-failed', message: error instanceof Error ? error.message : String(error) });
      sent = undefined;
      return;
    }
    if (closed) return;
    const key = encodings.join(',');
    const instrumentText = instrumentKey(parts);
    // A re-render of the same version (a snapshot went stale and left) is a new body too.
    if (sent !== undefined && sent.version === parts.version && sent.validUntilMs === parts.validUntilMs && sent.encodings === key) {
      // Same snapshots: only the instrument part, and only when it changed.
      if (sent.instruments && instrumentText?.equals(sent.instruments)) return;
      const instruments = instrumentsOf(parts, encodings);
      post({ type: 'instruments', version: parts.version, instruments: instruments.parts }, instruments.transfer);
      sent.instruments = instrumentText;
      return;
    }
    const instruments = instrumentsOf(parts, encodings);
    const snapshot: Partial<Record<BodyEncoding, ChunkDelta>> = {};
    const transfer: ArrayBuffer[] = [...instruments.transfer];
    for (const encoding of encodings) {
      const { delta, transfer: added } = senders[encoding].delta(parts.snapshot[encoding]!);
      snapshot[encoding] = delta;
      transfer.push(...added);
    }
    post({ type: 'body', version: parts.version, validUntilMs: parts.validUntilMs, snapshot, instruments: instruments.parts }, transfer);
    sent = { version: parts.version, validUntilMs: parts.validUntilMs, encodings: key, instruments: instrumentText };
  };

  /** One send at a time; a trigger meanwhile runs one more after it (which sends the newest state). */
  const send = (): void => {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    void (async () => {
      try {
        do {
          again = false;
          await sendOnce();
        } while (again && !closed);
      } finally {
        running = false;
      }
    })();
  };

  let readiness = '';
  const sendReadiness = (): void => {
    const now = options.readiness();
    const key = JSON.stringify(now);
    if (key === readiness) return;
    readiness = key;
    post({ type: 'readiness', readiness: now });
  };

  exposition.onRender(send);
  const instrumentsTimer = setInterval(send, options.instrumentsIntervalMs ?? 1000);
  const readinessTimer = setInterval(sendReadiness, options.readinessIntervalMs ?? 250);
  sendReadiness();
  return {
    want(encoding) {
      if (wanted.has(encoding)) return;
      wanted.add(encoding);
      send();
    },
    close() {
      closed = true;
      clearInterval(instrumentsTimer);
      clearInterval(readinessTimer);
    },
  };
}

function instrumentsOf(
  parts: BodyParts,
  encodings: readonly BodyEncoding[],
): { readonly parts: Partial<Record<BodyEncoding, ArrayBuffer>>; readonly transfer: ArrayBuffer[] } {
  const out: Partial<Record<BodyEncoding, ArrayBuffer>> = {};
  for (const encoding of encodings) out[encoding] = copyOf(parts.instruments[encoding]!);
  return { parts: out, transfer: Object.values(out) };
}

/** What tells one instrument read from the next: its text when sent plain, else its deflate segment (same text, same segment). */
function instrumentKey(parts: BodyParts): Buffer | undefined {
  return parts.instruments.identity?.[0] ?? parts.instruments.gzip?.[0];
}
