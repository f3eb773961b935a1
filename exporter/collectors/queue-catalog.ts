// Queue catalog collector: reads every queue (the client follows the pages), applies the division,
// include/exclude and cap settings, publishes the queue list to the directory, and exports queue info
// and SLA targets. A queue that disappears from the API disappears from the directory, and with it every
// one of its series.
import { SnapshotBuilder } from '../samples.ts';
import type { Collector } from './collector.ts';
import { QUEUE_PAGE_SIZE } from '../genesys/routing-queues.ts';
import type { QueueMediaSetting, RoutingQueue } from '../genesys/routing-queues.ts';
import type { GenesysPort } from './genesys-port.ts';
import { mediaTypeOfSetting, QueueDirectory } from './queue-directory.ts';
import type { ExportedQueue, MediaType, ServiceLevelTarget } from './queue-directory.ts';

export interface QueueSelection {
  readonly include: RegExp;
  readonly exclude: RegExp | undefined;
  readonly divisionIds: readonly string[];
  readonly max: number;
}

export function createQueueCatalogCollector(api: GenesysPort, directory: QueueDirectory, selection: QueueSelection): Collector {
  let lastQueueCount = 0;
  return {
    name: 'queues',
    needsQueues: false,
    requestsPerRun: () => Math.max(1, Math.ceil(lastQueueCount / QUEUE_PAGE_SIZE)),
    async collect() {
      const listed = await api.listQueues(selection.divisionIds.length > 0 ? { divisionIds: [...selection.divisionIds] } : undefined);
      lastQueueCount = listed.length;
      const { exported, droppedByCap } = selectQueues(listed, selection);
      directory.replace(exported);
      const snapshot = new SnapshotBuilder();
      for (const queue of exported) addQueueSeries(snapshot, queue);
      snapshot.add('genesys_exporter_queues', { labels: {}, value: exported.length });
      snapshot.add('genesys_exporter_queues_dropped_by_cap', { labels: {}, value: droppedByCap });
      return snapshot.build();
    },
  };
}

/** Filters, sorts by name (then id, for a stable cap) and caps. */
export function selectQueues(listed: readonly RoutingQueue[], selection: QueueSelection): { exported: ExportedQueue[]; droppedByCap: number } {
  const divisions = new Set(selection.divisionIds);
  const matching = listed
    .filter((queue) => divisions.size === 0 || divisions.has(queue.division?.id ?? ''))
    .filter((queue) => selection.include.test(queue.name) && !(selection.exclude?.test(queue.name) ?? false))
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  return { exported: matching.slice(0, selection.max).map(toExportedQueue), droppedByCap: Math.max(0, matching.length - selection.max) };
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
