// What the exporter watches: filters that match nothing and unknown divisions make it not ready (with the
// reason as /-/ready's body) and are logged; divisions are given by name or id; the cap keeps the queues
// already exported when new ones appear. Pure selection first, then a real exporter against the simulator.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startExporter } from '../../exporter/app.ts';
import type { RunningExporter } from '../../exporter/app.ts';
import { selectQueues } from '../../exporter/collectors/queue-catalog.ts';
import { parseConfig } from '../../exporter/config.ts';
import type { RoutingQueue } from '../../exporter/genesys/routing-queues.ts';
import { createLogger } from '../../exporter/log.ts';
import { startSimulator } from '../../simulator/index.ts';
import type { SimQueue } from '../../simulator/control-types.ts';
import { parseExposition, select, sampleValue, valueIn } from '../support/exposition.ts';
import { get } from '../support/http-client.ts';
import { waitFor } from '../../stack/wait-for.ts';
import { SimulatorClient } from '../../stack/simulator-client.ts';
import { simulatorArgs, simulatorCredentials } from '../support/simulator-target.ts';

describe('selectQueues: divisions by name or id, the cap keeps what is exported', () => {
  const queue = (id: string, name: string, division: string): RoutingQueue => ({ id, name, division: { id: `id-${division}`, name: division } });
  const listed = [queue('1', 'Billing', 'Home'), queue('2', 'Sales', 'Europe'), queue('3', 'Support', 'Europe'), queue('4', 'Archive', 'Home')];
  const all = { include: /^(?:.*)$/, exclude: undefined, divisions: [], max: 100 };
  const names = (result: ReturnType<typeof selectQueues>) => result.exported.map((q) => q.name);

  test('a division is matched by id, or by name in any case; unknown ones are reported with what is visible', () => {
    assert.deepEqual(names(selectQueues(listed, { ...all, divisions: ['id-Europe'] })), ['Sales', 'Support']);
    assert.deepEqual(names(selectQueues(listed, { ...all, divisions: ['europe'] })), ['Sales', 'Support']);
    const unknown = selectQueues(listed, { ...all, divisions: ['Home', 'Asia', 'id-Nowhere'] });
    assert.deepEqual(names(unknown), ['Archive', 'Billing']);
    assert.deepEqual(unknown.unknownDivisions, ['Asia', 'id-Nowhere']);
    assert.deepEqual(unknown.visibleDivisions, [
      { id: 'id-Europe', name: 'Europe' },
      { id: 'id-Home', name: 'Home' },
    ]);
  });

  test('the cap keeps the queues already exported; new queues fill free places by name', () => {
    const first = selectQueues(listed, { ...all, max: 2 });
    assert.deepEqual(names(first), ['Archive', 'Billing']);
    // A campaign adds queues that sort first; the exported ones keep their places.
    const withCampaign = [...listed, queue('c1', 'Aaa Campaign 1', 'Home'), queue('c2', 'Aaa Campaign 2', 'Home')];
    const exportedIds = new Set(first.exported.map((q) => q.id));
    const next = selectQueues(withCampaign, { ...all, max: 2 }, (id) => exportedIds.has(id));
    assert.deepEqual(names(next), ['Archive', 'Billing']);
    assert.equal(next.droppedByCap, 4);
    // One exported queue is deleted: its place goes to the first new queue by name.
    const afterDelete = selectQueues(
      withCampaign.filter((q) => q.id !== '4'),
      { ...all, max: 2 },
      (id) => exportedIds.has(id),
    );
    assert.deepEqual(names(afterDelete), ['Aaa Campaign 1', 'Billing']);
    assert.equal(afterDelete.droppedByCap, 3);
  });
});

describe('exporter: nothing to watch is loud, and the cap holds on to long-lived queues', () => {
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  let sim: SimulatorClient;
  let initialQueues: SimQueue[];
  const exporters: RunningExporter[] = [];

  before(async () => {
    simulator = await startSimulator({ port: 0, seed: 5, orgSize: { queues: 8, divisions: 2, arrivalsPerMinute: 20 } });
    sim = new SimulatorClient(simulator.url);
    initialQueues = await sim.queues();
  });
  // Each test's exporters stop when it ends: polling every 300 ms, they would otherwise keep polling (and
  // costing CPU) through the tests after theirs.
  afterEach(async () => {
    for (const exporter of exporters.splice(0)) await exporter.close();
  });
  after(async () => {
    await simulator?.close();
  });

  type LogRecord = { level: string; msg: string; dropped?: number };
  async function start(flags: readonly string[]): Promise<{ exporter: RunningExporter; logs: () => LogRecord[] }> {
    const lines: string[] = [];
    const config = parseConfig(
      // The tests count queue catalog runs: the catalog every 300 ms (200/min) gets most of the 300/min budget, the
      // other collectors little, so the runner does not stretch the catalog's interval to fit them all in.
      [...simulatorArgs(simulator.url, { queues: '300ms', observations: '2s', aggregates: '5s' }, ['--genesys.requests-per-minute=300']), ...flags],
      simulatorCredentials(simulator),
    );
    const exporter = await startExporter(config, { logger: createLogger({ level: 'info', write: (line) => lines.push(line) }) });
    exporters.push(exporter);
    return { exporter, logs: () => lines.map((line) => JSON.parse(line) as LogRecord) };
  }

  const scrape = async (exporter: RunningExporter) => parseExposition((await get(`${exporter.url}/metrics`)).body);
  /** One metric of a fresh scrape, for the waits (they probe many times): only its lines of the page are parsed. */
  const probe = async (exporter: RunningExporter, name: string, where: Readonly<Record<string, string>> = {}) =>
    valueIn((await get(`${exporter.url}/metrics`)).body, name, where);
  const catalogRuns = async (exporter: RunningExporter): Promise<number> =>
    (await probe(exporter, 'genesys_exporter_collector_last_success_timestamp_seconds', { collector: 'queues' })) ?? 0;
  /** Waits until the queue catalog has run `count` more times (so "once per change" can be checked). */
  async function moreCatalogRuns(exporter: RunningExporter, count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const before = await catalogRuns(exporter);
      await waitFor('another queue catalog run', async () => ((await catalogRuns(exporter)) > before ? true : undefined), {
        timeoutMs: 30_000,
        intervalMs: 50,
      });
    }
  }
  async function notReadyBody(exporter: RunningExporter): Promise<string> {
    return waitFor(
      '/-/ready to give a selection reason',
      async () => {
        const reply = await get(`${exporter.url}/-/ready`);
        return reply.status === 503 && !/waiting for the first/.test(reply.body) ? reply.body : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 50 },
    );
  }

  test('filters matching no queue: 503 with the filters and the visible count, a warning once, genesys_exporter_queues 0', async () => {
    const { exporter, logs } = await start(['--collector.queues.include=Nope.*', '--collector.queues.exclude=.*Test']);
    const body = await notReadyBody(exporter);
    assert.equal(body, `Not ready: no queue matches the filters (include=Nope.*, exclude=.*Test, divisions=(all)); ${initialQueues.length} queues visible\n`);
    await moreCatalogRuns(exporter, 3);
    const samples = await scrape(exporter);
    assert.equal(sampleValue(samples, 'genesys_exporter_queues', {}), 0);
    assert.equal(sampleValue(samples, 'genesys_exporter_collector_success', { collector: 'queues' }), 1, 'the API call itself worked');
    const warnings = logs().filter((r) => r.msg.startsWith('not ready: no queue matches the filters'));
    assert.equal(warnings.length, 1, 'logged once, not on every refresh');
    assert.equal(warnings[0]?.level, 'warn');
    assert.equal((await get(`${exporter.url}/-/ready`)).status, 503, 'still not ready after more refreshes');
  });

  test('a division by name works; an unknown one is not ready, listing the visible divisions and the role reminder', async () => {
    const europe = initialQueues.filter((q) => q.division.name === 'Europe');
    assert.ok(europe.length > 0 && europe.length < initialQueues.length, 'the org has queues in and out of the division');
    const byName = await start(['--collector.queues.division=europe']);
    await waitFor('/-/ready 200', async () => ((await get(`${byName.exporter.url}/-/ready`)).status === 200 ? true : undefined), {
      timeoutMs: 60_000,
      intervalMs: 100,
    });
    const info = select(await scrape(byName.exporter), 'genesys_queue_info');
    assert.deepEqual(info.map((s) => s.labels['queue_id']).sort(), europe.map((q) => q.id).sort());

    const unknown = await start(['--collector.queues.division=Europe', '--collector.queues.division=Nowhere']);
    const body = await notReadyBody(unknown.exporter);
    assert.match(
      body,
      /^Not ready: --collector\.queues\.division: no division named or with id "Nowhere" among the divisions of the queues the OAuth client can see: /,
    );
    for (const division of new Map(initialQueues.map((q) => [q.division.id, q.division])).values()) {
      assert.ok(body.includes(`"${division.name}" (${division.id})`), `${division.name} listed in: ${body}`);
    }
    assert.match(body, /role is granted in that division/);
    await moreCatalogRuns(unknown.exporter, 2);
    const errors = unknown.logs().filter((r) => r.level === 'error' && r.msg.includes('"Nowhere"'));
    assert.equal(errors.length, 1, 'an error, logged once');
    // The known division is still watched meanwhile.
    assert.equal(sampleValue(await scrape(unknown.exporter), 'genesys_exporter_queues', {}), europe.length);
  });

  test('queues dropped by the cap: a campaign of new queues does not evict the exported ones; warned once per change', async () => {
    const max = 4;
    const { exporter, logs } = await start([`--collector.queues.max=${max}`]);
    await waitFor('/-/ready 200', async () => ((await get(`${exporter.url}/-/ready`)).status === 200 ? true : undefined), {
      timeoutMs: 60_000,
      intervalMs: 100,
    });
    const exportedBefore = select(await scrape(exporter), 'genesys_queue_info')
      .map((s) => s.labels['queue_id']!)
      .sort();
    assert.equal(exportedBefore.length, max);

    const campaignSize = 6;
    await sim.startScenario({ scenario: 'campaign', queues: campaignSize, lifetimeSeconds: 600 });
    const campaign = (await sim.queues()).filter((q) => q.campaignScenarioId !== undefined);
    assert.equal(campaign.length, campaignSize);
    // Meaningful only if "first by name" would have let a campaign queue in.
    const lastExportedName = initialQueues.map((q) => q.name).sort((a, b) => a.localeCompare(b))[max - 1]!;
    assert.ok(
      campaign.some((q) => q.name.localeCompare(lastExportedName) < 0),
      `a campaign queue sorts before "${lastExportedName}"`,
    );

    const dropped = initialQueues.length - max + campaignSize;
    await waitFor(
      `genesys_exporter_queues_dropped_by_cap ${dropped}`,
      async () => ((await probe(exporter, 'genesys_exporter_queues_dropped_by_cap')) === dropped ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 50 },
    );
    await moreCatalogRuns(exporter, 3);
    const samples = await scrape(exporter);
    assert.deepEqual(
      select(samples, 'genesys_queue_info')
        .map((s) => s.labels['queue_id']!)
        .sort(),
      exportedBefore,
    );
    assert.equal(sampleValue(samples, 'genesys_exporter_queues', {}), max);
    const warnings = logs().filter((r) => r.msg.startsWith('queues dropped by --collector.queues.max'));
    assert.deepEqual(
      warnings.map((r) => [r.level, r.dropped]),
      [
        ['warn', initialQueues.length - max],
        ['warn', dropped],
      ],
      'one warning per change of the count',
    );
    await sim.endScenarios();
  });
});
