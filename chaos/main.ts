// `npm run chaos`: the slow fault scenarios `npm test` cannot afford — minutes-long 429 storms and login
// outages, a 10,000-queue campaign churn (memory), and SIGTERM under a slow API — each against a real
// exporter process (exporter/main.ts, as `npm start` runs it) and a simulator in this process, started
// here on free ports and stopped here. Prints one table: fault, expected behaviour, observed, pass/fail.
// Every wait has a time limit and the run a hard one (20 min), so it ends by itself (~13 min).
//
//   npm run chaos [-- --only storm,login,churn,shutdown,slow]
import { readFileSync } from 'node:fs';
import { startSimulator, type SimulatorHandle } from '../simulator/index.ts';
import { SimulatorClient } from '../stack/simulator-client.ts';
import { spawnExporter, type ExporterProcess } from '../test/support/exporter-process.ts';
import { parseExposition, sampleValue } from '../test/support/exposition.ts';
import type { MetricName } from '../metrics/catalog.ts';

interface Row {
  readonly fault: string;
  readonly expected: string;
  observed: string;
  pass: boolean;
}

interface Rig {
  readonly simulator: SimulatorHandle;
  readonly sim: SimulatorClient;
  readonly exporter: ExporterProcess;
  readonly url: string;
  metric(name: MetricName, labels?: Record<string, string>): Promise<number | undefined>;
  rssMb(): number;
  close(): Promise<void>;
}

/** Exporter processes this run started and has not stopped: killed if the hard time limit strikes. */
const running = new Set<ExporterProcess>();

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function startRig(options: { queues?: number; tokenLifetimeSeconds?: number; args?: readonly string[] } = {}): Promise<Rig> {
  const simulator = await startSimulator({
    port: 0,
    seed: 99,
    orgSize: { queues: options.queues ?? 8, divisions: 2, arrivalsPerMinute: 5 },
    ...(options.tokenLifetimeSeconds === undefined ? {} : { tokenLifetimeSeconds: options.tokenLifetimeSeconds }),
  });
  const exporter = spawnExporter(
    [
      `--genesys.api-url=${simulator.url}`,
      `--genesys.login-url=${simulator.url}`,
      '--web.listen-address=127.0.0.1:0',
      '--collector.queues.refresh-interval=5s',
      '--collector.observations.interval=5s',
      '--collector.aggregates.interval=5s',
      ...(options.args ?? []),
    ],
    { GENESYS_CLIENT_ID: simulator.clientId, GENESYS_CLIENT_SECRET: simulator.clientSecret },
  );
  running.add(exporter);
  void exporter.child.once('exit', () => running.delete(exporter));
  let url: string;
  try {
    url = await exporter.url();
  } catch (error) {
    await exporter.stop();
    await simulator.close();
    throw error;
  }
  const metric = async (name: MetricName, labels: Record<string, string> = {}): Promise<number | undefined> => {
    const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) });
    return sampleValue(parseExposition(await response.text()), name, labels);
  };
  return {
    simulator,
    sim: new SimulatorClient(simulator.url),
    exporter,
    url,
    metric,
    rssMb: () => {
      const status = readFileSync(`/proc/${exporter.child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) / 1024;
    },
    async close() {
      await exporter.stop();
      await simulator.close();
    },
  };
}

/** Polls until `check` is true or `limitMs` passes; the elapsed ms, or undefined on timeout. */
async function secondsUntil(check: () => Promise<boolean>, limitMs: number): Promise<number | undefined> {
  const started = performance.now();
  while (performance.now() - started < limitMs) {
    if (await check().catch(() => false)) return (performance.now() - started) / 1000;
    await sleep(250);
  }
  return undefined;
}

const up = (rig: Rig, value: number) => async (): Promise<boolean> => (await rig.metric('genesys_up')) === value;
const ready = (rig: Rig) => async (): Promise<boolean> => (await fetch(`${rig.url}/-/ready`)).status === 200;
const fmt = (seconds: number | undefined): string => (seconds === undefined ? 'never' : `${seconds.toFixed(1)} s`);

async function apiLog(rig: Rig, sinceMs: number): Promise<{ at: number; endpoint: string | null; status: number | null }[]> {
  const { requests } = await rig.sim.requests();
  return requests.map((r) => ({ at: Date.parse(r.time), endpoint: r.endpoint, status: r.status })).filter((r) => r.at >= sinceMs);
}

// A 2-minute storm, Retry-After 10 s: the exporter must say so at once, send nothing inside each window,
// and come back by itself without a burst.
async function storm(rows: Row[]): Promise<void> {
  const rig = await startRig();
  try {
    await secondsUntil(ready(rig), 60_000);
    const retryAfter = 10;
    const stormMs = 120_000;
    const startedAt = Date.now();
    await rig.sim.startFault({ fault: 'rate-limit-storm', retryAfterSeconds: retryAfter, durationSeconds: stormMs / 1000 });
    const down = await secondsUntil(up(rig, 0), 30_000);
    rows.push({
      fault: '429 storm (2 min, Retry-After 10 s)',
      expected: 'genesys_up 0 within 15 s',
      observed: `genesys_up 0 after ${fmt(down)}`,
      pass: down !== undefined && down < 15,
    });
    await sleep(Math.max(0, startedAt + stormMs - Date.now()));
    const log = (await apiLog(rig, startedAt)).filter((r) => r.endpoint !== 'oauth_token' && r.at < startedAt + stormMs);
    const limited = log.filter((r) => r.status === 429);
    // Each 429 opens a 10 s window in which no other API request may arrive (0.5 s of slack for requests in flight).
    const inside = log.filter((r) => limited.some((l) => r.at > l.at + 500 && r.at < l.at + retryAfter * 1000 - 500)).length;
    rows.push({
      fault: '429 storm (2 min, Retry-After 10 s)',
      expected: 'no request inside a Retry-After window',
      observed: `${log.length} requests in 120 s (${limited.length} answered 429), ${inside} inside a window`,
      pass: inside === 0,
    });
    const endedAt = Date.now();
    const back = await secondsUntil(up(rig, 1), 60_000);
    const burst = (await apiLog(rig, endedAt)).filter((r) => r.endpoint !== 'oauth_token' && r.at < endedAt + 10_000).length;
    rows.push({
      fault: '429 storm ends',
      expected: 'genesys_up 1 within 30 s, no burst (≤ 40 requests in 10 s)',
      observed: `genesys_up 1 after ${fmt(back)}, ${burst} requests in the first 10 s`,
      pass: back !== undefined && back < 30 && burst <= 40,
    });
  } finally {
    await rig.close();
  }
}

// A 2-minute login outage with 60 s tokens: the circuit opens, login calls stay few, health tells the
// truth once the token expires, and it recovers without a restart.
async function loginOutage(rows: Row[]): Promise<void> {
  const rig = await startRig({ tokenLifetimeSeconds: 60 });
  try {
    await secondsUntil(ready(rig), 60_000);
    const outageMs = 120_000;
    const startedAt = Date.now();
    await rig.sim.startFault({ fault: 'login-5xx', durationSeconds: outageMs / 1000 });
    // Both measured from the start of the outage: the circuit opens at the background refresh (80 % of the
    // token's life), genesys_up goes 0 when the token stops being usable (~55 s).
    const [circuit, down] = await Promise.all([
      secondsUntil(async () => (await rig.metric('genesys_exporter_login_circuit_open')) === 1, outageMs),
      secondsUntil(up(rig, 0), outageMs),
    ]);
    await sleep(Math.max(0, startedAt + outageMs - Date.now()));
    const logins = (await apiLog(rig, startedAt)).filter((r) => r.endpoint === 'oauth_token' && r.at < startedAt + outageMs).length;
    rows.push({
      fault: 'login outage (2 min, 503, 60 s tokens)',
      expected: 'circuit opens, ≤ 20 login calls, genesys_up 0 once the token expires (not before ~45 s)',
      observed: `circuit open after ${fmt(circuit)}, ${logins} login calls, genesys_up 0 after ${fmt(down)}`,
      pass: circuit !== undefined && logins <= 20 && down !== undefined && down > 45,
    });
    const back = await secondsUntil(up(rig, 1), 120_000);
    const closed = (await rig.metric('genesys_exporter_login_circuit_open')) === 0;
    rows.push({
      fault: 'login outage ends',
      expected: 'genesys_up 1 and circuit closed within 2 min, no restart',
      observed: `genesys_up 1 after ${fmt(back)}, circuit ${closed ? 'closed' : 'still open'}`,
      pass: back !== undefined && closed,
    });
  } finally {
    await rig.close();
  }
}

// 10,000 campaign queues created and deleted in waves of 1,000 (each lives 40 s): memory must level off.
async function churn(rows: Row[]): Promise<void> {
  const rig = await startRig({
    args: [
      '--collector.queues.max=2000',
      '--collector.queues.refresh-interval=10s',
      '--collector.observations.interval=10s',
      '--collector.aggregates.interval=30s',
    ],
  });
  try {
    await secondsUntil(ready(rig), 60_000);
    const baseline = rig.rssMb();
    const waves = 10;
    const everySeconds = 20;
    const scenario = await rig.sim.startScenario({ scenario: 'campaign', queues: 1000, lifetimeSeconds: 40, everySeconds, arrivalsPerMinute: 0.2 });
    const samples: number[] = [];
    const started = Date.now();
    while (Date.now() - started < waves * everySeconds * 1000) {
      await sleep(5_000);
      samples.push(rig.rssMb());
    }
    await rig.sim.stopScenario(scenario.id);
    await sleep(30_000); // the catalog notices the deletions; series and ledgers of deleted queues go
    const after = rig.rssMb();
    const peak = Math.max(...samples);
    const firstHalf = Math.max(...samples.slice(0, Math.floor(samples.length / 2)));
    const secondHalf = Math.max(...samples.slice(Math.floor(samples.length / 2)));
    const queues = await rig.metric('genesys_exporter_queues');
    rows.push({
      fault: 'campaign churn: 10,000 queues in 10 waves',
      expected: 'RSS levels off (2nd-half peak ≤ 1.3 × 1st-half peak), peak < 512 MB, queue count back to the org',
      observed: `RSS ${baseline.toFixed(0)} MB before, peak ${peak.toFixed(0)} MB (halves ${firstHalf.toFixed(0)}/${secondHalf.toFixed(0)}), ${after.toFixed(0)} MB after; ${queues} queues exported after`,
      pass: secondHalf <= firstHalf * 1.3 && peak < 512 && queues === 8,
    });
  } finally {
    await rig.close();
  }
}

// SIGTERM while every API call hangs for a minute: exit within a few seconds, nothing sent after it.
async function shutdown(rows: Row[]): Promise<void> {
  const rig = await startRig();
  try {
    await secondsUntil(ready(rig), 60_000);
    await rig.sim.startFault({ fault: 'slow', delayMs: 60_000 });
    await secondsUntil(async () => (await apiLog(rig, 0)).some((r) => r.status === null), 30_000);
    const signalledAt = Date.now();
    const code = await rig.exporter.stop();
    const exitSeconds = (Date.now() - signalledAt) / 1000;
    await sleep(2_000);
    const late = (await apiLog(rig, signalledAt + 100)).length;
    rows.push({
      fault: 'SIGTERM under a slow API (60 s per call)',
      expected: 'exit 0 within 5 s, no request after SIGTERM',
      observed: `exit ${code} after ${exitSeconds.toFixed(2)} s, ${late} requests after`,
      pass: code === 0 && exitSeconds < 5 && late === 0,
    });
  } finally {
    await rig.simulator.close();
  }
}

// Every call slower than the request timeout for a minute: health says so, /metrics still answers fast.
async function slowApi(rows: Row[]): Promise<void> {
  const rig = await startRig({ args: ['--genesys.request-timeout=5s'] });
  try {
    await secondsUntil(ready(rig), 60_000);
    await rig.sim.startFault({ fault: 'slow', delayMs: 8_000, durationSeconds: 60 });
    const down = await secondsUntil(up(rig, 0), 60_000);
    let slowest = 0;
    for (let i = 0; i < 10; i += 1) {
      const started = performance.now();
      await fetch(`${rig.url}/metrics`);
      slowest = Math.max(slowest, performance.now() - started);
      await sleep(1_000);
    }
    rows.push({
      fault: 'slow API (8 s per call, timeout 5 s)',
      expected: 'genesys_up 0 within 60 s, /metrics answers in < 1 s',
      observed: `genesys_up 0 after ${fmt(down)}, slowest /metrics ${slowest.toFixed(0)} ms`,
      pass: down !== undefined && slowest < 1_000,
    });
    await rig.sim.clearFaults();
    const back = await secondsUntil(up(rig, 1), 90_000);
    rows.push({ fault: 'slow API ends', expected: 'genesys_up 1 within 90 s', observed: `after ${fmt(back)}`, pass: back !== undefined });
  } finally {
    await rig.close();
  }
}

const SCENARIOS: Record<string, (rows: Row[]) => Promise<void>> = { shutdown, slow: slowApi, storm, login: loginOutage, churn };

function printTable(rows: readonly Row[]): void {
  const header = ['fault', 'expected', 'observed', 'result'];
  const cells = rows.map((r) => [r.fault, r.expected, r.observed, r.pass ? 'PASS' : 'FAIL']);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (values: readonly string[]): string => `| ${values.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  process.stdout.write(`${line(header)}\n| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |\n${cells.map(line).join('\n')}\n`);
}

async function main(): Promise<void> {
  const onlyIndex = process.argv.indexOf('--only');
  const only = onlyIndex < 0 ? Object.keys(SCENARIOS) : (process.argv[onlyIndex + 1] ?? '').split(',');
  const unknown = only.filter((name) => !(name in SCENARIOS));
  if (unknown.length > 0) {
    process.stderr.write(`chaos: unknown scenario ${unknown.join(', ')}; choose from ${Object.keys(SCENARIOS).join(', ')}\n`);
    process.exitCode = 2;
    return;
  }
  const rows: Row[] = [];
  for (const name of only) {
    process.stderr.write(`chaos: ${name}…\n`);
    try {
      await SCENARIOS[name]!(rows);
    } catch (error) {
      rows.push({
        fault: name,
        expected: 'runs',
        observed: `scenario failed: ${error instanceof Error ? error.message : String(error)}`.slice(0, 200),
        pass: false,
      });
    }
  }
  printTable(rows);
  process.exitCode = rows.every((r) => r.pass) ? 0 : 1;
}

// A hard stop, so the run ends by itself whatever hangs (children are stopped by their rigs first).
const HARD_LIMIT_MS = 20 * 60_000;
setTimeout(() => {
  process.stderr.write('chaos: hard time limit reached\n');
  for (const exporter of running) exporter.child.kill('SIGKILL');
  process.exit(1);
}, HARD_LIMIT_MS).unref();

await main();
