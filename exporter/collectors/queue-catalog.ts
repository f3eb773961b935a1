// Queue catalog collector: reads every queue the OAuth client can see (the client follows the pages),
// applies the division, include/exclude, shard and cap settings, publishes the queue list to the directory, and
// exports queue info and SLA targets. A queue that disappears from the API disappears from the directory,
// and with it every one of its series.
//
// Nothing to watch is loud: a selection that matches no queue, or names a division the client cannot see,
// is put on the directory as a problem (the exporter reports not ready with it) and logged when it changes.
// Divisions are matched by id or name against the queue list itself, so every refresh re-checks them: a
// division created, or granted to the client's role, later is picked up without a restart.
import { SnapshotBuilder } from '../samples.ts';
import type { Logger } from '../log.ts';
import type { Collector } from './collector.ts';
import { QUEUE_PAGE_SIZE } from '../genesys/routing-queues.ts';
import type { QueueMediaSetting, RoutingQueue } from '../genesys/routing-queues.ts';
import type { GenesysPort } from './genesys-port.ts';
import { mediaTypeOfSetting, type QueueDirectory } from './queue-directory.ts';
import type { ExportedQueue, ServiceLevelTarget } from './queue-directory.ts';
import type { MediaType } from '../../metrics/vocabulary.ts';
import { formatShard, inShard, WHOLE_ORG } from './shard.ts';
import type { Shard } from './shard.ts';

export interface QueueSelection {
  readonly include: RegExp;
  readonly exclude: RegExp | undefined;
  /** Division ids or names (names match case-insensitively); empty = every division. */
  readonly divisions: readonly string[];
  readonly max: number;
  /** This replica's share (--collector.queues.shard); every queue when absent. */
  readonly shard?: Shard;
}

export interface Division {
  readonly id: string;
  readonly name: string;
}

export interface QueueSelectionResult {
  readonly exported: ExportedQueue[];
  /** Queues that matched every filter but did not fit under the cap. */
  readonly droppedByCap: number;
  /** Queues that matched every filter but belong to another shard (another replica exports them). */
  readonly onOtherShards: number;
  /** Entries of `divisions` that match no division the client can see. */
  readonly unknownDivisions: readonly string[];
  /** Divisions of the listed queues (what the OAuth client can see), by name. */
  readonly visibleDivisions: readonly Division[];
}

export function createQueueCatalogCollector(api: GenesysPort, directory: QueueDirectory, selection: QueueSelection, logger?: Logger): Collector {
  let lastQueueCount = 0;
  let reportedProblem: string | undefined;
  let reportedDropped = 0;
  return {
    name: 'queues',
    needsQueues: false,
    requestsPerRun: () => Math.max(1, Math.ceil(lastQueueCount / QUEUE_PAGE_SIZE)),
    async collect() {
      // Every division, filtered here: a division given by name, or not visible to the client, can only be
      // recognised (and reported with the list of visible ones) against the full list.
      const listed = await api.listQueues();
      lastQueueCount = listed.length;
      const result = selectQueues(listed, selection, (id) => directory.has(id));
      const problem = selectionProblem(listed.length, result, selection);
      directory.replace(result.exported, problem);

      if (problem !== reportedProblem) {
        if (problem !== undefined && result.unknownDivisions.length > 0) logger?.error(`not ready: ${problem}`);
        else if (problem !== undefined) logger?.warn(`not ready: ${problem}`);
        else if (reportedProblem !== undefined) logger?.info('queue selection matches again', { queues: result.exported.length });
        reportedProblem = problem;
      }
      if (result.droppedByCap !== reportedDropped) {
        if (result.droppedByCap > 0) {
          logger?.warn('queues dropped by --collector.queues.max: raise it or narrow the filters to watch them', {
            dropped: result.droppedByCap,
            exported: result.exported.length,
            max: selection.max,
          });
        } else logger?.info('no queue is dropped by --collector.queues.max any more', { exported: result.exported.length });
        reportedDropped = result.droppedByCap;
      }

      const snapshot = new SnapshotBuilder();
      for (const queue of result.exported) addQueueSeries(snapshot, queue);
      snapshot.add('genesys_exporter_queues', { labels: {}, value: result.exported.length });
      snapshot.add('genesys_exporter_queues_dropped_by_cap', { labels: {}, value: result.droppedByCap });
      return snapshot.build();
    },
  };
}

/**
 * Filters, keeps this replica's shard, then caps: the shard comes first so each replica's cap applies to
 * its own queues (a cap before it would give replicas overlapping name-ordered prefixes, and lose the rest). The cap keeps the queues already exported (`exportedNow`), so a burst of new,
 * short-lived queues (a campaign) cannot push long-lived ones off /metrics; free places go to new queues
 * by name (then id, for a stable choice). The result is sorted by name.
 */
export function selectQueues(
  listed: readonly RoutingQueue[],
  selection: QueueSelection,
  exportedNow: (id: string) => boolean = () => false,
): QueueSelectionResult {
  const visibleDivisions = divisionsOf(listed);
  const { ids: divisionIds, unknown } = resolveDivisions(selection.divisions, visibleDivisions);
  const byName = (a: RoutingQueue, b: RoutingQueue): number => a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
  const shard = selection.shard ?? WHOLE_ORG;
  const matchingAnyShard = listed
    .filter((queue) => selection.divisions.length === 0 || divisionIds.has(queue.division?.id ?? ''))
    .filter((queue) => selection.include.test(queue.name) && !(selection.exclude?.test(queue.name) ?? false));
  const matching = matchingAnyShard.filter((queue) => inShard(queue.id, shard)).sort(byName);
  const kept = matching.filter((queue) => exportedNow(queue.id)).slice(0, selection.max);
  const added = matching.filter((queue) => !exportedNow(queue.id)).slice(0, selection.max - kept.length);
  return {
    exported: [...kept, ...added].sort(byName).map(toExportedQueue),
    droppedByCap: matching.length - kept.length - added.length,
    onOtherShards: matchingAnyShard.length - matching.length,
    unknownDivisions: unknown,
    visibleDivisions,
  };
}

function divisionsOf(queues: readonly RoutingQueue[]): Division[] {
  const byId = new Map<string, Division>();
  for (const queue of queues) if (queue.division?.id) byId.set(queue.division.id, { id: queue.division.id, name: queue.division.name ?? '' });
  return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

/** Each wanted entry as a division id, or a division name (any case); what matches neither is unknown. */
function resolveDivisions(wanted: readonly string[], visible: readonly Division[]): { ids: Set<string>; unknown: string[] } {
  const ids = new Set<string>();
  const unknown: string[] = [];
  for (const entry of wanted) {
    const matches = visible.filter((division) => division.id === entry || division.name.toLowerCase() === entry.toLowerCase());
    if (matches.length === 0) unknown.push(entry);
    for (const division of matches) ids.add(division.id);
  }
  return { ids, unknown };
}

const MAX_DIVISIONS_LISTED = 20;

/** Why the exporter watches nothing, or not what it was told to; undefined when the selection is sound. */
function selectionProblem(listedCount: number, result: QueueSelectionResult, selection: QueueSelection): string | undefined {
  if (result.unknownDivisions.length > 0) {
    const shown = result.visibleDivisions.slice(0, MAX_DIVISIONS_LISTED).map((d) => `"${d.name}" (${d.id})`);
    const more = result.visibleDivisions.length > MAX_DIVISIONS_LISTED ? ` and ${result.visibleDivisions.length - MAX_DIVISIONS_LISTED} more` : '';
    return (
      `--collector.queues.division: no division named or with id ${result.unknownDivisions.map((d) => `"${d}"`).join(', ')} among the ` +
      `divisions of the queues the OAuth client can see: ${shown.length > 0 ? shown.join(', ') + more : 'none'}. The client sees a ` +
      "division's queues only if its role is granted in that division (Admin > Roles > the role's divisions)"
    );
  }
  if (result.exported.length > 0) return undefined;
  if (listedCount === 0) {
    return 'the OAuth client can see no queue at all: grant its role routing:queue:view in the divisions of the queues to watch';
  }
  const shard = selection.shard ?? WHOLE_ORG;
  const filters = [
    `include=${selection.include.source.replace(/^\^\(\?:(.*)\)\$$/, '$1')}`,
    `exclude=${selection.exclude === undefined ? '(none)' : selection.exclude.source.replace(/^\^\(\?:(.*)\)\$$/, '$1')}`,
    `divisions=${selection.divisions.length === 0 ? '(all)' : selection.divisions.join(',')}`,
    ...(shard.count > 1 ? [`shard=${formatShard(shard)}`] : []),
  ].join(', ');
  if (result.onOtherShards > 0) {
    // Only with few matching queues: say the filters are fine and the shard is empty, or the operator
    // hunts a bad regular expression that is not there.
    return (
      `no queue of shard ${formatShard(shard)} (--collector.queues.shard) matches the filters (${filters}): ` +
      (result.onOtherShards === 1
        ? 'the one matching queue hashes to another shard, whose replica exports it'
        : `all ${result.onOtherShards} matching queues hash to other shards, whose replicas export them`) +
      `; ${listedCount} queues visible. Run fewer replicas or widen the filters`
    );
  }
  return `no queue matches the filters (${filters}); ${listedCount} queues visible`;
}

function toExportedQueue(queue: RoutingQueue): ExportedQueue {
  const serviceLevels = new Map<MediaType, ServiceLevelTarget>();
  for (const [key, setting] of Object.entries(queue.mediaSettings ?? {}) as [string, QueueMediaSetting | undefined][]) {
    const media = mediaTypeOfSetting(key);
    if (media === undefined || setting === undefined) continue;
    const level = setting.serviceLevel;
    serviceLevels.set(media, {
      ratio: level?.percentage,
      seconds: level?.durationMs === undefined ? undefined : level.durationMs / 1000,
    });
  }
  return {
    id: queue.id,
    name: queue.name,
    divisionId: queue.division?.id ?? '',
    divisionName: queue.division?.name ?? '',
    serviceLevels,
  };
}

function addQueueSeries(snapshot: SnapshotBuilder, queue: ExportedQueue): void {
  snapshot.add('genesys_queue_info', {
    labels: { queue_id: queue.id, queue_name: queue.name, division_id: queue.divisionId, division_name: queue.divisionName },
    value: 1,
  });
  for (const [media, target] of queue.serviceLevels) {
    const labels = { queue_id: queue.id, queue_name: queue.name, media_type: media };
    if (target.ratio !== undefined) snapshot.add('genesys_queue_sla_target_ratio', { labels, value: target.ratio });
    if (target.seconds !== undefined) snapshot.add('genesys_queue_sla_target_seconds', { labels, value: target.seconds });
  }
}
