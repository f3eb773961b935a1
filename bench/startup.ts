// Benchmark: start → ready and memory of a real exporter process (exporter/main.ts, default flags: default
// intervals and request budget) against a simulated org of 1,000 / 5,000 / 10,000 queues on loopback. Start
// is the spawn; ready is the first 200 from /-/ready (the queue list loaded and a first observation run
// done, every batch of it within the rate budget). RSS is read from /proc at ready and, as the peak
// (VmHWM), once every collector has published. The simulator runs on a manual clock in this process, so
// it only answers requests and its own work stays out of the exporter's numbers. Only what is started
// here is stopped: the child by its pid, the simulator by its handle.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '../simulator/index.ts';
import { formatNumber, type BenchRow } from './report.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SIZES = [1_000, 5_000, 10_000] as const;
/** Longest wait for ready or for every collector's first publish at one size. */
const TIMEOUT_MS = 240_000;
/** Measured before batches were published as they return and spread over the interval (issue 13). */
const BEFORE_SECONDS: Readonly<Record<(typeof SIZES)[number], number>> = { 1000: 6.0, 5000: 30.7, 10000: 61.3 };

interface Exporter {
  readonly child: ChildProcess;
  readonly url: Promise<string>;
  stop(): Promise<void>;
}

function spawnExporter(apiUrl: string, credentials: { clientId: string; clientSecret: string }, queues: number): Exporter {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('GENESYS')));
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'exporter/main.ts',
      `--genesys.api-url=${apiUrl}`,
      `--genesys.login-url=${apiUrl}`,
      '--web.listen-address=127.0.0.1:0',
      // The default cap (1,000) would export only the first 1,000 queues of the larger orgs.
      `--collector.queues.max=${queues}`,
    ],
    {
      cwd: ROOT,
      env: { ...env, GENESYS_CLIENT_ID: credentials.clientId, GENESYS_CLIENT_SECRET: credentials.clientSecret },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = new Promise<string>((resolve, reject) => {
    let pending = '';
    const log: string[] = [];
    child.stderr!.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        log.push(line);
        let record: { msg?: string; url?: string };
        try {
          record = JSON.parse(line) as typeof record;
        } catch {
          continue; // not a log record (a Node warning): kept in the log above
        }
        if (record.msg === 'listening' && record.url !== undefined) resolve(record.url);
      }
    });
    child.once('exit', (code) => reject(new Error(`startup bench: the exporter exited with ${code} before listening:\n${log.slice(-20).join('\n')}`)));
  });
  url.catch(() => undefined);
  return {
    child,
    url,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(kill);
    },
  };
}

/** VmRSS and VmHWM of a process, in bytes (Linux /proc). */
async function memoryOf(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  return { rss: kib('VmRSS'), peak: kib('VmHWM') };
}

async function poll<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = performance.now() + TIMEOUT_MS;
  while (performance.now() < deadline) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`startup bench: no ${what} within ${TIMEOUT_MS / 1000} s`);
}

/** Whether every collector serves data: its data-age gauge is on /metrics. */
async function everyCollectorPublished(url: string): Promise<true | undefined> {
  const body = await (await fetch(`${url}/metrics`)).text();
  const published = ['queues', 'observations', 'aggregates'].every((c) => body.includes(`genesys_exporter_collector_data_age_seconds{collector="${c}"}`));
  return published ? true : undefined;
}

async function measureSize(queues: (typeof SIZES)[number]): Promise<BenchRow> {
  const simulator = await startSimulator({ port: 0, seed: 13, clock: 'manual', orgSize: { queues, divisions: 4, arrivalsPerMinute: queues / 2 } });
  let exporter: Exporter | undefined;
  try {
    const started = performance.now();
    exporter = spawnExporter(simulator.url, simulator, queues);
    const url = await exporter.url;
    const listeningSeconds = (performance.now() - started) / 1000;
    await poll('ready', async () => ((await fetch(`${url}/-/ready`)).status === 200 ? true : undefined));
    const readySeconds = (performance.now() - started) / 1000;
    const atReady = await memoryOf(exporter.child.pid!);
    await poll('publish from every collector', () => everyCollectorPublished(url));
    // The workload is what the row says: every queue of the org exported (not the default cap's 1,000).
    const exported = await poll('the exported queue count', async () => {
      const count = Number(/^genesys_exporter_queues (\S+)$/m.exec(await (await fetch(`${url}/metrics`)).text())?.[1]);
      return Number.isFinite(count) ? count : undefined;
    });
    if (exported !== queues) throw new Error(`startup bench: the exporter exports ${exported} queues, not the org's ${queues}`);
    const allSeconds = (performance.now() - started) / 1000;
    const afterAll = await memoryOf(exporter.child.pid!);
    const mib = (bytes: number): string => `${formatNumber(bytes / 1_048_576)} MiB`;
    return {
      benchmark: 'exporter start → ready, RSS',
      workload: `${formatNumber(queues)} queues (simulated org on loopback), default intervals and budget, --collector.queues.max=${queues}`,
      result: `ready in ${formatNumber(readySeconds)} s (listening after ${formatNumber(listeningSeconds)} s); RSS ${mib(atReady.rss)} at ready, peak ${mib(afterAll.peak)}`,
      reference: `before: ready in ${formatNumber(BEFORE_SECONDS[queues])} s`,
      verdict: { kind: 'baseline' },
      details: [
        `startup ${formatNumber(queues)} queues: listening ${formatNumber(listeningSeconds)} s after spawn (Node, tsx, modules), ready ${formatNumber(readySeconds)} s, every collector (queue list, observations, aggregates) published after ${formatNumber(allSeconds)} s; RSS ${mib(atReady.rss)} at ready, ${mib(afterAll.rss)} then, peak ${mib(afterAll.peak)} (one sample: a start at 10,000 queues takes a minute)`,
      ],
    };
  } finally {
    await exporter?.stop();
    await simulator.close();
  }
}

export async function startupBenchmark(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const queues of SIZES) rows.push(await measureSize(queues));
  return rows;
}
