// One notification channel and its WebSocket, kept alive for a set of queues (≤ 1,000 topics):
// create the channel, subscribe, connect; watch heartbeats; on the closing warning open a new channel,
// subscribe and connect it, then switch; renew the subscription before the 24 h expiry; on any loss
// reconnect with backoff (a channel the service no longer knows is created again). While it is not
// connected its queues are not "streamed", so the collector polls them.
import { WebSocket } from 'ws';
import { fullJitterDelayMs } from '../genesys/backoff.ts';
import type { ChannelTopic, NotificationChannel } from '../genesys/notification-channels.ts';
import type { Logger } from '../log.ts';
import { observationTopic, readNotification, type NotificationEvent } from './notification-message.ts';

export interface NotificationPort {
  createNotificationChannel(): Promise<NotificationChannel>;
  setChannelTopics(channelId: string, topics: readonly string[]): Promise<ChannelTopic[]>;
}

export interface SessionTimings {
  /** No message (heartbeats included) for this long: the socket is presumed dead (Genesys sends one every ~30 s). */
  readonly heartbeatTimeoutMs: number;
  /** Renew the subscription this long before the channel expires. */
  readonly renewBeforeExpiryMs: number;
  /** At least this long between two subscription calls of a channel (an odd `expires` cannot start a loop). */
  readonly minSubscribeSpacingMs: number;
  /** Retry topics the service rejected after this long. */
  readonly rejectedRetryMs: number;
  readonly backoff: { readonly baseMs: number; readonly maxMs: number };
}

/** Why a session stopped streaming (the label of genesys_exporter_streaming_fallbacks_total). */
export const FALLBACK_REASONS = [
  'channel_unavailable',
  'socket_failed',
  'heartbeat_missed',
  'channel_expired',
  'topic_rejected',
  'message_unreadable',
] as const;
export type FallbackReason = (typeof FALLBACK_REASONS)[number];

export interface SessionEvents {
  onObservations(event: Extract<NotificationEvent, { kind: 'observations' }>): void;
  /** The session's streamed queues changed (connected, lost, topics accepted or rejected). */
  onStateChange(): void;
  onFallback(reason: FallbackReason, queues: number, detail: string): void;
  onRecovered(queues: number): void;
}

type Wake = 'topics' | 'closed' | 'closing' | 'stop' | 'timeout';

class ChannelGoneError extends Error {}
class SocketLostError extends Error {}

export class ChannelSession {
  #queues: string[] = [];
  #permitted = new Set<string>();
  #rejected = new Map<string, string>();
  #channel: NotificationChannel | undefined;
  #ws: WebSocket | undefined;
  #connected = false;
  #lastMessageAt = 0;
  #topicsSentAt = 0;
  #topicsDirty = true;
  #stopped = false;
  #wake: ((reason: Wake) => void) | undefined;
  #pending: Wake | undefined;
  #failures = 0;
  /** A fallback was reported and the session has not streamed since (one report per outage). */
  #outage = false;
  /**
   * Queues whose messages could not be read (a payload shape this exporter does not know): polled rather
   * than trusted to stream, so a changed payload cannot freeze their values behind a healthy-looking socket.
   */
  readonly #unreadable = new Set<string>();
  /** The socket was lost and the immediate reconnection has not told why yet. */
  #lost: string | undefined;
  /** Queues whose values must be read again by a poll (after a (re)connection: messages come only on change). */
  readonly resync = new Set<string>();
  readonly done: Promise<void>;

  constructor(
    readonly index: number,
    private readonly port: NotificationPort,
    private readonly timings: SessionTimings,
    private readonly events: SessionEvents,
    private readonly logger: Logger,
  ) {
    this.done = this.#run();
  }

  get queues(): readonly string[] {
    return this.#queues;
  }

  /** Queues whose values arrive on this session's socket now. */
  streamed(): string[] {
    return this.#connected ? this.#queues.filter((q) => this.#permitted.has(q) && !this.#unreadable.has(q)) : [];
  }

  /**
   * Queues streaming has failed for (the session is in an outage, or their topic was rejected or their
   * messages unreadable): they are polled until it recovers. A session still connecting fails none.
   */
  failing(): string[] {
    if (this.#outage) return [...this.#queues];
    return this.#queues.filter((q) => this.#rejected.has(q) || this.#unreadable.has(q));
  }

  setQueues(queues: readonly string[]): void {
    if (queues.length === this.#queues.length && queues.every((q, i) => q === this.#queues[i])) return;
    this.#queues = [...queues];
    this.#topicsDirty = true;
    this.#signal('topics');
  }

  /** Stops at once: the socket is cut; a REST call in flight ends when the client closes. */
  stop(): void {
    this.#stopped = true;
    this.#connected = false;
    this.#signal('stop');
    this.#ws?.terminate();
  }

  #signal(reason: Wake): void {
    if (this.#wake !== undefined) {
      const wake = this.#wake;
      this.#wake = undefined;
      wake(reason);
    } else if (this.#pending === undefined || reason === 'stop' || reason === 'closed') {
      this.#pending = reason;
    }
  }

  #wait(ms: number): Promise<Wake> {
    if (this.#pending !== undefined) {
      const pending = this.#pending;
      this.#pending = undefined;
      return Promise.resolve(pending);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => {
          this.#wake = undefined;
          resolve('timeout');
        },
        Math.max(0, ms),
      );
      this.#wake = (reason) => {
        clearTimeout(timer);
        resolve(reason);
      };
    });
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      let phase: 'create' | 'socket' = 'socket';
      try {
        if (this.#channel === undefined) {
          phase = 'create';
          this.#channel = await this.port.createNotificationChannel();
          this.#topicsDirty = true;
        }
        if (this.#topicsDirty) await this.#subscribe(this.#channel);
        phase = 'socket';
        if (this.#stopped) break;
        this.#ws = await this.#connect(this.#channel);
        this.#online();
        await this.#watch();
      } catch (error) {
        if (this.#stopped) break;
        const message = error instanceof Error ? error.message : String(error);
        if (error instanceof SocketLostError && !this.#outage && this.#lost === undefined) {
          // Reconnect at once; what that attempt meets names the outage (an expired channel answers 404).
          this.#connected = false;
          this.#lost = message;
          this.events.onStateChange();
          continue;
        }
        const gone = error instanceof ChannelGoneError;
        // A channel the service no longer knows (expired, removed as least recently used) is created again.
        if (gone) this.#channel = undefined;
        this.#offline(gone ? 'channel_expired' : phase === 'create' ? 'channel_unavailable' : 'socket_failed', message);
        this.#failures += 1;
        const delay = fullJitterDelayMs(this.#failures - 1, { baseMs: this.timings.backoff.baseMs, maxMs: this.timings.backoff.maxMs });
        await this.#wait(Math.max(delay, this.timings.backoff.baseMs / 2));
      }
    }
    this.#connected = false;
    this.#ws?.terminate();
  }

  /** While connected: renew, re-subscribe, switch channels on the closing warning; returns when the socket is lost. */
  async #watch(): Promise<void> {
    for (;;) {
      const now = Date.now();
      const heartbeatDeadline = this.#lastMessageAt + this.timings.heartbeatTimeoutMs;
      const earliest = this.#topicsSentAt + this.timings.minSubscribeSpacingMs;
      const renewAt = Math.max(this.#channel!.expiresAt - this.timings.renewBeforeExpiryMs, earliest);
      const retryAt = this.#rejected.size > 0 ? Math.max(this.#topicsSentAt + this.timings.rejectedRetryMs, earliest) : Number.POSITIVE_INFINITY;
      const wake = await this.#wait(Math.min(heartbeatDeadline, renewAt, retryAt) - now);
      if (this.#stopped || wake === 'stop') return;
      if (wake === 'closed') throw new SocketLostError('the notification socket closed');
      if (wake === 'closing') {
        await this.#switchChannel();
        continue;
      }
      // The deadline again: messages that arrived during the wait moved it (the one computed before the
      // wait would call a socket with regular heartbeats dead once per timeout).
      if (wake === 'timeout' && Date.now() >= this.#lastMessageAt + this.timings.heartbeatTimeoutMs) {
        this.#offline('heartbeat_missed', `no message for ${this.timings.heartbeatTimeoutMs} ms`);
        this.#ws?.terminate();
        throw new Error('heartbeat missed');
      }
      if (wake === 'topics' || Date.now() >= renewAt || Date.now() >= retryAt) {
        try {
          await this.#subscribe(this.#channel!);
        } catch (error) {
          if (error instanceof ChannelGoneError) throw error;
          // Keep the socket: its current topics still stream; the next wake retries.
          this.logger.warn('could not update the notification subscription; retrying', { channel: this.index, error: String(error) });
          this.#topicsSentAt = Date.now();
        }
        this.events.onStateChange();
      }
    }
  }

  async #subscribe(channel: NotificationChannel): Promise<void> {
    const asked = [...this.#queues];
    let topics: ChannelTopic[];
    try {
      topics = await this.port.setChannelTopics(channel.id, asked.map(observationTopic));
    } catch (error) {
      if ((error as { status?: number }).status === 404) throw new ChannelGoneError('the notification channel is gone (404)');
      throw error;
    }
    this.#topicsDirty = false;
    this.#topicsSentAt = Date.now();
    // Subscribing renews the channel for 24 h.
    this.#channel = { ...channel, expiresAt: Math.max(channel.expiresAt, Date.now() + 24 * 3_600_000 - 60_000) };
    const states = new Map(topics.map((t) => [t.id, t]));
    const permitted = new Set<string>();
    const rejected = new Map<string, string>();
    for (const queueId of asked) {
      const topic = states.get(observationTopic(queueId));
      if (topic !== undefined && topic.state.toLowerCase() === 'permitted') permitted.add(queueId);
      else rejected.set(queueId, topic?.rejectionReason ?? 'not in the answer');
    }
    const newlyRejected = [...rejected.keys()].filter((q) => !this.#rejected.has(q));
    for (const queueId of permitted) if (!this.#permitted.has(queueId)) this.resync.add(queueId);
    this.#permitted = permitted;
    this.#rejected = rejected;
    if (newlyRejected.length > 0) {
      const example = rejected.get(newlyRejected[0]!)!;
      this.events.onFallback('topic_rejected', newlyRejected.length, `${newlyRejected.length} topic(s) rejected, e.g. queue ${newlyRejected[0]}: ${example}`);
    }
  }

  #connect(channel: NotificationChannel): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(channel.connectUri, { handshakeTimeout: 10_000 });
      ws.once('unexpected-response', (_req, res) => {
        ws.terminate();
        reject(
          res.statusCode === 404 || res.statusCode === 410
            ? new ChannelGoneError(`the channel's socket answered ${res.statusCode}`)
            : new Error(`the channel's socket answered HTTP ${res.statusCode}`),
        );
      });
      ws.once('error', (error) => reject(error));
      ws.once('open', () => {
        ws.removeAllListeners('error');
        this.#attach(ws);
        resolve(ws);
      });
    });
  }

  #attach(ws: WebSocket): void {
    ws.on('message', (data) => {
      if (this.#ws !== ws && this.#ws !== undefined && ws.readyState !== WebSocket.OPEN) return;
      this.#lastMessageAt = Date.now();
      const event = readNotification(data.toString());
      if (event.kind === 'observations') this.events.onObservations(event);
      else if (event.kind === 'closing' && ws === this.#ws) this.#signal('closing');
      else if (event.kind === 'ignored' && event.queueId !== undefined && !this.#unreadable.has(event.queueId)) {
        this.#unreadable.add(event.queueId);
        this.events.onFallback('message_unreadable', 1, event.problem ?? 'unreadable message');
        this.events.onStateChange();
      } else if (event.kind === 'ignored' && event.problem !== undefined) this.logger.debug('ignored a notification', { problem: event.problem });
    });
    ws.on('error', (error) => this.logger.debug('notification socket error', { channel: this.index, error: error.message }));
    ws.on('close', () => {
      if (ws === this.#ws) this.#signal('closed');
    });
  }

  /** The closing warning: a new channel, subscribed and connected, before the old socket goes. */
  async #switchChannel(): Promise<void> {
    const old = this.#ws;
    this.logger.info('notification socket closing soon (service maintenance); switching to a new channel', { channel: this.index });
    const channel = await this.port.createNotificationChannel();
    await this.#subscribe(channel);
    const ws = await this.#connect(channel);
    this.#channel = { ...channel, expiresAt: this.#channel!.expiresAt };
    this.#ws = ws;
    this.#lastMessageAt = Date.now();
    for (const q of this.#permitted) this.resync.add(q);
    old?.close(1000, 'switched to a new channel');
    this.events.onStateChange();
  }

  #online(): void {
    this.#connected = true;
    this.#lastMessageAt = Date.now();
    for (const q of this.#permitted) this.resync.add(q);
    // A lost socket that reconnected at once still was an outage (its queues were not streamed meanwhile).
    if (this.#lost !== undefined && !this.#outage) this.events.onFallback('socket_failed', this.#queues.length, this.#lost);
    if (this.#outage || this.#lost !== undefined) this.events.onRecovered(this.#permitted.size);
    this.#outage = false;
    this.#lost = undefined;
    this.#failures = 0;
    this.events.onStateChange();
  }

  #offline(reason: FallbackReason, detail: string): void {
    this.#connected = false;
    // One fallback per outage (not one per retry while it lasts).
    if (!this.#outage) this.events.onFallback(reason, this.#queues.length, this.#lost === undefined ? detail : `${this.#lost}; ${detail}`);
    this.#outage = true;
    this.#lost = undefined;
    this.events.onStateChange();
  }
}
