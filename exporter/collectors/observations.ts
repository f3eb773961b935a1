// Observations collector: real-time queue state, one observation query per batch of ≤ batch-size queue
// ids. Conversation metrics come per (queue, media type); user metrics in a group without media type.
// Values are read through two tables of {metric, value(group)} (elasticsearch_exporter style).
import type { SnapshotMetric } from '../samples.ts';
import { SnapshotBuilder } from '../samples.ts';
import { batches, throwIfAnyFailed } from './collector.ts';
import type { Collector } from './collector.ts';
import { queueObservationQuery } from '../genesys/queue-observations.ts';
import { PRESENCE_LABELS, presenceLabel, ROUTING_STATUSES, routingStatusLabel } from '../../metrics/vocabulary.ts';
import type { PresenceLabel, SystemPresence } from '../../metrics/vocabulary.ts';
import type { ObservationDatum, ObservationResult } from '../genesys/queue-observations.ts';
import type { Snapshot } from '../samples.ts';
import type { GenesysPort } from './genesys-port.ts';
import type { QueueDirectory } from './queue-directory.ts';

/** The data of one result group, with lookups the tables use. */
export class ObservationGroup {
  constructor(private readonly data: readonly ObservationDatum[]) {}

  count(metric: string, qualifier?: string): number {
    const datum =
      this.data.find((d) => d.metric === metric && d.qualifier === qualifier && d.observations === undefined) ??
      this.data.find((d) => d.metric === metric && d.qualifier === qualifier);
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

type MediaMetric = Extract<
  SnapshotMetric,
  'genesys_queue_depth' | 'genesys_queue_interacting' | 'genesys_queue_alerting' | 'genesys_queue_longest_wait_seconds'
>;
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

/**
 * Members per presence label. oUserPresences qualifiers are org presence ids: each is read through the
 * answer's systemToOrganizationMappings as its system presence; an id the mappings do not place under a
 * known system presence (none sent, a presence created since, a system presence added by Genesys) counts
 * as `other`: never dropped, so the presences of a queue add up to its members, and an `other` > 0 says
 * the exporter could not tell. Every label gets a series (0 included), as routing statuses do.
 */
export function membersByPresence(
  users: readonly ObservationDatum[],
  systemPresenceOf: ReadonlyMap<string, SystemPresence> | undefined,
): Map<PresenceLabel, number> {
  const counts = new Map<PresenceLabel, number>();
  for (const datum of users) {
    if (datum.metric !== 'oUserPresences' || datum.observations !== undefined) continue;
    const label = presenceLabel(datum.qualifier === undefined ? undefined : systemPresenceOf?.get(datum.qualifier));
    counts.set(label, (counts.get(label) ?? 0) + (datum.stats?.count ?? 0));
  }
  return counts;
}

export interface ObservationsOptions {
  readonly batchSize: number;
  readonly now?: () => number;
}

/** The latest data of one queue: per media type, and of its members (the group without media type). */
export interface QueueObservations {
  readonly media: Map<string, readonly ObservationDatum[]>;
  users: readonly ObservationDatum[];
  /** How to read the users' oUserPresences qualifiers (org presence ids), from the last polled answer. */
  systemPresenceOf?: ReadonlyMap<string, SystemPresence>;
}

/** Answer groups by queue. */
export function observationsByQueue(results: readonly ObservationResult[]): Map<string, QueueObservations> {
  const byQueue = new Map<string, QueueObservations>();
  for (const result of results) {
    const entry: QueueObservations = byQueue.get(result.group.queueId) ?? { media: new Map(), users: [] };
    if (result.group.mediaType === undefined) {
      entry.users = result.data ?? [];
      if (result.systemPresenceOf !== undefined) entry.systemPresenceOf = result.systemPresenceOf;
    } else entry.media.set(result.group.mediaType, result.data ?? []);
    byQueue.set(result.group.queueId, entry);
  }
  return byQueue;
}

/**
 * The observation series of `queues` from their latest data (polled or streamed, exporter/streaming/).
 * `seenMedia` remembers the media types each queue has reported: their series stay (at 0) when a group
 * is missing, so panels do not flicker, without exporting every media type a queue is configured for.
 */
export function observationSnapshot(
  queues: readonly { readonly id: string; readonly name: string }[],
  byQueue: ReadonlyMap<string, QueueObservations>,
  seenMedia: Map<string, Set<string>>,
  nowMs: number,
): Snapshot {
  const snapshot = new SnapshotBuilder();
  // A queue the answer does not report (deleted since the queue list was read, even while the list
  // keeps failing) gets no series: absent, not a fresh-looking zero. The client refuses an answer that
  // reports none of the queues asked for, and drops (and logs) unknown media types and statuses.
  for (const queue of queues) {
    const entry = byQueue.get(queue.id);
    if (entry !== undefined) addQueueSeries(snapshot, queue, entry, seenMedia, nowMs);
  }
  return snapshot.build();
}

/** The observation series of one queue (see observationSnapshot), added to `snapshot`. */
export function addQueueSeries(
  snapshot: SnapshotBuilder,
  queue: { readonly id: string; readonly name: string },
  entry: QueueObservations,
  seenMedia: Map<string, Set<string>>,
  nowMs: number,
): void {
  const mediaTypes = seenMedia.get(queue.id) ?? new Set<string>();
  for (const media of entry.media.keys()) mediaTypes.add(media);
  seenMedia.set(queue.id, mediaTypes);
  for (const media of mediaTypes) {
    const group = new ObservationGroup(entry.media.get(media) ?? []);
    const labels = { queue_id: queue.id, queue_name: queue.name, media_type: media };
    for (const row of MEDIA_TABLE) snapshot.add(row.metric, { labels, value: row.value(group, nowMs) });
  }
  const users = new ObservationGroup(entry.users);
  const labels = { queue_id: queue.id, queue_name: queue.name };
  for (const row of AGENT_TABLE) snapshot.add(row.metric, { labels, value: row.value(users) });
  // Only the known statuses (the client drops others): a new value cannot add series without bound.
  for (const status of ROUTING_STATUSES) {
    snapshot.add('genesys_queue_agents', {
      labels: { ...labels, routing_status: routingStatusLabel(status) },
      value: users.count('oUserRoutingStatuses', status),
    });
  }
  const presences = membersByPresence(entry.users, entry.systemPresenceOf);
  for (const presence of PRESENCE_LABELS) {
    snapshot.add('genesys_queue_members_by_presence', { labels: { ...labels, presence }, value: presences.get(presence) ?? 0 });
  }
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
    async collect(run) {
      for (const queueId of seenMedia.keys()) if (directory.get(queueId) === undefined) seenMedia.delete(queueId);
      const queueBatches = batches(
        directory.all().map((q) => q.id),
        options.batchSize,
      );
      // Each batch at its slot of the interval, served as soon as it returns. A failed batch fails the run
      // and its queues keep their last good values (until stale); the other batches are served.
      const settled = await Promise.allSettled(
        queueBatches.map(async (ids, index) => {
          await run.batchSlot(index, queueBatches.length);
          const response = await api.queryQueueObservations(queueObservationQuery(ids));
          // The queues as exported now (a rename since the run started shows at once).
          const queues = ids.flatMap((id) => directory.get(id) ?? []);
          run.publishBatch(ids, observationSnapshot(queues, observationsByQueue(response.results ?? []), seenMedia, now()));
        }),
      );
      throwIfAnyFailed('observation', settled);
      return undefined;
    },
  };
}
