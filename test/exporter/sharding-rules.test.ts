// The shipped rules over sharded exporters, judged by the real promtool: the queue alerts' expressions
// (and the recording rules under them) give the SAME result, with the same labels and values, whether
// four queues come from one exporter or from two shards (0/2, 1/2) of two queues each: nothing is counted
// twice and no result depends on which instance a queue is on. The exporter-health alerts stay per
// instance: one shard down or empty fires for that shard alone.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { dump, load } from 'js-yaml';
import { needsPrometheusTools, runTool } from '../support/prometheus-tools.ts';
import { WAIT_TIME_BUCKETS_SECONDS } from '../../metrics/catalog.ts';

const OUT = resolve(import.meta.dirname, '../../out/prometheus');
const RULE_FILES = [join(OUT, 'recording_rules.yaml'), join(OUT, 'alerting_rules.yaml')];
const JOB = 'genesys-cloud-exporter';
const CLUSTER = 'prod';

interface RuleFile {
  readonly groups: readonly { readonly name: string; readonly rules: readonly { alert?: string; record?: string; expr: string }[] }[];
}

/** Four queues; `shard` is where each lives when the org is split over two exporters. */
const QUEUES = [
  { id: 'q-a', name: 'Sales', shard: 0, depth: 60, idle: 0, breachesPerMin: 1, slowWaits: true },
  { id: 'q-b', name: 'Billing', shard: 0, depth: 10, idle: 2, breachesPerMin: 0, slowWaits: false },
  { id: 'q-c', name: 'Support', shard: 1, depth: 70, idle: 0, breachesPerMin: 1, slowWaits: true },
  { id: 'q-d', name: 'Claims', shard: 1, depth: 0, idle: 3, breachesPerMin: 0, slowWaits: false },
] as const;
const BUCKETS = [...WAIT_TIME_BUCKETS_SECONDS.map(String), '+Inf'];

type Layout = 'one exporter' | 'two shards';
const instanceOf = (layout: Layout, shard: number): string => (layout === 'one exporter' ? 'exporter:9813' : `exporter-${shard}:9813`);

function labels(set: Record<string, string>): string {
  return `{${Object.entries(set)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ')}}`;
}

/** Every queue series an exporter serves for the queue alerts, over 30 minutes at 1 m steps. */
function queueSeries(layout: Layout): { series: string; values: string }[] {
  const out: { series: string; values: string }[] = [];
  for (const q of QUEUES) {
    const base = { job: JOB, cluster: CLUSTER, instance: instanceOf(layout, q.shard), queue_id: q.id, queue_name: q.name };
    const media = { ...base, media_type: 'voice' };
    out.push({ series: `genesys_queue_depth${labels(media)}`, values: `${q.depth}x30` });
    out.push({ series: `genesys_queue_agents${labels({ ...base, routing_status: 'idle' })}`, values: `${q.idle}x30` });
    out.push({ series: `genesys_queue_offer_total${labels(media)}`, values: '0+2x30' });
    out.push({ series: `genesys_queue_sla_breach_total${labels(media)}`, values: `0+${q.breachesPerMin}x30` });
    out.push({ series: `genesys_queue_sla_target_ratio${labels(media)}`, values: '0.8x30' });
    // A 20 s target; whoever waits has waited 90 s (past it), so the per-media agent alert applies.
    out.push({ series: `genesys_queue_sla_target_seconds${labels(media)}`, values: '20x30' });
    out.push({ series: `genesys_queue_longest_wait_seconds${labels(media)}`, values: `${q.depth > 0 ? 90 : 0}x30` });
    // One wait per minute: slow queues' waits fall between 120 s and 300 s, the others' under 10 s.
    for (const le of BUCKETS) {
      const counts = !q.slowWaits || Number(le) >= 300 || le === '+Inf' ? '0+1x30' : '0x30';
      out.push({ series: `genesys_queue_wait_time_seconds_bucket${labels({ ...media, le })}`, values: counts });
    }
  }
  return out;
}

const queueKey = (q: (typeof QUEUES)[number]) => ({ cluster: CLUSTER, job: JOB, queue_id: q.id, queue_name: q.name });

describe('shipped rules over two shards: the same answers as over one exporter', needsPrometheusTools, () => {
  let scratch: string;
  let exprs: Map<string, string>;

  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'sharding-rules-'));
    const files = await Promise.all(RULE_FILES.map(async (path) => load(await readFile(path, 'utf8')) as RuleFile));
    exprs = new Map(files.flatMap((file) => file.groups.flatMap((group) => group.rules.map((rule) => [rule.alert ?? rule.record ?? '', rule.expr] as const))));
  });
  after(async () => {
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  });

  const expr = (name: string): string => {
    const found = exprs.get(name);
    assert.ok(found !== undefined, `${name} is in out/prometheus (run npm run generate)`);
    return found;
  };

  function queueTest(layout: Layout) {
    const slow = QUEUES.filter((q) => q.slowWaits);
    return {
      interval: '1m',
      input_series: queueSeries(layout),
      promql_expr_test: [
        // Per queue, never doubled: 60 and 70 waiting, not 130 and not one series per instance.
        {
          expr: expr('QueueDepthCritical'),
          eval_time: '20m',
          exp_samples: QUEUES.filter((q) => q.depth > 50).map((q) => ({ labels: labels(queueKey(q)), value: q.depth })),
        },
        {
          expr: expr('QueueNoAvailableAgents'),
          eval_time: '20m',
          exp_samples: QUEUES.filter((q) => q.depth >= 1 && q.idle === 0).map((q) => ({
            labels: labels({ ...queueKey(q), media_type: 'voice' }),
            value: q.depth,
          })),
        },
        // 2 offers a minute: 30 in 15 minutes per queue, whichever instance counted them.
        {
          expr: expr('queue_name_media_type:genesys_queue_offer:increase15m'),
          eval_time: '20m',
          exp_samples: QUEUES.map((q) => ({ labels: labels({ ...queueKey(q), media_type: 'voice' }), value: 30 })),
        },
        // Half the offers breached on the slow queues: 0.5 compliance against a 0.8 target.
        {
          expr: expr('QueueSlaBelowTarget'),
          eval_time: '20m',
          exp_samples: slow.map((q) => ({ labels: labels({ ...queueKey(q), media_type: 'voice' }), value: 0.5 })),
        },
        // p95 of waits spread evenly in (120 s, 300 s]: 120 + 0.95 × 180 = 291 s (rounded to tenths for float noise),
        // over twice the 20 s target.
        {
          expr: `round((${expr('WaitTimeDegradation')}) * 10)`,
          eval_time: '20m',
          exp_samples: slow.map((q) => ({ labels: labels({ ...queueKey(q), media_type: 'voice' }), value: 2910 })),
        },
      ],
    };
  }

  /** Shard 1 stops answering at 10 m; shard 0 is up but its filters leave it nothing to watch. */
  const healthTest = () => ({
    interval: '1m',
    input_series: [
      { series: `up${labels({ job: JOB, cluster: CLUSTER, instance: 'exporter-0:9813' })}`, values: '1x30' },
      { series: `up${labels({ job: JOB, cluster: CLUSTER, instance: 'exporter-1:9813' })}`, values: '1x10 0x20' },
      { series: `genesys_exporter_queues${labels({ job: JOB, cluster: CLUSTER, instance: 'exporter-0:9813' })}`, values: '0x30' },
      { series: `genesys_exporter_queues${labels({ job: JOB, cluster: CLUSTER, instance: 'exporter-1:9813' })}`, values: '2x10' },
    ],
    promql_expr_test: [
      {
        expr: expr('GenesysExporterDown'),
        eval_time: '20m',
        exp_samples: [{ labels: labels({ __name__: 'up', cluster: CLUSTER, instance: 'exporter-1:9813', job: JOB }), value: 0 }],
      },
      { expr: expr('GenesysExporterAbsent'), eval_time: '20m', exp_samples: [] },
      {
        expr: expr('GenesysExporterNoQueues'),
        eval_time: '20m',
        exp_samples: [{ labels: labels({ cluster: CLUSTER, instance: 'exporter-0:9813', job: JOB }), value: 0 }],
      },
    ],
  });

  async function promtoolTest(name: string, tests: readonly unknown[]): Promise<void> {
    const path = join(scratch, `${name}.yaml`);
    await writeFile(path, dump({ rule_files: RULE_FILES, evaluation_interval: '1m', tests }, { lineWidth: -1 }));
    const result = await runTool('promtool', ['test', 'rules', path]);
    assert.equal(result.code, 0, result.output);
  }

  test('queue alerts and recording rules: one exporter with four queues', () => promtoolTest('one', [queueTest('one exporter')]));
  test('queue alerts and recording rules: the same four queues over shards 0/2 and 1/2 give the identical result', () =>
    promtoolTest('two', [queueTest('two shards')]));
  test('exporter down and no queues fire for the one shard concerned, not for the job', () => promtoolTest('health', [healthTest()]));
});

/** The shard-set checks the README's sharding section gives, as it gives them: [comment, expression] pairs. */
async function readmeShardChecks(): Promise<[string, string][]> {
  const readme = await readFile(resolve(import.meta.dirname, '../../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Sharding: past one exporter'));
  const block = /```promql\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(block !== undefined, 'the README sharding section has a promql block');
  const lines = block.trim().split('\n');
  const pairs: [string, string][] = [];
  for (let i = 0; i < lines.length; i += 2) pairs.push([lines[i]!.replace(/^# /, ''), lines[i + 1]!]);
  return pairs;
}

describe("the README's shard-set checks (promtool)", needsPrometheusTools, () => {
  let scratch: string;
  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'sharding-checks-'));
  });
  after(async () => {
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  });

  test('missing shard, doubled shard and disagreeing N are each found, in their cluster only', async () => {
    const checks = await readmeShardChecks();
    assert.equal(checks.length, 3);
    const replica = (cluster: string, instance: string, index: number, count: number) => [
      { series: `genesys_exporter_shard_index${labels({ job: JOB, cluster, instance })}`, values: `${index}x5` },
      { series: `genesys_exporter_shards${labels({ job: JOB, cluster, instance })}`, values: `${count}x5` },
    ];
    const input_series = [
      // prod: 0/3, 2/3 and 2/3 again: shard 1 has no replica, shard 2 has two.
      ...replica('prod', 'a', 0, 3),
      ...replica('prod', 'b', 2, 3),
      ...replica('prod', 'c', 2, 3),
      // staging: 0/2 and 1/3, half-way through a change of N.
      ...replica('staging', 'd', 0, 2),
      ...replica('staging', 'e', 1, 3),
      // dev: one unsharded exporter, and prod's healthy twin: 0/2 and 1/2.
      ...replica('dev', 'f', 0, 1),
      ...replica('eu', 'g', 0, 2),
      ...replica('eu', 'h', 1, 2),
    ];
    const key = (cluster: string) => labels({ cluster, job: JOB });
    // Distinct indexes vs N: prod has 2 of 3, staging 2 of 3 (its max N). Doubled: prod's shard 2, twice.
    // Disagreeing N: staging's 2 and 3.
    const expected = [
      [
        { labels: key('prod'), value: 2 },
        { labels: key('staging'), value: 2 },
      ],
      [{ labels: key('prod'), value: 2 }],
      [{ labels: key('staging'), value: 2 }],
    ];
    const path = join(scratch, 'checks.yaml');
    const promql_expr_test = checks.map(([, expr], i) => ({ expr, eval_time: '3m', exp_samples: expected[i] }));
    await writeFile(path, dump({ rule_files: [], evaluation_interval: '1m', tests: [{ interval: '1m', input_series, promql_expr_test }] }, { lineWidth: -1 }));
    const result = await runTool('promtool', ['test', 'rules', path]);
    assert.equal(result.code, 0, `${checks.map(([what]) => what).join(' / ')}\n${result.output}`);
  });
});
