// The observations collector in streaming mode (--collector.observations.mode=streaming|auto): queue
// observations arrive on notification channels and update the same samples the polling collector builds
// (exporter/collectors/observations.ts, observationSnapshot). Each run of the collector polls only
// - the queues not streamed now (no channel, socket lost, topic rejected, over the channels' capacity):
//   the fall back, at the normal interval, until streaming covers them again;
// - queues whose socket (re)connected since the last run (messages come only on change);
// - every queue once per `resyncIntervalMs`: the safety net for a missed message, and the source of the
//   longest-wait age (messages carry counts, not the waiting conversations' dates).
import { batches } from '../collectors/collector.ts';
import type { Collector } from '../collectors/collector.ts';
import type { GenesysPort } from '../collectors/genesys-port.ts';
import { observationSnapshot, observationsByQueue, type QueueObservations } from '../collectors/observations.ts';
import type { QueueDirectory } from '../collectors/queue-directory.ts';
import { queueObservationQuery, type ObservationDatum, type ObservationResult } from '../genesys/queue-observations.ts';
import type { Logger } from '../log.ts';
import type { ExporterRegistry } from '../registry.ts';
import type { Snapshot } from '../samples.ts';
import type { FallbackReason, NotificationPort, SessionTimings } from './channel-session.ts';
import { StreamManager } from './stream-manager.ts';

export const DEFAULT_TIMINGS: SessionTimings = {
  heartbeatTimeoutMs: 90_000,
  renewBeforeExpiryMs: 3_600_000,
  minSubscribeSpacingMs: 60_000,
  rejectedRetryMs: 300_000,
  backoff: { baseMs: 1000, maxMs: 60_000 },
};
/** Full poll of every queue in streaming mode (at least the observation interval). */
export const DEFAULT_RESYNC_INTERVAL_MS = 300_000;

export interface StreamingObservationsOptions {
  readonly batchSize: number;
  readonly intervalMs: number;
  readonly now?: () => number;
  readonly resyncIntervalMs?: number;
  /** Streamed changes are published at most once per this long (default 1 s); the first after a pause at once. */
  readonly publishIntervalMs?: number;
  /** Publishes a snapshot built from streamed data (the runner publishes the polled ones). */
  readonly publish: (snapshot: Snapshot) => void;
  readonly registry: ExporterRegistry;
  readonly logger: Logger;
  readonly timings?: Partial<SessionTimings>;
  readonly topicsPerChannel?: number;
  readonly maxChannels?: number;
}

export interface StreamingCollector extends Collector {
  close(): Promise<void>;
}

export function createStreamingObservationsCollector(
  api: GenesysPort & NotificationPort,
  directory: QueueDirectory,
  options: StreamingObservationsOptions,
): StreamingCollector {
  const now = options.now ?? Date.now;
  const { registry, logger } = options;
  const resyncIntervalMs = Math.max(options.resyncIntervalMs ?? DEFAULT_RESYNC_INTERVAL_MS, options.intervalMs);
  const byQueue = new Map<string, QueueObservations>();
  const seenMedia = new Map<string, Set<string>>();
  let lastFullPollMs: number | undefined;
  let publishTimer: NodeJS.Timeout | undefined;
  let closed = false;

  const updateGauges = (): void => {
    const exported = directory.all();
    const streamed = manager.streamed();
    const count = exported.filter((q) => streamed.has(q.id)).length;
    registry.gauge('genesys_exporter_streaming_queues').set(count);
    registry.gauge('genesys_exporter_streaming_active').set(exported.length > 0 && count === exported.length ? 1 : 0);
  };
  // At most one publish (a snapshot and a render of every queue) per publishIntervalMs, but a change after a
  // quiet spell goes out at once (after the messages already read from the socket): a surge is not held back
  // a whole interval. performance.now, not `now`: the pacing is wall time even when tests move the clock.
  const publishIntervalMs = options.publishIntervalMs ?? 1000;
  let lastPublishAt = Number.NEGATIVE_INFINITY;
  const publishSoon = (): void => {
    if (publishTimer !== undefined || closed) return;
    publishTimer = setTimeout(
      () => {
        publishTimer = undefined;
        if (closed) return;
        lastPublishAt = performance.now();
        options.publish(observationSnapshot(directory.all(), byQueue, seenMedia, now()));
      },
      Math.max(0, lastPublishAt + publishIntervalMs - performance.now()),
    );
    publishTimer.unref();
  };

  const manager = new StreamManager(
    api,
    { timings: { ...DEFAULT_TIMINGS, ...options.timings }, topicsPerChannel: options.topicsPerChannel, maxChannels: options.maxChannels },
    {
      onObservations: ({ queueId, results }) => {
        const entry = byQueue.get(queueId);
        // Not polled yet (or no longer exported): the first poll sets the whole picture.
        if (entry === undefined || directory.get(queueId) === undefined) return;
        for (const result of results) mergeStreamed(entry, result);
        registry.counter('genesys_exporter_streaming_messages_total').inc();
        publishSoon();
      },
      onStateChange: updateGauges,
      onFallback: (reason: FallbackReason, queues: number, detail: string) => {
        registry.counter('genesys_exporter_streaming_fallbacks_total').inc({ reason });
        logger.warn('streaming unavailable for some queues; polling them until it recovers', { reason, queues, detail });
      },
      onRecovered: (queues: number) => logger.info('streaming recovered; its queues are no longer polled', { queues }),
    },
    logger,
  );
  registry.gauge('genesys_exporter_streaming_active').set(0);
  registry.gauge('genesys_exporter_streaming_queues').set(0);

  const toPoll = (queueIds: readonly string[]): string[] => {
    const full = lastFullPollMs === undefined || now() - lastFullPollMs >= resyncIntervalMs;
    const resync = manager.takeResync();
    if (full) return [...queueIds];
    const streamed = manager.streamed();
    return queueIds.filter((q) => !streamed.has(q) || resync.has(q));
  };

  return {
    name: 'observations',
    needsQueues: true,
    requestsPerRun: () => {
      const ids = directory.all().map((q) => q.id);
      const streamed = manager.streamed();
      const polled = ids.filter((q) => !streamed.has(q)).length;
      // The full resync, spread over the runs between two of them.
      return Math.ceil(polled / options.batchSize) + Math.ceil(ids.length / options.batchSize) * (options.intervalMs / resyncIntervalMs);
    },
    async collect() {
      const queues = directory.all();
      const ids = queues.map((q) => q.id);
      manager.sync(ids);
      const full = lastFullPollMs === undefined || now() - lastFullPollMs >= resyncIntervalMs;
      const polled = toPoll(ids);
      const responses = await Promise.all(batches(polled, options.batchSize).map((batch) => api.queryQueueObservations(queueObservationQuery(batch))));
      if (full) lastFullPollMs = now();
      const fresh = observationsByQueue(responses.flatMap((r) => r.results ?? []));
      // A polled queue the answer leaves out is gone: no series (as in polling mode).
      for (const queueId of polled) {
        const entry = fresh.get(queueId);
        if (entry === undefined) byQueue.delete(queueId);
        else byQueue.set(queueId, entry);
      }
      for (const queueId of byQueue.keys()) if (directory.get(queueId) === undefined) byQueue.delete(queueId);
      for (const queueId of seenMedia.keys()) if (directory.get(queueId) === undefined) seenMedia.delete(queueId);
      updateGauges();
      return observationSnapshot(queues, byQueue, seenMedia, now());
    },
    async close() {
      closed = true;
      clearTimeout(publishTimer);
      manager.stop();
    },
  };
}

/**
 * A streamed group updates the metrics it carries (by metric and qualifier) and keeps the others: whether
 * a message repeats unchanged metrics is not documented, and a message with only oWaiting must not zero
 * oInteracting. Messages carry no waiting conversations, so the oldest waiting date of the last poll is
 * kept while anyone waits (and dropped when nobody does).
 */
function mergeStreamed(entry: QueueObservations, result: ObservationResult): void {
  const key = (d: ObservationDatum): string => `${d.metric}|${d.qualifier ?? ''}`;
  const incoming = new Map(result.data.filter((d) => d.observations === undefined).map((d) => [key(d), d]));
  const merge = (previous: readonly ObservationDatum[]): ObservationDatum[] => [
    ...previous.filter((d) => d.observations === undefined && !incoming.has(key(d))),
    ...incoming.values(),
  ];
  if (result.group.mediaType === undefined) {
    entry.users = merge(entry.users);
    return;
  }
  const previous = entry.media.get(result.group.mediaType) ?? [];
  const counts = merge(previous);
  const waiting = counts.find((d) => d.metric === 'oWaiting')?.stats.count ?? 0;
  const detail = waiting > 0 ? previous.filter((d) => d.metric === 'oWaiting' && d.observations !== undefined) : [];
  entry.media.set(result.group.mediaType, [...counts, ...detail]);
}
