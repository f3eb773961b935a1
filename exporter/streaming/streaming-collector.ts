// The observations collector in streaming mode (--collector.observations.mode=streaming|auto): queue
// observations arrive on notification channels and update the same samples the polling collector builds
// (exporter/collectors/observations.ts, addQueueSeries). Each run of the collector polls only
// - the queues not streamed now (no channel, socket lost, topic rejected, over the channels' capacity):
//   the fall back, at the normal interval, until streaming covers them again;
// - queues whose socket (re)connected since the last run (messages come only on change);
// - every queue once per `resyncIntervalMs`: the safety net for a missed message.
// Messages carry counts, not the waiting conversations' dates: a queue in which someone starts waiting
// (or whose oldest waiting contact may have left) is read by a targeted poll soon after, a few batches
// per interval at most (planned in the request budget), so its longest wait shows within seconds.
//
// Publishing costs what changed, not the org: each queue's series are built once per change of its data
// and kept as objects; the queues are laid out in groups (batches of the directory's order) and only the
// groups with a changed queue are published again, as parts of the store (SnapshotStore.publishPart). The
// exposition re-uses everything it rendered of the others (same arrays, same sample objects).
import { batches } from '../collectors/collector.ts';
import type { Collector, CollectorRun } from '../collectors/collector.ts';
import type { GenesysPort } from '../collectors/genesys-port.ts';
import { addQueueSeries, observationsByQueue, type QueueObservations } from '../collectors/observations.ts';
import type { QueueDirectory } from '../collectors/queue-directory.ts';
import { queueObservationQuery, type ObservationDatum, type ObservationResult } from '../genesys/queue-observations.ts';
import type { Logger } from '../log.ts';
import type { ExporterRegistry } from '../registry.ts';
import { SnapshotBuilder, type Snapshot } from '../samples.ts';
import type { FallbackReason, NotificationPort, SessionTimings } from './channel-session.ts';
import { GroupLayout, type QueueSeries } from './group-layout.ts';
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
/** Targeted polls (queues whose longest wait is unknown) per observation interval, at most: planned in the budget. */
const WAIT_POLLS_PER_INTERVAL = 2;
/** A targeted poll waits this long after the message that asked for it, to take the queues of a burst together. */
const WAIT_POLL_GATHER_MS = 250;

export interface StreamingObservationsOptions {
  readonly batchSize: number;
  readonly intervalMs: number;
  readonly now?: () => number;
  readonly resyncIntervalMs?: number;
  /** Streamed changes are published at most once per this long (default 250 ms); the first after a pause at once. */
  readonly publishIntervalMs?: number;
  /**
   * Serves the series of `queueIds` from `snapshot` (series of those queues only), replacing what they showed:
   * how streamed changes reach /metrics between runs (the runs publish through their CollectorRun).
   */
  readonly publishPart: (queueIds: readonly string[], snapshot: Snapshot) => void;
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
  const layout = new GroupLayout(options.batchSize);
  /** Queues someone waits in whose oldest waiting contact is not known (0→waiting, or the oldest may have left). */
  const waitUnknown = new Set<string>();
  let lastFullPollMs: number | undefined;
  let publishTimer: NodeJS.Timeout | undefined;
  let waitPollTimer: NodeJS.Timeout | undefined;
  let lastWaitPollAt = Number.NEGATIVE_INFINITY;
  let closed = false;

  const updateGauges = (): void => {
    const exported = directory.all();
    const streamed = manager.streamed();
    const count = exported.filter((q) => streamed.has(q.id)).length;
    registry.gauge('genesys_exporter_streaming_queues').set(count);
    registry.gauge('genesys_exporter_streaming_active').set(exported.length > 0 && count === exported.length ? 1 : 0);
  };
  const buildQueue = (queueId: string): void => {
    const queue = directory.get(queueId);
    const entry = byQueue.get(queueId);
    layout.setSeries(queueId, queue === undefined || entry === undefined ? undefined : queueSeries(queue, entry, seenMedia, now()));
  };
  // At most one publish per publishIntervalMs, but a change after a quiet spell goes out at once (after the
  // messages already read from the socket). A publish costs what changed (group-layout.ts), so the pace is
  // short: in a busy org every change waits for the next publish (it was 1 s, a third of the 3 s target
  // at 10,000 queues). performance.now, not `now`: the pacing is wall time even when tests move the clock.
  const publishIntervalMs = options.publishIntervalMs ?? 250;
  let lastPublishAt = Number.NEGATIVE_INFINITY;
  const publishSoon = (): void => {
    if (publishTimer !== undefined || closed) return;
    publishTimer = setTimeout(
      () => {
        publishTimer = undefined;
        if (closed) return;
        lastPublishAt = performance.now();
        layout.publishChanged(buildQueue, options.publishPart);
        // Longest waits still to age (a run marks thousands at once): a share per publish, so no publish
        // holds the thread for long.
        if (layout.agingPending) publishSoon();
      },
      Math.max(0, lastPublishAt + publishIntervalMs - performance.now()),
    );
    publishTimer.unref();
  };

  // The targeted polls: at most WAIT_POLLS_PER_INTERVAL batches per interval, each of the queues asking longest.
  const waitPollSpacingMs = options.intervalMs / WAIT_POLLS_PER_INTERVAL;
  const scheduleWaitPoll = (): void => {
    if (waitPollTimer !== undefined || closed || waitUnknown.size === 0) return;
    waitPollTimer = setTimeout(
      () => {
        lastWaitPollAt = performance.now();
        const ids = [...waitUnknown].slice(0, options.batchSize);
        for (const id of ids) waitUnknown.delete(id);
        void api
          .queryQueueObservations(queueObservationQuery(ids))
          .then((response) => {
            if (closed) return;
            const fresh = observationsByQueue(response.results ?? []);
            for (const [queueId, entry] of fresh) {
              // Only queues still exported and read before (a missing one is left to the runs).
              if (!byQueue.has(queueId) || directory.get(queueId) === undefined) continue;
              byQueue.set(queueId, entry);
              layout.markChanged(queueId);
            }
            publishSoon();
          })
          .catch((error: unknown) => {
            if (closed) return;
            // Asked again by the next message or run; the full resync is the safety net.
            logger.debug('targeted observation poll failed', { queues: ids.length, error: error instanceof Error ? error.message : String(error) });
          })
          .finally(() => {
            waitPollTimer = undefined;
            scheduleWaitPoll();
          });
      },
      Math.max(WAIT_POLL_GATHER_MS, lastWaitPollAt + waitPollSpacingMs - performance.now()),
    );
    waitPollTimer.unref();
  };

  const manager = new StreamManager(
    api,
    { timings: { ...DEFAULT_TIMINGS, ...options.timings }, topicsPerChannel: options.topicsPerChannel, maxChannels: options.maxChannels },
    {
      onObservations: ({ queueId, results }) => {
        const entry = byQueue.get(queueId);
        // Not polled yet (or no longer exported): the first poll sets the whole picture.
        if (entry === undefined || directory.get(queueId) === undefined) return;
        let waitUnsure = false;
        for (const result of results) waitUnsure = mergeStreamed(entry, result) || waitUnsure;
        if (waitUnsure) {
          waitUnknown.add(queueId);
          scheduleWaitPoll();
        }
        layout.markChanged(queueId);
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

  const toPoll = (queueIds: readonly string[], full: boolean): string[] => {
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
      // The queues streaming cannot carry or has failed for; the full resync, spread over the runs between
      // two of them; the targeted polls of the longest waits.
      return (
        Math.ceil(manager.plannedPolled(ids) / options.batchSize) +
        Math.ceil(ids.length / options.batchSize) * (options.intervalMs / resyncIntervalMs) +
        (ids.length > 0 ? WAIT_POLLS_PER_INTERVAL : 0)
      );
    },
    async collect(run: CollectorRun) {
      const queues = directory.all();
      const ids = queues.map((q) => q.id);
      manager.sync(ids);
      for (const queueId of byQueue.keys()) if (directory.get(queueId) === undefined) byQueue.delete(queueId);
      for (const queueId of seenMedia.keys()) if (directory.get(queueId) === undefined) seenMedia.delete(queueId);
      for (const queueId of waitUnknown) if (directory.get(queueId) === undefined) waitUnknown.delete(queueId);
      layout.arrange(queues);
      const full = lastFullPollMs === undefined || now() - lastFullPollMs >= resyncIntervalMs;
      const polled = toPoll(ids, full);
      // Like polling mode: each batch at its slot of the interval, its queues published as it returns.
      const pollBatches = batches(polled, options.batchSize);
      const settled = await Promise.allSettled(
        pollBatches.map(async (batch, index) => {
          await run.batchSlot(index, pollBatches.length);
          const response = await api.queryQueueObservations(queueObservationQuery(batch));
          const fresh = observationsByQueue(response.results ?? []);
          // A polled queue the answer leaves out is gone: no series (as in polling mode).
          for (const queueId of batch) {
            const entry = fresh.get(queueId);
            if (entry === undefined) byQueue.delete(queueId);
            else byQueue.set(queueId, entry);
            waitUnknown.delete(queueId);
            layout.markChanged(queueId);
          }
          layout.publishChanged(buildQueue, run.publishBatch);
        }),
      );
      if (closed) return undefined;
      const failed = new Set(settled.flatMap((outcome, i) => (outcome.status === 'rejected' ? pollBatches[i]! : [])));
      if (full && failed.size === 0) lastFullPollMs = now();
      // Every group again, once (unchanged ones as the same objects: nearly free to render), so the runner's
      // data age says the streamed values were confirmed by this run; a group with a failed poll keeps its age.
      layout.publishAll(buildQueue, run.publishBatch, failed);
      // Ages of the longest waits grow with time, not with messages: rebuilt once per run, as a poll would,
      // but by the paced publishes, a share at a time (at 10,000 queues thousands of queues have someone
      // waiting: rebuilding them all at once held the thread for most of a second, and every streamed change
      // with it).
      for (const [queueId, entry] of byQueue) if (waitIsDated(entry)) layout.markAged(queueId);
      publishSoon();
      updateGauges();
      const failures = settled.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
      if (failures.length > 0) {
        const first = failures[0]!.reason as unknown;
        throw new Error(`${failures.length} of ${settled.length} observation queries failed: ${first instanceof Error ? first.message : String(first)}`, {
          cause: first,
        });
      }
      return undefined;
    },
    async close() {
      closed = true;
      clearTimeout(publishTimer);
      clearTimeout(waitPollTimer);
      manager.stop();
    },
  };
}

/** One queue's series, built once per change of its data. */
function queueSeries(
  queue: { readonly id: string; readonly name: string },
  entry: QueueObservations,
  seenMedia: Map<string, Set<string>>,
  nowMs: number,
): QueueSeries {
  const builder = new SnapshotBuilder();
  addQueueSeries(builder, queue, entry, seenMedia, nowMs);
  return { name: queue.name, snapshot: builder.build() };
}

/** Whether the queue's longest wait is known in some media (its age then grows with time). */
function waitIsDated(entry: QueueObservations): boolean {
  for (const data of entry.media.values()) if (data.some((d) => d.metric === 'oWaiting' && (d.observations?.length ?? 0) > 0)) return true;
  return false;
}

/**
 * A streamed group updates the metrics it carries (by metric and qualifier) and keeps the others: whether
 * a message repeats unchanged metrics is not documented, and a message with only oWaiting must not zero
 * oInteracting. Messages carry no waiting conversations, so the oldest waiting date of the last poll is
 * kept while anyone waits (and dropped when nobody does). Returns whether that date is now unsure: someone
 * waits and no date is known (nobody waited before), or fewer wait than before (the oldest may have left).
 */
function mergeStreamed(entry: QueueObservations, result: ObservationResult): boolean {
  const key = (d: ObservationDatum): string => `${d.metric}|${d.qualifier ?? ''}`;
  const incoming = new Map(result.data.filter((d) => d.observations === undefined).map((d) => [key(d), d]));
  const merge = (previous: readonly ObservationDatum[]): ObservationDatum[] => [
    ...previous.filter((d) => d.observations === undefined && !incoming.has(key(d))),
    ...incoming.values(),
  ];
  if (result.group.mediaType === undefined) {
    entry.users = merge(entry.users);
    return false;
  }
  const previous = entry.media.get(result.group.mediaType) ?? [];
  const counts = merge(previous);
  const waitingOf = (data: readonly ObservationDatum[]): number => data.find((d) => d.metric === 'oWaiting' && d.observations === undefined)?.stats.count ?? 0;
  const waiting = waitingOf(counts);
  const detail = waiting > 0 ? previous.filter((d) => d.metric === 'oWaiting' && d.observations !== undefined) : [];
  entry.media.set(result.group.mediaType, [...counts, ...detail]);
  const dated = detail.some((d) => (d.observations?.length ?? 0) > 0);
  return waiting > 0 && (!dated || waiting < waitingOf(previous));
}
