// Sharding (--collector.queues.shard=i/N): the flag's validation, the hash (standard SHA-256 vectors, so
// the partition cannot depend on the process or the run), its spread over 10,000 ids, the shard applied
// before the cap, and the real thing: two exporters (0/2, 1/2) against one simulated org together export
// every queue exactly once, with the same values a single exporter has, and an empty shard is not ready.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startExporter } from '../../exporter/app.ts';
import type { RunningExporter } from '../../exporter/app.ts';
import { selectQueues } from '../../exporter/collectors/queue-catalog.ts';
import { queueIdHash, shardOf } from '../../exporter/collectors/shard.ts';
import { ConfigError, parseConfig } from '../../exporter/config.ts';
import type { RoutingQueue } from '../../exporter/genesys/routing-queues.ts';
import { createLogger } from '../../exporter/log.ts';
import { startSimulator } from '../../simulator/index.ts';
import type { SimQueue } from '../../simulator/control-types.ts';
import { parseExposition, select, sampleValue, valueIn } from '../support/exposition.ts';
import type { ParsedSample } from '../support/exposition.ts';
import { get } from '../support/http-client.ts';
import { waitFor } from '../../stack/wait-for.ts';
import { SimulatorClient } from '../../stack/simulator-client.ts';
import { simulatorArgs, simulatorCredentials } from '../support/simulator-target.ts';
import { freshRun } from './support/fresh-run.ts';

const SIMULATOR_ENV = { GENESYS_CLIENT_ID: 'id', GENESYS_CLIENT_SECRET: 'secret' };
const BASE_FLAGS = ['--genesys.api-url=http://127.0.0.1:1', '--genesys.login-url=http://127.0.0.1:1'];

describe('--collector.queues.shard: parsing and validation', () => {
  const shardOfFlag = (value: string | undefined) =>
    parseConfig([...BASE_FLAGS, ...(value === undefined ? [] : [`--collector.queues.shard=${value}`])], SIMULATOR_ENV).collectors.queues.shard;

  test('default 0/1 (every queue); i/N is read as given', () => {
    assert.deepEqual(shardOfFlag(undefined), { index: 0, count: 1 });
    assert.deepEqual(shardOfFlag('0/2'), { index: 0, count: 2 });
    assert.deepEqual(shardOfFlag('1/2'), { index: 1, count: 2 });
    assert.deepEqual(shardOfFlag('9/10'), { index: 9, count: 10 });
  });

  test('errors name the flag and say what is wrong', () => {
    const cases: [string, RegExp][] = [
      ['2/2', /^--collector\.queues\.shard=2\/2 has i=2, which must be less than N=2: replicas are numbered 0 to 1$/],
      ['5/3', /--collector\.queues\.shard=5\/3 has i=5, which must be less than N=3/],
      ['0/0', /^--collector\.queues\.shard=0\/0 has N=0; the number of replicas N must be from 1 to 1000$/],
      ['0/1001', /--collector\.queues\.shard=0\/1001 has N=1001/],
      ['1', /^--collector\.queues\.shard=1 must be "i\/N"/],
      ['-1/2', /^--collector\.queues\.shard=-1\/2 must be "i\/N"/],
      ['a/b', /^--collector\.queues\.shard=a\/b must be "i\/N"/],
      ['1/2/3', /^--collector\.queues\.shard=1\/2\/3 must be "i\/N"/],
      ['', /^--collector\.queues\.shard= must be "i\/N"/],
    ];
    for (const [value, message] of cases) {
      assert.throws(
        () => shardOfFlag(value),
        (error: unknown) => error instanceof ConfigError && message.test(error.message),
        `for ${JSON.stringify(value)}`,
      );
    }
  });
});

describe('the shard hash: stable, documented, evenly spread', () => {
  test('is the first 4 bytes of SHA-256, big-endian (standard test vectors: nothing per process or per run)', () => {
    // FIPS 180-2 vectors: SHA-256("abc") = ba7816bf…, SHA-256("") = e3b0c442…
    assert.equal(queueIdHash('abc'), 0xba7816bf);
    assert.equal(queueIdHash(''), 0xe3b0c442);
    assert.equal(shardOf('abc', 2), 0xba7816bf % 2);
    assert.equal(shardOf('abc', 7), 0xba7816bf % 7);
  });

  /** A deterministic stream of UUID-shaped ids (xorshift32), like the ids Genesys gives queues. */
  function uuidLikeIds(count: number, seed = 0x9e3779b9): string[] {
    let state = seed >>> 0;
    const next = (): number => {
      state ^= state << 13;
      state >>>= 0;
      state ^= state >>> 17;
      state ^= state << 5;
      state >>>= 0;
      return state;
    };
    const hex = (): string => next().toString(16).padStart(8, '0');
    return Array.from({ length: count }, () => {
      const h = hex() + hex() + hex() + hex();
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
    });
  }
  const sequentialIds = (count: number): string[] => Array.from({ length: count }, (_, i) => `queue-${String(i).padStart(5, '0')}`);

  for (const [kind, ids] of [
    ['UUID-like', uuidLikeIds(10_000)],
    ['sequential', sequentialIds(10_000)],
  ] as const) {
    // For a uniform hash a shard's size has a standard deviation of √(n·p·(1−p)): ±10 % is 10σ at N = 2 and
    // still 3.3σ at N = 10, so a failure means a skewed hash, not bad luck. (At N = 16 it would be 2.6σ:
    // some shard of some N would miss it by chance alone.)
    test(`10,000 ${kind} ids: every shard within ±10 % of its N-th share, for N = 2 … 10`, (t) => {
      assert.equal(new Set(ids).size, 10_000);
      // Each id is hashed once, not once per N (90,000 SHA-256 digests cost the lane ~0.5 s of CPU): the shard is
      // the hash modulo N, which shardOf is held to here on 200 ids for every N, so the sizes counted are
      // shardOf's.
      const hashes = ids.map(queueIdHash);
      for (let count = 2; count <= 10; count++) {
        for (const [index, id] of ids.slice(0, 200).entries()) assert.equal(shardOf(id, count), hashes[index]! % count, `shardOf(${id}, ${count})`);
        const sizes = new Array<number>(count).fill(0);
        for (const hash of hashes) sizes[hash % count]! += 1;
        const share = ids.length / count;
        t.diagnostic(`N=${count}: shard sizes ${Math.min(...sizes)} … ${Math.max(...sizes)} around ${share.toFixed(0)}`);
        for (const [index, size] of sizes.entries()) {
          assert.ok(Math.abs(size - share) <= share * 0.1, `N=${count}: shard ${index} has ${size} ids, the share is ${share.toFixed(0)}`);
        }
      }
    });
  }
});

describe('selectQueues with a shard: the shard before the cap, and the shards partition the selection', () => {
  const queues: RoutingQueue[] = Array.from({ length: 40 }, (_, i) => ({
    id: `00000000-0000-4000-a000-${String(i).padStart(12, '0')}`,
    name: `Queue ${String(i).padStart(2, '0')}`,
    division: { id: 'd', name: 'Home' },
  }));
  const all = { include: /^(?:.*)$/, exclude: undefined, divisions: [], max: 1000 };
  const ids = (result: ReturnType<typeof selectQueues>) => result.exported.map((q) => q.id);

  test('three shards: disjoint, together every queue, each exactly the queues its hash names', () => {
    const parts = [0, 1, 2].map((index) => selectQueues(queues, { ...all, shard: { index, count: 3 } }));
    for (const [index, part] of parts.entries()) {
      assert.ok(part.exported.length > 0, `shard ${index} is not empty`);
      assert.deepEqual(
        ids(part).sort(),
        queues
          .filter((q) => shardOf(q.id, 3) === index)
          .map((q) => q.id)
          .sort(),
      );
      assert.equal(part.onOtherShards, queues.length - part.exported.length);
    }
    const union = parts.flatMap(ids);
    assert.equal(new Set(union).size, union.length, 'no queue on two shards');
    assert.deepEqual([...union].sort(), queues.map((q) => q.id).sort());
  });

  test("the cap applies to the shard's own queues: each of two capped shards fills its cap with its own", () => {
    const max = 5;
    for (const index of [0, 1]) {
      const result = selectQueues(queues, { ...all, max, shard: { index, count: 2 } });
      const own = queues.filter((q) => shardOf(q.id, 2) === index);
      assert.ok(own.length > max, 'the shard has more queues than the cap');
      // First by name within the shard: a cap applied before the shard would give both replicas a part of
      // the same five names, and each fewer than five queues.
      assert.deepEqual(
        ids(result),
        own.slice(0, max).map((q) => q.id),
      );
      assert.equal(result.droppedByCap, own.length - max);
    }
  });
});

describe('two exporters (0/2 and 1/2) against one simulated org', () => {
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  let sim: SimulatorClient;
  let orgQueues: SimQueue[];
  const running = new Set<RunningExporter>();
  let single: RunningExporter;
  let shards: RunningExporter[];

  async function start(flags: readonly string[]): Promise<RunningExporter> {
    const config = parseConfig(
      simulatorArgs(simulator.url, { queues: '1s', observations: '500ms', aggregates: '500ms' }, ['--collector.aggregates.window=2h', ...flags]),
      simulatorCredentials(simulator),
    );
    const exporter = await startExporter(config, { logger: createLogger({ level: 'error', write: () => {} }), now: () => sim.nowMs });
    running.add(exporter);
    return exporter;
  }
  async function stop(exporter: RunningExporter): Promise<void> {
    running.delete(exporter);
    await exporter.close();
  }
  const scrape = async (exporter: RunningExporter): Promise<ParsedSample[]> => parseExposition((await get(`${exporter.url}/metrics`)).body);
  /** One value of a fresh scrape, for the waits: each probe fetches the whole page but parses only that metric's lines. */
  const probe = async (exporter: RunningExporter, name: string, where: Readonly<Record<string, string>> = {}): Promise<number | undefined> =>
    valueIn((await get(`${exporter.url}/metrics`)).body, name, where);
  // The collectors run every 500 ms: probing every 100 ms sees each run soon enough, at a fifth of the scrapes.
  const PROBE_MS = 100;
  const infoIds = async (exporter: RunningExporter): Promise<string[]> =>
    select(await scrape(exporter), 'genesys_queue_info')
      .map((s) => s.labels['queue_id']!)
      .sort();
  async function ready(exporter: RunningExporter): Promise<void> {
    await waitFor('/-/ready 200', async () => ((await get(`${exporter.url}/-/ready`)).status === 200 ? true : undefined), {
      timeoutMs: 60_000,
      intervalMs: 50,
    });
    await waitFor(
      'a first aggregates run',
      async () => ((await probe(exporter, 'genesys_exporter_collector_success', { collector: 'aggregates' })) === 1 ? true : undefined),
      { timeoutMs: 60_000, intervalMs: PROBE_MS },
    );
  }
  before(async () => {
    // 24 queues so both shards hold several; a busy org, so the counters have something to count.
    simulator = await startSimulator({ port: 0, seed: 23, clock: 'manual', orgSize: { queues: 24, divisions: 2, arrivalsPerMinute: 60, agents: 80 } });
    sim = new SimulatorClient(simulator.url);
    await sim.syncClock();
    orgQueues = await sim.queues();
    // All three baseline their counters at the same (frozen) simulated time, so they must agree exactly.
    [single, ...shards] = await Promise.all([start([]), start(['--collector.queues.shard=0/2']), start(['--collector.queues.shard=1/2'])]);
    await Promise.all([single, ...shards].map(ready));
  });
  after(async () => {
    for (const exporter of running) await exporter.close();
    await simulator?.close();
  });

  test('together they export every queue exactly once, each the queues its hash names; shard gauges say which', async () => {
    const [zero, one] = [await infoIds(shards[0]!), await infoIds(shards[1]!)];
    assert.ok(zero.length > 0 && one.length > 0, `both shards hold queues (${zero.length} and ${one.length})`);
    assert.deepEqual(
      zero.filter((id) => one.includes(id)),
      [],
      'no queue on both shards',
    );
    const everyQueue = orgQueues.map((q) => q.id).sort();
    assert.deepEqual([...zero, ...one].sort(), everyQueue, 'union = every queue of the org');
    assert.deepEqual(await infoIds(single), everyQueue);
    assert.deepEqual(
      zero,
      everyQueue.filter((id) => shardOf(id, 2) === 0),
    );
    for (const [index, exporter] of shards.entries()) {
      const samples = await scrape(exporter);
      assert.equal(sampleValue(samples, 'genesys_exporter_shard_index'), index);
      assert.equal(sampleValue(samples, 'genesys_exporter_shards'), 2);
      assert.equal(sampleValue(samples, 'genesys_exporter_queues'), index === 0 ? zero.length : one.length);
    }
    const whole = await scrape(single);
    assert.equal(sampleValue(whole, 'genesys_exporter_shard_index'), 0);
    assert.equal(sampleValue(whole, 'genesys_exporter_shards'), 1);
  });

  test('counters and gauges: every series on exactly one shard, equal to the single exporter; sums equal its totals', async () => {
    for (let step = 0; step < 3; step++) {
      await sim.advanceBy(40_000);
      await Promise.all([single, ...shards].map((exporter) => freshRun(exporter.url, 'aggregates')));
    }
    const [whole, ...parts] = await Promise.all([single, ...shards].map((exporter) => freshRun(exporter.url, 'observations')));
    const truth = await sim.truthNow();
    const metrics = [
      'genesys_queue_offer_total',
      'genesys_queue_answered_total',
      'genesys_queue_abandoned_total',
      'genesys_queue_sla_breach_total',
      'genesys_queue_wait_time_seconds_count',
      'genesys_queue_depth',
      'genesys_queue_interacting',
    ];
    for (const metric of metrics) {
      const key = (s: ParsedSample) => JSON.stringify(Object.entries(s.labels).sort());
      const partSeries = parts!.map((samples) => select(samples, metric));
      const byKey = new Map<string, number[]>();
      for (const series of partSeries) for (const s of series) byKey.set(key(s), [...(byKey.get(key(s)) ?? []), s.value]);
      const wholeSeries = select(whole!, metric);
      assert.ok(wholeSeries.length > 0, `${metric} has series`);
      for (const s of wholeSeries) assert.deepEqual(byKey.get(key(s)), [s.value], `${metric} ${key(s)}: on one shard, with the same value`);
      assert.equal(byKey.size, wholeSeries.length, `${metric}: the shards have no series the single exporter lacks`);
      const sum = (series: readonly ParsedSample[]) => series.reduce((total, s) => total + s.value, 0);
      assert.equal(sum(partSeries.flat()), sum(wholeSeries), `${metric}: the shards sum to the single exporter's total`);
    }
    const offered = select(whole!, 'genesys_queue_offer_total').reduce((total, s) => total + s.value, 0);
    assert.ok(offered > 0, 'contacts were offered in the window, so the comparison says something');
    // Real-time values against the simulator's ground truth, per shard.
    for (const queue of truth.queues) {
      const owner = parts[shardOf(queue.queueId, 2)]!;
      for (const media of queue.media) {
        assert.equal(sampleValue(owner, 'genesys_queue_depth', { queue_id: queue.queueId, media_type: media.mediaType }), media.waiting, `depth ${queue.name}`);
      }
    }
  });

  test('the partition is stable across a restart: the same queues come back on the same shard', async () => {
    const before = await infoIds(shards[1]!);
    await stop(shards[1]!);
    const restarted = await start(['--collector.queues.shard=1/2']);
    shards[1] = restarted;
    await ready(restarted);
    assert.deepEqual(await infoIds(restarted), before);
  });

  test('a shard that the filters leave empty is not ready, and the reason names the shard', async () => {
    // A filter matching exactly one queue: the replica of the other shard has nothing to watch.
    const [lonely] = orgQueues;
    const otherShard = 1 - shardOf(lonely!.id, 2);
    const include = lonely!.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const exporter = await start([`--collector.queues.shard=${otherShard}/2`, `--collector.queues.include=${include}`]);
    const body = await waitFor(
      '/-/ready to give the shard reason',
      async () => {
        const reply = await get(`${exporter.url}/-/ready`);
        return reply.status === 503 && /shard/.test(reply.body) ? reply.body : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 50 },
    );
    assert.equal(
      body,
      `Not ready: no queue of shard ${otherShard}/2 (--collector.queues.shard) matches the filters (include=${include}, exclude=(none), ` +
        `divisions=(all), shard=${otherShard}/2): the one matching queue hashes to another shard, whose replica exports it; ` +
        `${orgQueues.length} queues visible. Run fewer replicas or widen the filters\n`,
    );
    // /metrics is rendered after the data changes, off the request path: the gauge may follow the readiness
    // reason by one render.
    await waitFor('genesys_exporter_queues to read 0', async () => ((await probe(exporter, 'genesys_exporter_queues')) === 0 ? true : undefined), {
      timeoutMs: 10_000,
      intervalMs: PROBE_MS,
    });
    await stop(exporter);
  });
});
