// Benchmark 2: exactly-once counting. One aggregates poll of a large org (1,000 queues × 2 media × 8
// PT15M intervals in the default 2 h window, five metrics and ten rangeBound views each, in batches of
// 100 queues) through the real collector and its IncreaseLedger, with and without the client's response
// parsing (JSON.parse + parseAggregationResponse). Floor: a poll every 30 s uses < 1 % of a core.
import { createAggregatesCollector } from '../exporter/collectors/aggregates.ts';
import { batches, collectSnapshot } from '../exporter/collectors/collector.ts';
import { createQueueCatalogCollector } from '../exporter/collectors/queue-catalog.ts';
import { QueueDirectory } from '../exporter/collectors/queue-directory.ts';
import { parseAggregationResponse, type AggregationQueryResponse } from '../exporter/genesys/conversation-aggregates.ts';
import type { ScalarSample } from '../exporter/samples.ts';
import { measure, ratePerSecond } from './measure.ts';
import { AGGREGATE_DEFAULTS } from './populated-registry.ts';
import { againstFloor, formatNumber, formatSpread, type BenchRow } from './report.ts';
import { aggregateResponse, BENCH_MEDIA, BENCH_NOW_MS, syntheticPort, syntheticQueues, windowIntervals } from './synthetic-org.ts';

const QUEUES = 1_000;
const POLL_INTERVAL_SECONDS = 30;
const CORE_SHARE = 0.01;
const FLOOR_POLLS_PER_CPU_SECOND = 1 / (POLL_INTERVAL_SECONDS * CORE_SHARE);
const SAMPLING = { warmupSamples: 2, samples: 7, opsPerSample: 1 } as const;

type Variant = 'collector' | 'parse + collector';

export async function exactlyOnceBenchmark(): Promise<BenchRow[]> {
  return [await pollBenchmark('parse + collector'), await pollBenchmark('collector')];
}

async function pollBenchmark(variant: Variant): Promise<BenchRow> {
  const queues = syntheticQueues(QUEUES);
  const window = { ...AGGREGATE_DEFAULTS, nowMs: BENCH_NOW_MS };
  const intervals = windowIntervals(window).length;
  // The next poll's responses, built before the poll (untimed): as objects, or as the JSON text the
  // client would receive when parsing is part of the workload.
  let responses = new Map<string, AggregationQueryResponse | string>();
  let poll = 0;
  const port = syntheticPort({
    queues,
    observations: () => ({ results: [] }),
    aggregates: (ids) => {
      const response = responses.get(ids[0] ?? '');
      if (response === undefined) throw new Error(`exactly-once bench: no response prepared for the batch starting ${ids[0]}`);
      return typeof response === 'string' ? parseAggregationResponse(JSON.parse(response)) : response;
    },
  });
  const directory = new QueueDirectory();
  await collectSnapshot(createQueueCatalogCollector(port, directory, { include: /.*/, exclude: undefined, divisions: [], max: QUEUES }));
  const collector = createAggregatesCollector(port, directory, { ...AGGREGATE_DEFAULTS, now: () => BENCH_NOW_MS });

  let firstCountingPoll: number | undefined;
  let offeredTotal = 0;
  const measurement = await measure(
    {
      prepare() {
        poll += 1;
        responses = new Map(
          batches(
            queues.map((q) => q.id),
            AGGREGATE_DEFAULTS.batchSize,
          ).map((ids) => {
            const response = aggregateResponse(ids, window, poll);
            return [ids[0]!, variant === 'collector' ? response : JSON.stringify(response)];
          }),
        );
      },
      async run() {
        const snapshot = await collectSnapshot(collector);
        firstCountingPoll ??= poll + 1;
        offeredTotal = (snapshot.genesys_queue_offer_total ?? []).reduce((sum, s: ScalarSample<'genesys_queue_offer_total'>) => sum + s.value, 0);
      },
    },
    SAMPLING,
  );
  // The workload must really count: each poll after the baseline adds 1 offered contact to each of the
  // two newest intervals of every (queue, media), and the ledger must count each exactly once.
  const expected = (poll - (firstCountingPoll ?? poll) + 1) * 2 * QUEUES * BENCH_MEDIA.length;
  if (offeredTotal !== expected) throw new Error(`exactly-once bench: counted ${offeredTotal} offered contacts, expected ${expected}`);

  const rate = ratePerSecond(measurement.cpuSecondsPerOp);
  const shareOfCore = measurement.cpuSecondsPerOp.median / POLL_INTERVAL_SECONDS;
  return {
    benchmark: `aggregates poll (${variant})`,
    workload: `${formatNumber(QUEUES)} queues × 2 media × ${intervals} intervals, 5 metrics + 10 views, ${QUEUES / AGGREGATE_DEFAULTS.batchSize} batches`,
    result: `${formatSpread(rate, 'polls/CPU-s')}; ${formatNumber(measurement.cpuSecondsPerOp.median * 1000)} ms/poll`,
    reference: `floor ${formatNumber(FLOOR_POLLS_PER_CPU_SECOND)} polls/CPU-s (a poll every ${POLL_INTERVAL_SECONDS} s < ${CORE_SHARE * 100} % of a core)`,
    verdict: againstFloor(rate.median, FLOOR_POLLS_PER_CPU_SECOND),
    details: [
      `${variant}: ${formatNumber(measurement.cpuSecondsPerOp.median * 1000)} ms CPU per poll → ${formatNumber(shareOfCore * 100)} % of a core at one poll every ${POLL_INTERVAL_SECONDS} s; counted ${formatNumber(offeredTotal)} offered contacts exactly once over ${poll} polls`,
    ],
  };
}
