// The exporter's registry as a deployment holds it between polls: the real queue catalog, observations
// and aggregates collectors run against the synthetic org and publish into the registry's snapshot store
// (with the queue filter app.ts installs), so /metrics renders exactly what production would render.
import { getOrInsertComputed } from '../lib/map.ts';
import { createAggregatesCollector } from '../exporter/collectors/aggregates.ts';
import { collectSnapshot } from '../exporter/collectors/collector.ts';
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
   * What one poll of that collector does to /metrics: its snapshot published again, in new arrays (the
   * same values), so the exposition renders that collector's series again and reuses the others'.
   */
  republish(owner: 'observations' | 'aggregates'): void;
  /**
   * The collector's snapshot published again with the values of `queues` queues changed (the first ones of
   * the org, a different value each call). `allNew`: every sample and label object new, as the streaming
   * collector builds its snapshot each second (observationSnapshot); otherwise only the changed samples
   * are new objects (new arrays all the same).
   */
  changeQueues(owner: 'observations' | 'aggregates', queues: number, allNew: boolean): void;
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
  const published = new Map<string, Snapshot>();
  const publish = async (collector: Collector): Promise<void> => {
    const snapshot = await collectSnapshot(collector);
    published.set(collector.name, snapshot);
    metrics.store.publish(collector.name, snapshot, HOUR_MS);
  };

  await publish(createQueueCatalogCollector(port, directory, { include: /.*/, exclude: undefined, divisions: [], max: queueCount }));
  await publish(createObservationsCollector(port, directory, { batchSize: 100, now }));
  const aggregates = createAggregatesCollector(port, directory, { ...AGGREGATE_DEFAULTS, now });
  await publish(aggregates); // the baseline poll: counters start at 0
  poll = 3;
  await publish(aggregates); // counters now hold the increases since the baseline
  const republish = (owner: 'observations' | 'aggregates'): void => {
    const snapshot = published.get(owner);
    if (snapshot === undefined) throw new Error(`populated registry: no ${owner} snapshot was published`);
    const copy = Object.fromEntries(Object.entries(snapshot).map(([metric, samples]) => [metric, [...(samples as readonly unknown[])]])) as Snapshot;
    metrics.store.publish(owner, copy, HOUR_MS);
  };
  let changes = 0;
  /** Where the samples of the first `n` queues sit in each metric's array (found once per owner and n). */
  const positions = new Map<string, Map<string, number[]>>();
  const positionsOf = (owner: string, snapshot: Snapshot, queues: number): Map<string, number[]> =>
    getOrInsertComputed(positions, `${owner}:${queues}`, () => {
      const changed = new Set(
        syntheticQueues(queueCount)
          .slice(0, queues)
          .map((queue) => queue.id),
      );
      const byMetric = new Map<string, number[]>();
      for (const [metric, samples] of Object.entries(snapshot) as [string, readonly AnySample[]][]) {
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
    const snapshot = published.get(owner);
    if (snapshot === undefined) throw new Error(`populated registry: no ${owner} snapshot was published`);
    const where = positionsOf(owner, snapshot, queues);
    changes++;
    const copy: Record<string, AnySample[]> = {};
    for (const [metric, samples] of Object.entries(snapshot) as [string, readonly AnySample[]][]) {
      // New arrays either way; with allNew every sample is a new object too (a bump of 0 for the unchanged).
      const out = allNew ? samples.map((sample) => bumped(sample, 0)) : samples.slice();
      for (const i of where.get(metric) ?? []) out[i] = bumped(samples[i]!, changes);
      copy[metric] = out;
    }
    metrics.store.publish(owner, copy as Snapshot, HOUR_MS);
  };
  return { metrics, republish, changeQueues };
}
