// Spreads the exported queues over notification channels (≤ topicsPerChannel topics each, ≤ maxChannels
// channels per OAuth client, as Genesys limits them) and keeps each queue on its channel while it stays
// exported, so a catalog refresh re-subscribes only the channels whose queues changed. Queues beyond the
// channels' capacity are not streamed (the collector polls them).
import type { Logger } from '../log.ts';
import { ChannelSession, type NotificationPort, type SessionEvents, type SessionTimings } from './channel-session.ts';

export const MAX_TOPICS_PER_CHANNEL = 1000;
export const MAX_CHANNELS_PER_CLIENT = 20;

export interface StreamManagerOptions {
  readonly topicsPerChannel?: number;
  readonly maxChannels?: number;
  readonly timings: SessionTimings;
}

export class StreamManager {
  readonly #sessions: ChannelSession[] = [];
  readonly #topicsPerChannel: number;
  readonly #maxChannels: number;
  #overflowLogged = false;

  constructor(
    private readonly port: NotificationPort,
    private readonly options: StreamManagerOptions,
    private readonly events: SessionEvents,
    private readonly logger: Logger,
  ) {
    this.#topicsPerChannel = Math.min(options.topicsPerChannel ?? MAX_TOPICS_PER_CHANNEL, MAX_TOPICS_PER_CHANNEL);
    this.#maxChannels = Math.min(options.maxChannels ?? MAX_CHANNELS_PER_CLIENT, MAX_CHANNELS_PER_CLIENT);
  }

  /** Subscribes exactly these queues (the exported ones). */
  sync(queueIds: readonly string[]): void {
    const wanted = new Set(queueIds);
    const assigned = new Set<string>();
    const plans = this.#sessions.map((session) => {
      const kept = session.queues.filter((q) => wanted.has(q));
      for (const q of kept) assigned.add(q);
      return kept;
    });
    const unassigned = queueIds.filter((q) => !assigned.has(q));
    for (const plan of plans) while (plan.length < this.#topicsPerChannel && unassigned.length > 0) plan.push(unassigned.shift()!);
    while (unassigned.length > 0 && plans.length < this.#maxChannels) plans.push(unassigned.splice(0, this.#topicsPerChannel));
    if (unassigned.length > 0 && !this.#overflowLogged) {
      this.#overflowLogged = true;
      this.logger.warn('more queues than the notification service takes per OAuth client; the rest are polled', {
        streamed_max: this.#topicsPerChannel * this.#maxChannels,
        polled: unassigned.length,
      });
    }
    plans.forEach((plan, i) => {
      const session = this.#sessions[i] ?? this.#open(i);
      session.setQueues(plan);
    });
  }

  /** Queues whose values arrive by streaming now. */
  streamed(): Set<string> {
    return new Set(this.#sessions.flatMap((s) => s.streamed()));
  }

  /**
   * How many of `queueIds` the exporter should plan to poll: those beyond the channels' capacity and those
   * streaming has failed for. Queues whose channel is still being set up count as streamed, so the request
   * budget planned at start (before any socket is open) is the one streaming needs, not a full poll's.
   */
  plannedPolled(queueIds: readonly string[]): number {
    const capacity = this.#topicsPerChannel * this.#maxChannels;
    const failing = new Set(this.#sessions.flatMap((s) => s.failing()));
    // Queues past the capacity belong to no session, so they are not among the failing ones.
    return Math.max(0, queueIds.length - capacity) + queueIds.filter((q) => failing.has(q)).length;
  }

  /** Queues to read once by a poll (their socket (re)connected: messages come only on change). */
  takeResync(): Set<string> {
    const out = new Set<string>();
    for (const session of this.#sessions) {
      for (const q of session.resync) out.add(q);
      session.resync.clear();
    }
    return out;
  }

  stop(): void {
    for (const session of this.#sessions) session.stop();
  }

  #open(index: number): ChannelSession {
    const session = new ChannelSession(index, this.port, this.options.timings, this.events, this.logger);
    this.#sessions[index] = session;
    return session;
  }
}
