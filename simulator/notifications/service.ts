// The notification service: channels (REST), their topic subscriptions, and one WebSocket per channel that
// carries queue observations on change only (at most one message per second per topic and group; nothing
// on connecting or subscribing), heartbeats on
// channel.metadata, and the closing warning. Limits as Genesys documents them: 1,000 topics per channel,
// 20 channels per client (a 21st removes the least recently used, unconnected ones first), 24 h lifetime
// renewed by subscribing. See docs/genesys-api.md, "The notification service".

import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { getOrInsertComputed } from '../../lib/map.ts';
import { ApiError, badRequest, notFound } from '../api/errors.ts';
import type { QueueState } from '../model/runtime.ts';
import { snapshotQueue } from '../model/snapshot.ts';
import {
  envelope,
  heartbeat,
  metricKey,
  observationBody,
  observationGroups,
  observationTopicQueue,
  pong,
  socketClosing,
  type NotificationMessage,
} from './messages.ts';

export const MAX_TOPICS_PER_CHANNEL = 1000;
export const MAX_CHANNELS_PER_CLIENT = 20;
const CHANNEL_LIFETIME_MS = 24 * 3_600_000;
/** At most one message per topic and group per this long (wall clock). */
const MIN_PUBLISH_SPACING_MS = 1000;
const PUBLISH_TICK_MS = 200;

export interface ChannelTopic {
  readonly id: string;
  readonly state: 'Permitted' | 'Rejected';
  readonly rejectionReason?: string;
}

interface Channel {
  readonly id: string;
  expiresAt: number;
  lastUsedAt: number;
  topics: Map<string, ChannelTopic>;
  socket: WebSocket | undefined;
  /**
   * Per topic and group key: the counts the client knows (by metric key) and when they were sent (wall ms;
   * 0 for a baseline, never sent). Genesys sends a topic's values only when they change, nothing on
   * connecting or subscribing: a new socket or topic starts from a baseline of the current values, so a
   * client has to read them once by the observations query, as against the real service.
   */
  readonly sent: Map<string, { readonly counts: ReadonlyMap<string, number>; readonly at: number }>;
}

export interface NotificationEnvironment {
  /** Service clock (epoch ms): channel expiry. */
  readonly now: () => number;
  /** Model clock: observation intervals. */
  readonly modelNow: () => number;
  readonly queue: (queueId: string) => QueueState | undefined;
  /** Brings the model up to the clock before reading it. */
  readonly sync: () => void;
  /** The reason a topic is refused by an active fault, if any. */
  readonly rejectionFault: (queueId: string) => string | undefined;
  readonly heartbeatMs: number;
}

export class NotificationService {
  private readonly channels = new Map<string, Channel>();
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly publisher: NodeJS.Timeout;
  private readonly heartbeats: NodeJS.Timeout;
  private baseUrl = 'ws://127.0.0.1';
  /** A pass over every topic is needed although the model has not moved (new topics or socket). */
  private dirty = true;
  /**
   * Topics (by channel id, then topic id) with a change held back by the spacing: the only ones a tick looks at
   * while the model stands still. Looking at every topic on every tick cost a large org's simulator most
   * of a core (10,000 queues: five full passes a second), and it shares the machine with the exporter.
   */
  private held = new Map<string, Set<string>>();
  private lastModelNow = Number.NaN;
  /** Wall time until which socket connections are refused (the socket-drop fault's outage). */
  private refuseUntil = 0;

  constructor(private readonly env: NotificationEnvironment) {
    this.publisher = setInterval(() => this.publish(), PUBLISH_TICK_MS);
    this.publisher.unref();
    this.heartbeats = setInterval(() => this.broadcast(heartbeat()), env.heartbeatMs);
    this.heartbeats.unref();
  }

  /** The http(s) base URL the server listens on; connectUri uses its host. */
  setBaseUrl(httpUrl: string): void {
    this.baseUrl = httpUrl.replace(/^http/, 'ws');
  }

  createChannel(): { id: string; connectUri: string; expires: string } {
    const now = this.env.now();
    this.expire(now);
    if (this.channels.size >= MAX_CHANNELS_PER_CLIENT) this.evictLeastRecentlyUsed();
    const channel: Channel = { id: randomUUID(), expiresAt: now + CHANNEL_LIFETIME_MS, lastUsedAt: now, topics: new Map(), socket: undefined, sent: new Map() };
    this.channels.set(channel.id, channel);
    return this.describe(channel);
  }

  listChannels(): { entities: { id: string; connectUri: string; expires: string }[] } {
    this.expire(this.env.now());
    return { entities: [...this.channels.values()].map((c) => this.describe(c)) };
  }

  /** GET (list), PUT (replace) or POST (add) a channel's subscriptions. */
  subscriptions(channelId: string, method: string, body: unknown): { entities: ChannelTopic[] } {
    const now = this.env.now();
    this.expire(now);
    const channel = this.channels.get(channelId);
    if (channel === undefined) throw notFound(`/api/v2/notifications/channels/${channelId}/subscriptions`);
    channel.lastUsedAt = now;
    if (method === 'GET') return { entities: [...channel.topics.values()] };
    if (method !== 'PUT' && method !== 'POST') throw new ApiError(405, 'method.not.allowed', `${method} is not allowed on subscriptions; use GET, PUT or POST`);
    const requested = topicIds(body);
    const topics = method === 'PUT' ? new Map<string, ChannelTopic>() : new Map(channel.topics);
    for (const id of requested) {
      if (topics.has(id) && topics.get(id)!.state === 'Permitted') continue;
      topics.set(id, this.judge(id, [...topics.values()].filter((t) => t.state === 'Permitted').length));
    }
    channel.topics = topics;
    this.dirty = true;
    // Subscribing renews the channel (the documented way to keep it past 24 h).
    channel.expiresAt = now + CHANNEL_LIFETIME_MS;
    for (const key of channel.sent.keys()) if (!topics.has(key.split('|')[0]!)) channel.sent.delete(key);
    this.baseline(channel);
    return { entities: [...topics.values()] };
  }

  /** The 'upgrade' of the HTTP server: /channels/<id> becomes that channel's socket. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const id = /^\/channels\/([^/?]+)/.exec(req.url ?? '')?.[1];
    this.expire(this.env.now());
    const channel = id === undefined ? undefined : this.channels.get(id);
    if (channel === undefined) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    if (Date.now() < this.refuseUntil) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      // One connection per channel: a new one replaces the old.
      channel.socket?.close(4000, 'replaced by a newer connection to this channel');
      channel.socket = ws;
      channel.lastUsedAt = this.env.now();
      channel.sent.clear();
      this.baseline(channel);
      this.dirty = true;
      ws.on('message', (data) => {
        if (/"message"\s*:\s*"ping"/.test(data.toString())) send(ws, pong());
      });
      ws.on('close', () => {
        if (channel.socket === ws) channel.socket = undefined;
      });
      ws.on('error', () => ws.terminate());
    });
  }

  /** Fault: every socket is cut without a close frame; new connections are refused (503) for `refuseMs` (wall clock). */
  dropSockets(refuseMs = 0): number {
    this.refuseUntil = Date.now() + refuseMs;
    let count = 0;
    for (const channel of this.channels.values()) {
      if (channel.socket === undefined) continue;
      channel.socket.terminate();
      channel.socket = undefined;
      count++;
    }
    return count;
  }

  /** Fault: the maintenance warning on every socket, which is then closed after `graceMs`. */
  warnClosing(graceMs: number): number {
    const sockets = [...this.channels.values()].flatMap((c) => (c.socket === undefined ? [] : [c.socket]));
    for (const ws of sockets) {
      send(ws, socketClosing());
      setTimeout(() => ws.close(1001, 'service maintenance'), graceMs).unref();
    }
    return sockets.length;
  }

  /** Fault: one message per subscribed topic with a wrong shape (a count that is a string). */
  sendMalformed(): number {
    let count = 0;
    for (const channel of this.channels.values()) {
      if (channel.socket === undefined) continue;
      for (const topic of channel.topics.values()) {
        if (topic.state !== 'Permitted') continue;
        const queueId = observationTopicQueue(topic.id)!;
        send(channel.socket, envelope(topic.id, { group: { queueId }, data: [{ interval: '', metrics: [{ metric: 'oWaiting', stats: { count: 'many' } }] }] }));
        count++;
      }
    }
    return count;
  }

  /** Fault: every channel expires now (its socket closes; its REST routes answer 404). */
  expireAll(): number {
    const count = this.channels.size;
    for (const channel of this.channels.values()) channel.expiresAt = this.env.now();
    this.expire(this.env.now());
    return count;
  }

  close(): void {
    clearInterval(this.publisher);
    clearInterval(this.heartbeats);
    for (const channel of this.channels.values()) channel.socket?.terminate();
    this.channels.clear();
    this.wss.close();
  }

  private judge(id: string, permitted: number): ChannelTopic {
    const queueId = observationTopicQueue(id);
    if (queueId === undefined) return { id, state: 'Rejected', rejectionReason: `Topic ${id} is not a topic this service publishes` };
    if (this.env.queue(queueId) === undefined) return { id, state: 'Rejected', rejectionReason: `Queue ${queueId} was not found` };
    const fault = this.env.rejectionFault(queueId);
    if (fault !== undefined) return { id, state: 'Rejected', rejectionReason: fault };
    if (permitted >= MAX_TOPICS_PER_CHANNEL)
      return { id, state: 'Rejected', rejectionReason: `The channel already has the maximum of ${MAX_TOPICS_PER_CHANNEL} topics` };
    return { id, state: 'Permitted' };
  }

  private publish(): void {
    const connected = [...this.channels.values()].filter((c) => c.socket?.readyState === WebSocket.OPEN);
    if (connected.length === 0) return;
    this.env.sync();
    const wallNow = Date.now();
    const modelNow = this.env.modelNow();
    // Nothing can have changed but the held topics: the cost of a large org's idle ticks (manual clock) is nil.
    const full = modelNow !== this.lastModelNow || this.dirty;
    if (!full && this.held.size === 0) return;
    this.lastModelNow = modelNow;
    this.dirty = false;
    const held = this.held;
    this.held = new Map();
    for (const channel of connected) {
      const topics = full ? channel.topics.values() : [...(held.get(channel.id) ?? [])].flatMap((id) => channel.topics.get(id) ?? []);
      for (const topic of topics) {
        if (topic.state !== 'Permitted') continue;
        const state = this.env.queue(observationTopicQueue(topic.id)!);
        if (state === undefined) continue;
        for (const { key, group, metrics } of observationGroups(snapshotQueue(state, modelNow))) {
          const sentKey = `${topic.id}|${key}`;
          const last = channel.sent.get(sentKey);
          // Only what changed since the last message of this group (all of it first): see messages.ts.
          const changed = last === undefined ? metrics : metrics.filter((m) => last.counts.get(metricKey(m)) !== m.stats.count);
          if (changed.length === 0) continue;
          if (last !== undefined && wallNow - last.at < MIN_PUBLISH_SPACING_MS) {
            // Held back: sent by a later tick.
            getOrInsertComputed(this.held, channel.id, () => new Set<string>()).add(topic.id);
            continue;
          }
          channel.sent.set(sentKey, { counts: new Map(metrics.map((m) => [metricKey(m), m.stats.count])), at: wallNow });
          send(channel.socket!, envelope(topic.id, observationBody(group, changed, modelNow)));
        }
      }
    }
  }

  /** The current values of the channel's permitted topics that have none yet, as known without a message. */
  private baseline(channel: Channel): void {
    this.env.sync();
    const modelNow = this.env.modelNow();
    for (const topic of channel.topics.values()) {
      if (topic.state !== 'Permitted') continue;
      const state = this.env.queue(observationTopicQueue(topic.id)!);
      if (state === undefined) continue;
      for (const { key, metrics } of observationGroups(snapshotQueue(state, modelNow))) {
        const sentKey = `${topic.id}|${key}`;
        if (!channel.sent.has(sentKey)) channel.sent.set(sentKey, { counts: new Map(metrics.map((m) => [metricKey(m), m.stats.count])), at: 0 });
      }
    }
  }

  private broadcast(message: NotificationMessage): void {
    for (const channel of this.channels.values()) if (channel.socket?.readyState === WebSocket.OPEN) send(channel.socket, message);
  }

  private expire(now: number): void {
    for (const [id, channel] of this.channels) {
      if (now < channel.expiresAt) continue;
      channel.socket?.close(1000, 'channel expired');
      this.channels.delete(id);
    }
  }

  private evictLeastRecentlyUsed(): void {
    const byAge = [...this.channels.values()].sort((a, b) => Number(a.socket !== undefined) - Number(b.socket !== undefined) || a.lastUsedAt - b.lastUsedAt);
    const victim = byAge[0]!;
    victim.socket?.close(1000, 'channel removed: more than 20 channels for this client');
    this.channels.delete(victim.id);
  }

  private describe(channel: Channel): { id: string; connectUri: string; expires: string } {
    return { id: channel.id, connectUri: `${this.baseUrl}/channels/${channel.id}`, expires: new Date(channel.expiresAt).toISOString() };
  }
}

function send(ws: WebSocket, message: NotificationMessage): void {
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
}

function topicIds(body: unknown): string[] {
  if (!Array.isArray(body)) throw badRequest('the body must be a JSON array of topics: [{"id": "v2.analytics.queues.<queueId>.observations"}, …]');
  return body.map((item, i) => {
    const id = (item as { id?: unknown } | null)?.id;
    if (typeof id !== 'string' || id === '') throw badRequest(`[${i}].id must be a topic name (a non-empty string)`);
    return id;
  });
}
