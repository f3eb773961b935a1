// The exporter end to end against the simulator over real HTTP. The simulator runs on a manual clock
// and the exporter reads that clock (ExporterOptions.now), so between two clock steps the simulated org
// is frozen: every value on /metrics can be compared EXACTLY with the simulator's ground truth, without
// racing the traffic. Collectors still poll on real timers (fast intervals via --collector.unsafe-fast-polling).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { catalog, metricNames, WAIT_TIME_BUCKETS_SECONDS } from '../../metrics/catalog.ts';
import type { MetricName } from '../../metrics/catalog.ts';
import { startExporter } from '../../exporter/app.ts';
import type { RunningExporter } from '../../exporter/app.ts';
import { parseConfig } from '../../exporter/config.ts';
import { createLogger } from '../../exporter/log.ts';
import { startSimulator } from '../../simulator/index.ts';
import type { ContactTruth } from '../../simulator/control-types.ts';
import { parseExposition, select, sampleValue, valueIn } from '../support/exposition.ts';
import type { ParsedSample } from '../support/exposition.ts';
import { get } from '../support/http-client.ts';
import { waitFor } from '../../stack/wait-for.ts';
import { SimulatorClient } from '../../stack/simulator-client.ts';
import { FAST_RETRIES, simulatorArgs, simulatorCredentials } from '../support/simulator-target.ts';
import { freshRun } from './support/fresh-run.ts';

const STALENESS_SECONDS = 15;
/** The staleness limit of the exporter that shows values expiring: above the 1 s floor (two 500 ms polls). */
const SHORT_STALENESS_SECONDS = 2;

function exporterArgs(simulatorUrl: string, extra: readonly string[] = []): string[] {
  return simulatorArgs(simulatorUrl, { queues: '1s', observations: '500ms', aggregates: '500ms' }, [
    '--collector.aggregates.window=2h',
    `--collector.staleness=${STALENESS_SECONDS}s`,
    '--genesys.requests-per-minute=300',
    ...extra,
  ]);
}

describe('exporter against the simulator', () => {
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  let sim: SimulatorClient;
  let exporter: RunningExporter;
  const logLines: string[] = [];
  /** Simulator time of the aggregates baseline (the first successful aggregate poll). */
  let baselineMs: number;

  const scrape = async (): Promise<ParsedSample[]> => parseExposition((await get(`${exporter.url}/metrics`)).body);
  // Parses only the probed metric's lines of the page: the waits probe many times.
  const collectorValue = async (name: MetricName, collector: string): Promise<number | undefined> =>
    valueIn((await get(`${exporter.url}/metrics`)).body, name, { collector });

  before(async () => {
    // A busy, understaffed org: queues build up, contacts abandon, SLAs are breached.
    simulator = await startSimulator({ port: 0, seed: 11, clock: 'manual', orgSize: { queues: 8, divisions: 2, arrivalsPerMinute: 40, agents: 40 } });
    sim = new SimulatorClient(simulator.url);
    await sim.syncClock();
  });
  after(async () => {
    await exporter?.close();
    await simulator?.close();
  });

  test('/-/ready is 503 until the first successful poll, then 200', async () => {
    await sim.startFault({ fault: 'api-5xx', endpoint: 'routing_queues' });
    const config = parseConfig(exporterArgs(simulator.url), simulatorCredentials(simulator));
    exporter = await startExporter(config, {
      logger: createLogger({ level: 'debug', write: (line) => logLines.push(line) }),
      now: () => sim.nowMs,
      apiBackoff: FAST_RETRIES,
    });
    await waitFor('the queue catalog to fail', async () => ((await collectorValue('genesys_exporter_collector_success', 'queues')) === 0 ? true : undefined));
    assert.equal((await get(`${exporter.url}/-/ready`)).status, 503);
    assert.equal((await get(`${exporter.url}/-/healthy`)).status, 200);
    await sim.clearFaults();
    await waitFor('/-/ready 200', async () => ((await get(`${exporter.url}/-/ready`)).status === 200 ? true : undefined));
    await waitFor('the aggregates baseline', async () => ((await collectorValue('genesys_exporter_collector_success', 'aggregates')) === 1 ? true : undefined));
    baselineMs = sim.nowMs; // the clock has not moved since the exporter started: the baseline saw this time
  });

  test('serves every catalog metric and nothing outside the catalog but process metrics', async () => {
    const text = (await get(`${exporter.url}/metrics`)).body;
    const declared = new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
    const sampleNames = new Set(parseExposition(text).map((s) => s.name));
    for (const name of metricNames()) {
      assert.equal(declared.get(name), catalog[name].type, `# TYPE of ${name}`);
      const type = catalog[name].type;
      const series = type === 'histogram' || type === 'summary' ? `${name}_count` : name;
      // A 429 counter has series only after a 429.
      if (name !== 'genesys_exporter_api_rate_limited_total') assert.ok(sampleNames.has(series), `no series of ${name}`);
    }
    const allowed = new Set(
      metricNames().flatMap((name) => {
        const type = catalog[name].type;
        if (type === 'histogram') return [`${name}_bucket`, `${name}_sum`, `${name}_count`];
        return type === 'summary' ? [`${name}_sum`, `${name}_count`] : [name];
      }),
    );
    for (const name of sampleNames) assert.ok(allowed.has(name) || /^(process|nodejs)_/.test(name), `${name} is not in the catalog`);
  });

  test('real-time values equal the ground truth now (depth, waits, agents)', async () => {
    await sim.advanceBy(45_000);
    const samples = await freshRun(exporter.url, 'observations');
    const truth = await sim.truthNow();
    let busy = 0;
    for (const queue of truth.queues) {
      const q = { queue_id: queue.queueId };
      for (const media of queue.media) {
        const m = { ...q, media_type: media.mediaType };
        assert.equal(sampleValue(samples, 'genesys_queue_depth', m), media.waiting, `depth ${queue.name} ${media.mediaType}`);
        assert.equal(sampleValue(samples, 'genesys_queue_alerting', m), media.alerting, `alerting ${queue.name} ${media.mediaType}`);
        assert.equal(sampleValue(samples, 'genesys_queue_interacting', m), media.interacting, `interacting ${queue.name} ${media.mediaType}`);
        assert.equal(
          sampleValue(samples, 'genesys_queue_longest_wait_seconds', m),
          (media.longestWaitMs ?? 0) / 1000,
          `longest wait ${queue.name} ${media.mediaType}`,
        );
        busy += media.waiting + media.interacting;
      }
      assert.equal(sampleValue(samples, 'genesys_queue_members', q), queue.members, `members ${queue.name}`);
      assert.equal(sampleValue(samples, 'genesys_queue_agents_on_queue', q), queue.onQueue, `on queue ${queue.name}`);
      assert.equal(sampleValue(samples, 'genesys_queue_agents_off_queue', q), queue.offQueue, `off queue ${queue.name}`);
      for (const [status, count] of Object.entries(queue.agents)) {
        assert.equal(sampleValue(samples, 'genesys_queue_agents', { ...q, routing_status: status.toLowerCase() }), count, `${status} agents ${queue.name}`);
      }
    }
    assert.ok(busy > 0, 'the org had contacts waiting or in progress, so the comparison says something');
    // SLA targets come from the queues' mediaSettings (`call` there is media type `voice` here).
    let targets = 0;
    for (const queue of await sim.queues()) {
      for (const [media, level] of Object.entries(queue.serviceLevels)) {
        const where = { queue_id: queue.id, media_type: media };
        assert.equal(sampleValue(samples, 'genesys_queue_sla_target_seconds', where), level.durationMs / 1000, `SLA seconds ${queue.name} ${media}`);
        assert.equal(sampleValue(samples, 'genesys_queue_sla_target_ratio', where), level.percentage, `SLA ratio ${queue.name} ${media}`);
        targets++;
      }
    }
    assert.ok(targets > 0 && select(samples, 'genesys_queue_sla_target_seconds', { media_type: 'voice' }).length > 0, 'voice targets exported');
  });

  test('offers, answers, abandons, breaches and the wait histogram count exactly what posted after the baseline', async (t) => {
    // Several clock steps, each followed by a poll: intervals are re-read while they keep changing.
    for (let step = 0; step < 4; step++) {
      await sim.advanceBy(40_000);
      await freshRun(exporter.url, 'aggregates');
    }
    const samples = await freshRun(exporter.url, 'aggregates');
    const untilMs = sim.nowMs;
    const { contacts } = await sim.truthContacts({ since: new Date(baselineMs - 3_600_000), until: new Date(untilMs + 1) });
    const expected = expectedCounters(contacts, baselineMs, untilMs);
    const total = (field: 'offered' | 'answered' | 'abandoned' | 'breaches') => [...expected.values()].reduce((sum, e) => sum + e[field], 0);
    t.diagnostic(
      `window ${(untilMs - baselineMs) / 1000}s: offered ${total('offered')}, answered ${total('answered')}, abandoned ${total('abandoned')}, breaches ${total('breaches')}`,
    );
    assert.ok(total('offered') > 0 && total('answered') > 0, 'traffic posted in the window');

    const seriesKeys = new Set(select(samples, 'genesys_queue_offer_total').map((s) => `${s.labels['queue_id']}/${s.labels['media_type']}`));
    for (const [key, want] of expected) if (want.offered + want.waits.length > 0) assert.ok(seriesKeys.has(key), `no counters for ${key}`);
    for (const key of seriesKeys) {
      const [queue_id = '', media_type = ''] = key.split('/');
      const where = { queue_id, media_type };
      const want = expected.get(key) ?? emptyExpectation();
      assert.equal(sampleValue(samples, 'genesys_queue_offer_total', where), want.offered, `offered ${key}`);
      assert.equal(sampleValue(samples, 'genesys_queue_answered_total', where), want.answered, `answered ${key}`);
      assert.equal(sampleValue(samples, 'genesys_queue_abandoned_total', where), want.abandoned, `abandoned ${key}`);
      assert.equal(sampleValue(samples, 'genesys_queue_sla_breach_total', where), want.breaches, `SLA breaches ${key}`);
      assert.equal(sampleValue(samples, 'genesys_queue_wait_time_seconds_count', where), want.waits.length, `wait count ${key}`);
      const sum = sampleValue(samples, 'genesys_queue_wait_time_seconds_sum', where) ?? NaN;
      assert.ok(Math.abs(sum - want.waits.reduce((a, b) => a + b, 0) / 1000) < 1e-6, `wait sum ${key}: ${sum}`);
      const buckets = WAIT_TIME_BUCKETS_SECONDS.map((le) => sampleValue(samples, 'genesys_queue_wait_time_seconds_bucket', { ...where, le: String(le) }));
      assert.deepEqual(
        buckets,
        WAIT_TIME_BUCKETS_SECONDS.map((le) => want.waits.filter((ms) => ms < le * 1000).length),
        `wait buckets ${key}`,
      );
      assert.equal(sampleValue(samples, 'genesys_queue_wait_time_seconds_bucket', { ...where, le: '+Inf' }), want.waits.length, `+Inf bucket ${key}`);
    }
  });

  test('a failing aggregates endpoint leaves the observations fresh and reports collector_success 0', async () => {
    await sim.startFault({ fault: 'api-5xx', endpoint: 'conversation_aggregates' });
    try {
      await waitFor('aggregates to fail', async () => ((await collectorValue('genesys_exporter_collector_success', 'aggregates')) === 0 ? true : undefined), {
        timeoutMs: 60_000,
      });
      await sim.advanceBy(20_000);
      const samples = await freshRun(exporter.url, 'observations');
      const truth = await sim.truthNow();
      for (const queue of truth.queues) {
        for (const media of queue.media) {
          assert.equal(
            sampleValue(samples, 'genesys_queue_depth', { queue_id: queue.queueId, media_type: media.mediaType }),
            media.waiting,
            `fresh depth ${queue.name}`,
          );
        }
      }
      assert.equal(sampleValue(samples, 'genesys_exporter_collector_success', { collector: 'observations' }), 1);
      assert.equal(sampleValue(samples, 'genesys_exporter_collector_success', { collector: 'aggregates' }), 0);
      assert.equal(sampleValue(samples, 'genesys_up'), 0);
      assert.ok(select(samples, 'genesys_queue_offer_total').length > 0, 'the last good counters are still served (younger than the staleness limit)');
    } finally {
      await sim.clearFaults();
    }
    await waitFor('aggregates to recover', async () => ((await collectorValue('genesys_exporter_collector_success', 'aggregates')) === 1 ? true : undefined), {
      timeoutMs: 60_000,
    });
  });

  test('values of a failing collector are removed once older than the staleness limit, and come back', async () => {
    // An exporter of its own with a short limit (the tests above need the long one), so the wait for the
    // limit to pass is seconds, not STALENESS_SECONDS.
    const config = parseConfig(exporterArgs(simulator.url, [`--collector.staleness=${SHORT_STALENESS_SECONDS}s`]), simulatorCredentials(simulator));
    const short = await startExporter(config, { logger: createLogger({ level: 'error', write: () => {} }), now: () => sim.nowMs, apiBackoff: FAST_RETRIES });
    const scrapeShort = async (): Promise<ParsedSample[]> => parseExposition((await get(`${short.url}/metrics`)).body);
    try {
      await waitFor('depth and counters on the second exporter', async () => {
        const samples = await scrapeShort();
        return select(samples, 'genesys_queue_depth').length > 0 && select(samples, 'genesys_queue_offer_total').length > 0 ? true : undefined;
      });
      await sim.startFault({ fault: 'api-5xx', endpoint: 'queue_observations' });
      try {
        await waitFor(
          'observations to fail',
          async () => (sampleValue(await scrapeShort(), 'genesys_exporter_collector_success', { collector: 'observations' }) === 0 ? true : undefined),
          { timeoutMs: 60_000 },
        );
        const gone = await waitFor(
          'stale depth series to disappear',
          async () => {
            const samples = await scrapeShort();
            return select(samples, 'genesys_queue_depth').length === 0 ? samples : undefined;
          },
          { timeoutMs: (SHORT_STALENESS_SECONDS + 45) * 1000, intervalMs: 250 },
        );
        assert.equal(select(gone, 'genesys_queue_agents').length, 0, 'agent series (same collector) gone too');
        assert.ok(select(gone, 'genesys_queue_info').length > 0, 'other collectors keep their series');
        assert.ok(select(gone, 'genesys_queue_offer_total').length > 0, 'other collectors keep their series');
      } finally {
        await sim.clearFaults();
      }
      await waitFor('depth series to come back', async () => (select(await scrapeShort(), 'genesys_queue_depth').length > 0 ? true : undefined), {
        timeoutMs: 60_000,
      });
    } finally {
      await short.close();
    }
  });

  test('queue churn (campaign scenario) leaves no stale series', async () => {
    const before = new Set((await sim.queues()).map((q) => q.id));
    await sim.startScenario({ scenario: 'campaign', queues: 3, lifetimeSeconds: 120, arrivalsPerMinute: 30 });
    await sim.advanceBy(5_000);
    const campaign = (await sim.queues()).filter((q) => !before.has(q.id)).map((q) => q.id);
    assert.equal(campaign.length, 3, 'the campaign created three queues');
    await waitFor(
      'campaign queues on /metrics',
      async () => {
        const samples = await scrape();
        return campaign.every(
          (id) => sampleValue(samples, 'genesys_queue_info', { queue_id: id }) === 1 && select(samples, 'genesys_queue_depth', { queue_id: id }).length > 0,
        )
          ? true
          : undefined;
      },
      { timeoutMs: 60_000 },
    );
    await sim.advanceBy(125_000);
    const live = new Set((await sim.queues()).map((q) => q.id));
    assert.ok(
      campaign.every((id) => !live.has(id)),
      'the campaign queues were deleted',
    );
    const samples = await waitFor(
      'no series of deleted queues',
      async () => {
        const current = await scrape();
        return current.some((s) => campaign.includes(s.labels['queue_id'] ?? '')) ? undefined : current;
      },
      { timeoutMs: 60_000 },
    );
    const exported = new Set(samples.flatMap((s) => (s.labels['queue_id'] === undefined ? [] : [s.labels['queue_id']])));
    assert.deepEqual([...exported].sort(), [...live].sort(), 'exactly the live queues are on /metrics');
    await sim.endScenarios();
  });

  test('the client secret never appears in logs or on /metrics', async () => {
    const text = (await get(`${exporter.url}/metrics`)).body;
    assert.ok(logLines.length > 0);
    assert.ok(!logLines.join('\n').includes(simulator.clientSecret), 'secret in logs');
    assert.ok(!text.includes(simulator.clientSecret), 'secret on /metrics');
  });

  test('the queue cap, and polling that would exceed the request budget stretched with a log line and metrics', async () => {
    const lines: string[] = [];
    const config = parseConfig(
      exporterArgs(simulator.url, ['--collector.observations.batch-size=1', '--genesys.requests-per-minute=60', '--collector.queues.max=3']),
      simulatorCredentials(simulator),
    );
    const second = await startExporter(config, { logger: createLogger({ write: (line) => lines.push(line) }), now: () => sim.nowMs });
    try {
      const listed = (await sim.queues()).length;
      const queues = 3; // --collector.queues.max
      // Demand: queues × 120/min (observations, one queue per batch) + 120/min (aggregates) + 60/min
      // (catalog), to fit within 90% of 60/min.
      const factor = (queues * 120 + 120 + 60) / (60 * 0.9);
      const expectedSeconds = Math.ceil(500 * factor) / 1000;
      const samples = await waitFor(
        `observations stretched to ${expectedSeconds}s`,
        async () => {
          const current = parseExposition((await get(`${second.url}/metrics`)).body);
          // The schedule is planned at start, before the queue list has been read: wait for both.
          const stretched = sampleValue(current, 'genesys_exporter_poll_interval_seconds', { collector: 'observations' }) === expectedSeconds;
          return stretched && sampleValue(current, 'genesys_exporter_queues') !== undefined ? current : undefined;
        },
        { timeoutMs: 60_000 },
      );
      assert.equal(sampleValue(samples, 'genesys_exporter_poll_schedule_stretched', { collector: 'observations' }), 1);
      assert.equal(sampleValue(samples, 'genesys_exporter_rate_budget_requests_per_minute'), 60);
      assert.equal(sampleValue(samples, 'genesys_exporter_queues'), queues);
      assert.equal(sampleValue(samples, 'genesys_exporter_queues_dropped_by_cap'), listed - queues);
      assert.equal(select(samples, 'genesys_queue_info').length, queues);
      const warnings = lines.map((line) => JSON.parse(line) as { msg: string; level: string; stretch_factor?: number }).filter((r) => /stretching/.test(r.msg));
      assert.equal(warnings.at(-1)?.level, 'warn');
      assert.equal(warnings.at(-1)?.stretch_factor, Number(factor.toFixed(2)));
    } finally {
      await second.close();
    }
  });
});

interface Expectation {
  offered: number;
  answered: number;
  abandoned: number;
  breaches: number;
  /** Waits (ms) of contacts answered or abandoned in the window. */
  waits: number[];
}

function emptyExpectation(): Expectation {
  return { offered: 0, answered: 0, abandoned: 0, breaches: 0, waits: [] };
}

/**
 * The exporter's counting definition applied to the ground truth: a posting counts when it happened after
 * the baseline poll and at or before the last poll. nOffered posts at arrival; tAnswered, tAbandon, tWait
 * and nOverSla post when the contact is answered or abandons.
 */
function expectedCounters(contacts: readonly ContactTruth[], sinceMs: number, untilMs: number): Map<string, Expectation> {
  const inWindow = (iso: string | undefined): boolean => iso !== undefined && Date.parse(iso) > sinceMs && Date.parse(iso) <= untilMs;
  const out = new Map<string, Expectation>();
  for (const contact of contacts) {
    const key = `${contact.queueId}/${contact.mediaType}`;
    const entry = out.get(key) ?? emptyExpectation();
    if (inWindow(contact.arrivedAt)) entry.offered++;
    if (inWindow(contact.answeredAt)) {
      entry.answered++;
      if (!contact.answeredWithinTarget) entry.breaches++;
      entry.waits.push(contact.waitMs!);
    }
    if (inWindow(contact.abandonedAt)) {
      entry.abandoned++;
      entry.breaches++; // an abandoned contact was not answered within target
      entry.waits.push(contact.waitMs!);
    }
    out.set(key, entry);
  }
  return out;
}
