// Observations collector: real-time queue state, one observation query per batch of ≤ batch-size queue
// ids. Conversation metrics come per (queue, media type); user metrics in a group without media type.
// Values are read through two tables of {metric, value(group)} (elasticsearch_exporter style).
import type { SnapshotMetric } from '../samples.ts';
import { SnapshotBuilder } from '../samples.ts';
import { batches } from './collector.ts';
import type { Collector } from './collector.ts';
import { queueObservationQuery } from '../genesys/queue-observations.ts';
import { ROUTING_STATUSES, routingStatusLabel } from '../../metrics/vocabulary.ts';
import type { ObservationDatum } from '../genesys/queue-observations.ts';
import type { GenesysPort } from './genesys-port.ts';
import type { QueueDirectory } from './queue-directory.ts';

/** The data of one result group, with lookups the tables use. */
export class ObservationGroup {
  constructor(private readonly data: readonly ObservationDatum[]) {}

  count(metric: string, qualifier?: string): number {
    const datum = this.data.find((d) => d.metric === metric && d.qualifier === qualifier && d.observations === undefined)
      ?? this.data.find((d) => d.metric === metric && d.qualifier === qualifier);
    return datum?.stats?.count ?? 0;
  }

  /** Seconds since the oldest waiting contact entered the queue (0 when none waits). */
  longestWaitSeconds(nowMs: number): number {
    const dates = this.data
      .filter((d) => d.metric === 'oWaiting')
      .flatMap((d) => d.observations ?? [])
      .map((o) => Date.parse(o.observationDate ?? ''))
      .filter((ms) => Number.isFinite(ms));
    if (dates.length === 0) return 0;
    return Math.max(0, (nowMs - Math.min(...dates)) / 1000);
  }
}

type MediaMetric = Extract<SnapshotMetric, 'genesys_queue_depth' | 'genesys_queue_interacting' | 'genesys_queue_alerting' | 'genesys_queue_longest_wait_seconds'>;
type AgentMetric = Extract<SnapshotMetric, 'genesys_queue_members' | 'genesys_queue_agents_on_queue' | 'genesys_queue_agents_off_queue'>;

const MEDIA_TABLE: readonly { metric: MediaMetric; value: (group: ObservationGroup, nowMs: number) => number }[] = [
  { metric: 'genesys_queue_depth', value: (g) => g.count('oWaiting') },
  { metric: 'genesys_queue_interacting', value: (g) => g.count('oInteracting') },
  { metric: 'genesys_queue_alerting', value: (g) => g.count('oAlerting') },
  { metric: 'genesys_queue_longest_wait_seconds', value: (g, nowMs) => g.longestWaitSeconds(nowMs) },
];

const AGENT_TABLE: readonly { metric: AgentMetric; value: (group: ObservationGroup) => number }[] = [
  { metric: 'genesys_queue_members', value: (g) => g.count('oMemberUsers') },
  { metric: 'genesys_queue_agents_on_queue', value: (g) => g.count('oOnQueueUsers') },
  { metric: 'genesys_queue_agents_off_queue', value: (g) => g.count('oOffQueueUsers') },
];

export interface ObservationsOptions {
  readonly batchSize: number;
  readonly now?: () => number;
}

export function createObservationsCollector(api: GenesysPort, directory: QueueDirectory, options: ObservationsOptions): Collector {
  const now = options.now ?? Date.now;
  // Media types each queue has reported so far: their series stay (at 0) when a group is missing from a
  // response, so panels do not flicker, without exporting every media type a queue is configured for.
  const seenMedia = new Map<string, Set<string>>();
  return {
    name: 'observations',
    needsQueues: true,
    requestsPerRun: () => Math.ceil(directory.all().length / options.batchSize),
    async collect() {
      const queues = directory.all();
      const groups = new Map<string, { media: Map<string, ObservationGroup>; users: ObservationGroup }>();
      // All batches in parallel (the client bounds concurrency and rate); one failed batch fails the run,
      // so the runner keeps the last complete snapshot rather than serving a partial one.
      const responses = await Promise.all(batches(queues.map((q) => q.id), options.batchSize).map((ids) => api.queryQueueObservations(queueObservationQuery(ids))));
      for (const result of responses.flatMap((response) => response.results ?? [])) {
        const queueId = result.group.queueId;
        const entry = groups.get(queueId) ?? { media: new Map(), users: new ObservationGroup([]) };
        const group = new ObservationGroup(result.data ?? []);
        if (result.group.mediaType === undefined) entry.users = group;
        else entry.media.set(result.group.mediaType, group);
        groups.set(queueId, entry);
      }

      for (const queueId of seenMedia.keys()) if (directory.get(queueId) === undefined) seenMedia.delete(queueId);
      const nowMs = now();
      const snapshot = new SnapshotBuilder();
      // A queue the answer does not report (deleted since the queue list was read, even while the list
      // keeps failing) gets no series: absent, not a fresh-looking zero. The client refuses an answer that
      // reports none of the queues asked for, and drops (and logs) unknown media types and statuses.
      for (const queue of queues.filter((q) => groups.has(q.id))) {
        const entry = groups.get(queue.id);
        const mediaTypes = seenMedia.get(queue.id) ?? new Set<string>();
        for (const media of entry?.media.keys() ?? []) mediaTypes.add(media);
        seenMedia.set(queue.id, mediaTypes);
        for (const media of mediaTypes) {
          const group = entry?.media.get(media) ?? new ObservationGroup([]);
          const labels = { queue_id: queue.id, queue_name: queue.name, media_type: media };
          for (const row of MEDIA_TABLE) snapshot.add(row.metric, { labels, value: row.value(group, nowMs) });
        }
        const users = entry?.users ?? new ObservationGroup([]);
        const labels = { queue_id: queue.id, queue_name: queue.name };
        for (const row of AGENT_TABLE) snapshot.add(row.metric, { labels, value: row.value(users) });
        // Only the known statuses (the client drops others): a new value cannot add series without bound.
        for (const status of ROUTING_STATUSES) {
          snapshot.add('genesys_queue_agents', {
            labels: { ...labels, routing_status: routingStatusLabel(status) },
            value: users.count('oUserRoutingStatuses', status),
          });
        }
      }
      return snapshot.build();
    },
  };
}
