// Polling freshness against the simulator: each batch of queues reaches /metrics as soon as it returns,
// not when the run's last batch does. The simulator's clock is manual, so the queues' values change only
// when the test moves it; the test then watches /metrics and records at which scrape each queue changed.
// Published per run, a run's queues would change together (at most two steps: a clock move in the middle
// of a run splits its queues between that run and the next); published per batch, each batch is its own
// step. Ordering only: no duration is asserted.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startExporter } from '../../exporter/app.ts';
import type { RunningExporter } from '../../exporter/app.ts';
import { parseConfig } from '../../exporter/config.ts';
import { silentLogger } from '../../exporter/log.ts';
import { startSimulator } from '../../simulator/index.ts';
import { SimulatorClient } from '../../stack/simulator-client.ts';
import { waitFor } from '../../stack/wait-for.ts';
import { parseExposition, sampleValue } from '../support/exposition.ts';
import { get } from '../support/http-client.ts';
import { simulatorArgs, simulatorCredentials } from '../support/simulator-target.ts';

const QUEUES = 9;
const BATCH_SIZE = 3;
const BATCHES = QUEUES / BATCH_SIZE;

describe('polling publishes each batch as it returns', () => {
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  let sim: SimulatorClient;
  let exporter: RunningExporter;

  before(async () => {
    // Few agents for many arrivals: every queue has contacts waiting, so every queue's values move with the clock.
    simulator = await startSimulator({ port: 0, seed: 5, clock: 'manual', orgSize: { queues: QUEUES, divisions: 1, arrivalsPerMinute: 120, agents: 2 } });
    sim = new SimulatorClient(simulator.url);
    await sim.syncClock();
    await sim.advanceBy(10 * 60_000);
    const args = simulatorArgs(simulator.url, { queues: '5m', observations: '3s', aggregates: '5m' }, [
      `--collector.observations.batch-size=${BATCH_SIZE}`,
      '--genesys.requests-per-minute=300',
    ]);
    exporter = await startExporter(parseConfig(args, simulatorCredentials(simulator)), { logger: silentLogger, now: () => sim.nowMs });
  });
  after(async () => {
    await exporter?.close();
    await simulator?.close();
  });

  /** queue id → its observation series (depth and longest wait per media type), as text. */
  const observed = async (): Promise<Map<string, string>> => {
    const samples = parseExposition((await get(`${exporter.url}/metrics`)).body).filter(
      (s) => s.name === 'genesys_queue_depth' || s.name === 'genesys_queue_longest_wait_seconds',
    );
    const byQueue = new Map<string, string[]>();
    for (const s of samples) {
      const id = s.labels['queue_id']!;
      byQueue.set(id, [...(byQueue.get(id) ?? []), `${s.name}{${s.labels['media_type']}}=${s.value}`]);
    }
    return new Map([...byQueue].map(([id, lines]) => [id, lines.sort().join(' ')]));
  };

  test(`the ${BATCHES} batches of a run change on /metrics one after the other`, async () => {
    await waitFor(
      'every queue on /metrics from a successful observations run',
      async () => {
        const success = sampleValue(parseExposition((await get(`${exporter.url}/metrics`)).body), 'genesys_exporter_collector_success', {
          collector: 'observations',
        });
        return success === 1 && (await observed()).size === QUEUES ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 50 },
    );
    const before = await observed();
    await sim.advanceBy(2 * 60_000);

    // Scrape until every queue has changed; remember the scrape at which each one first did.
    const changedAt = new Map<string, number>();
    let scrape = 0;
    await waitFor(
      'every queue to show the moved clock',
      async () => {
        scrape += 1;
        for (const [id, text] of await observed()) if (!changedAt.has(id) && text !== before.get(id)) changedAt.set(id, scrape);
        return changedAt.size === QUEUES ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 20 },
    );
    const steps = new Set(changedAt.values());
    assert.ok(
      steps.size >= BATCHES,
      `the queues changed at ${steps.size} distinct scrapes (${[...steps].join(', ')}): a run's batches must reach /metrics one by one, ${BATCHES} batches`,
    );
    const firstStep = Math.min(...steps);
    const firstQueues = [...changedAt].filter(([, at]) => at === firstStep).length;
    assert.ok(firstQueues <= BATCH_SIZE, `${firstQueues} queues changed at the first step: more than one batch's worth`);
  });

  test('the data age of the observations collector is served', async () => {
    const age = sampleValue(parseExposition((await get(`${exporter.url}/metrics`)).body), 'genesys_exporter_collector_data_age_seconds', {
      collector: 'observations',
    });
    assert.ok(age !== undefined && age >= 0, `genesys_exporter_collector_data_age_seconds{collector="observations"} is ${age}`);
  });
});
