// The exporter's registry as a deployment holds it between polls: the real queue catalog, observations
// and aggregates collectors run against the synthetic org and publish into the registry's snapshot store
// (with the queue filter app.ts installs), so /metrics renders exactly what production would render.
import { getOrInsertComputed } from '../lib/map.ts';
import { createAggregatesCollector } from '../exporter/collectors/aggregates.ts';
import type { Collector } from '../exporter/collectors/collector.ts';
import { createObservationsCollector } from '../exporter/collectors/observations.ts';
import { createQueueCatalogCollector } from '../exporter/collectors/queue-catalog.ts';
import { QueueDirectory } from '../exporter/collectors/queue-directory.ts';
import { createExporterRegistry, type ExporterRegistry } from '../exporter/registry.ts';
import type { Snapshot } from '../exporter/samples.ts';
import { aggregateResponse, BENCH_NOW_MS, observationResponse, syntheticPort, syntheticQueues } from './synthetic-org.ts';

type AnySample =
  | { readonly labels: Readonly<Record<string, string>>; readonly value: number }
  | { readonly labels: Readonly<Record<string, string>>; readonly sum: number; readonly count: number }
  | { readonly labels: Readonly<Record<string, string>>; readonly bucketCounts: readonly number[]; readonly sum: number; readonly count: number };

/** The exporter's defaults (exporter/config.ts): batch 100, window 2h of PT15M intervals. */
export const AGGREGATE_DEFAULTS = { batchSize: 100, windowMs: 2 * 3_600_000, granularity: 'PT15M' } as const;
const HOUR_MS = 3_600_000;

export interface PopulatedOrg {
  readonly metrics: ExporterRegistry;
  /**
   * What the next poll of the collector's first batch does to /metrics (as it runs in production: each
   * batch of 100 queues is a part of the store, published again as its response returns): that batch
   * published again, with the values of its first `queues` queues changed (a different value each call).
   * `allNew`: every sample and label object new, as a collector builds them from a response; otherwise
   * only the changed samples are new objects (new arrays all the same).
   */
  changeQueues(owner: 'observations' | 'aggregates', queues: number, allNew: boolean): void;
}

interface Batch {
  readonly queueIds: readonly string[];
  readonly snapshot: Snapshot;
}

export async function populatedRegistry(queueCount: number): Promise<PopulatedOrg> {
  // Snapshots are stamped with the real clock; the bench never lets them get anywhere near stale.
  const metrics = createExporterRegistry({ processMetrics: false });
  const directory = new QueueDirectory();
  metrics.store.setQueueFilter((id, name) => directory.exports(id, name));
  let poll = 0;
  const window = { ...AGGREGATE_DEFAULTS, nowMs: BENCH_NOW_MS };
  const port = syntheticPort({
    queues: syntheticQueues(queueCount),
    observations: (ids) => observationResponse(ids, BENCH_NOW_MS),
    aggregates: (ids) => aggregateResponse(ids, window, poll),
  });
  const now = () => BENCH_NOW_MS;
  /** The first batch each collector published (the one changeQueues publishes again). */
  const firstBatch = new Map<string, Batch>();
  /** One run, published as the runner does: whole, or batch by batch as parts of the store. */
  const publish = async (collector: Collector): Promise<void> => {
    firstBatch.delete(collector.name);
    const whole = await collector.collect({
      batchSlot: async () => undefined,
      publishBatch: (queueIds, snapshot) => {
        if (!firstBatch.has(collector.name)) firstBatch.set(collector.name, { queueIds, snapshot });
        metrics.store.publishPart(collector.name, queueIds, snapshot, HOUR_MS);
      },
    });
    if (whole !== undefined) metrics.store.publish(collector.name, whole, HOUR_MS);
  };

  await publish(createQueueCatalogCollector(port, directory, { include: /.*/, exclude: undefined, divisions: [], max: queueCount }));
  await publish(createObservationsCollector(port, directory, { batchSize: 100, now }));
  const aggregates = createAggregatesCollector(port, directory, { ...AGGREGATE_DEFAULTS, now });
  await publish(aggregates); // the baseline poll: counters start at 0
  poll = 3;
  await publish(aggregates); // counters now hold the increases since the baseline
  let changes = 0;
  /** Where the samples of the batch's first `n` queues sit in each metric's array (found once per owner and n). */
  const positions = new Map<string, Map<string, number[]>>();
  const positionsOf = (owner: string, batch: Batch, queues: number): Map<string, number[]> =>
    getOrInsertComputed(positions, `${owner}:${queues}`, () => {
      const changed = new Set(batch.queueIds.slice(0, queues));
      const byMetric = new Map<string, number[]>();
      for (const [metric, samples] of Object.entries(batch.snapshot) as [string, readonly AnySample[]][]) {
        const indices: number[] = [];
        samples.forEach((sample, i) => {
          if (changed.has(sample.labels['queue_id'] ?? '')) indices.push(i);
        });
        byMetric.set(metric, indices);
      }
      return byMetric;
    });
  const bumped = (sample: AnySample, by: number): AnySample => {
    const labels = { ...sample.labels };
    if ('bucketCounts' in sample) return { labels, bucketCounts: [...sample.bucketCounts], sum: sample.sum + by, count: sample.count };
    if ('sum' in sample) return { labels, sum: sample.sum + by, count: sample.count };
    return { labels, value: sample.value + by };
  };
  const changeQueues = (owner: 'observations' | 'aggregates', queues: number, allNew: boolean): void => {
    const batch = firstBatch.get(owner);
    if (batch === undefined) throw new Error(`populated registry: ${owner} published no batch`);
    const where = positionsOf(owner, batch, queues);
    changes++;
    const copy: Record<string, AnySample[]> = {};
    for (const [metric, samples] of Object.entries(batch.snapshot) as [string, readonly AnySample[]][]) {
      // New arrays either way; with allNew every sample is a new object too (a bump of 0 for the unchanged).
      const out = allNew ? samples.map((sample) => bumped(sample, 0)) : samples.slice();
      for (const i of where.get(metric) ?? []) out[i] = bumped(samples[i]!, changes);
      copy[metric] = out;
    }
    metrics.store.publishPart(owner, batch.queueIds, copy as Snapshot, HOUR_MS);
  };
  return { metrics, changeQueues };
}
