// The exporter process's threading (exporter/serving/): the HTTP server on the main thread serves the
// bodies the collector thread posts. Real loopback HTTP against a real simulator; the collector thread is a
// real Worker, faults are injected into it from the test (support/collector-faults.ts).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startExporter, type RunningExporter } from '../../exporter/app.ts';
import { parseConfig } from '../../exporter/config.ts';
import { createLogger } from '../../exporter/log.ts';
import { startThreadedExporter, type ThreadedExporter } from '../../exporter/serving/threaded-exporter.ts';
import { startSimulator } from '../../simulator/index.ts';
import { waitFor } from '../../stack/wait-for.ts';
import { get } from '../support/http-client.ts';
import { simulatorArgs, simulatorCredentials } from '../support/simulator-target.ts';
import { COLLECTOR_FAULT_REPLIES, COLLECTOR_FAULTS, type CollectorFault, INJECTED_CRASH, releaseBlock } from './support/collector-faults.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FAULTS = new URL('./support/collector-faults.ts', import.meta.url).href;
/**
 * A child process: the exporter process as main.ts runs it (runExporterProcess), with the fault injector in
 * its collector thread; once the exporter has started, the collector thread is made to crash.
 */
const CRASHING_EXPORTER = `
import { BroadcastChannel } from 'node:worker_threads';
import { runExporterProcess } from ${JSON.stringify(new URL('../../exporter/serving/exporter-process.ts', import.meta.url).href)};
await runExporterProcess(process.argv.slice(1), { launchedBy: process.ppid, collectorImports: [${JSON.stringify(FAULTS)}] });
if (process.exitCode === undefined) {
  const faults = new BroadcastChannel(${JSON.stringify(COLLECTOR_FAULTS)});
  faults.postMessage({ type: 'crash' });
  faults.close();
}`;
const POLLING = { queues: '5m', observations: '500ms', aggregates: '2s' };
/** The longest the collector thread is held busy, should the test not release it: far longer than a health
 * check or a scrape of a held body. The test releases it as soon as it has its answers. */
const BLOCK_MS = 30_000;

function scrape(url: string, acceptEncoding: string | undefined): Promise<{ status: number; encoding: string | undefined; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const encoding = res.headers['content-encoding'];
        resolve({ status: res.statusCode ?? 0, encoding, text: (encoding === 'gzip' ? gunzipSync(body) : body).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const queueInfo = (text: string): string[] =>
  text
    .split('\n')
    .filter((line) => line.startsWith('genesys_queue_info{'))
    .sort();

// The two suites have nothing in common (the second's exporter is a process of its own): they run at once.
describe('the exporter on two threads', { concurrency: true }, () => {
  describe('threaded exporter: server on the main thread, collectors on the collector thread', () => {
    let simulator: Awaited<ReturnType<typeof startSimulator>>;
    let threaded: ThreadedExporter;
    const collectorLog: string[] = [];
    const fatal: Error[] = [];

    before(async () => {
      simulator = await startSimulator({ port: 0, seed: 11, orgSize: { queues: 8, divisions: 2, arrivalsPerMinute: 60, agents: 30 } });
      threaded = await startThreadedExporter(simulatorArgs(simulator.url, POLLING), {
        logger: createLogger({ write: () => {} }),
        env: { ...process.env, ...simulatorCredentials(simulator) },
        writeCollectorLog: (line) => collectorLog.push(line),
        collectorImports: [FAULTS],
        onFatal: (error) => fatal.push(error),
      });
      await waitFor('/-/ready 200', async () => ((await get(`${threaded.url}/-/ready`)).status === 200 ? true : undefined), { timeoutMs: 60_000 });
    });
    after(async () => {
      await threaded?.close();
      await simulator?.close();
    });

    test('serves /metrics plain and gzip, the same queues as the in-process exporter on the same org; collector logs arrive as JSON lines', async () => {
      const plain = await waitFor('queue series', async () => {
        const reply = await scrape(`${threaded.url}/metrics`, undefined);
        return /^genesys_queue_depth\{/m.test(reply.text) ? reply : undefined;
      });
      assert.equal(plain.status, 200);
      assert.equal(plain.encoding, undefined);
      const gzip = await scrape(`${threaded.url}/metrics`, 'gzip');
      assert.equal(gzip.status, 200);
      assert.equal(gzip.encoding, 'gzip');
      assert.match(gzip.text, /^genesys_queue_depth\{/m);
      assert.match(gzip.text, /^process_cpu_seconds_total /m, 'the instrument part follows the snapshot part');
      assert.ok(queueInfo(plain.text).length > 0);
      assert.deepEqual(queueInfo(gzip.text), queueInfo(plain.text));

      // The in-process composition (tests' startExporter) on the same simulated org serves the same queues.
      const config = parseConfig(simulatorArgs(simulator.url, POLLING), simulatorCredentials(simulator));
      const inProcess: RunningExporter = await startExporter(config, { logger: createLogger({ write: () => {} }) });
      try {
        const reference = await waitFor('in-process queue series', async () => {
          const reply = await scrape(`${inProcess.url}/metrics`, 'gzip');
          return /^genesys_queue_depth\{/m.test(reply.text) ? reply : undefined;
        });
        assert.deepEqual(queueInfo(gzip.text), queueInfo(reference.text));
      } finally {
        await inProcess.close();
      }

      const records = collectorLog.map((line) => JSON.parse(line) as { level: string; msg: string });
      assert.ok(
        records.some((record) => record.msg === 'obtained access token'),
        'the collector thread logs its login',
      );
      assert.ok(!collectorLog.some((line) => line.includes(simulator.clientSecret)), 'no secret in a log line');
    });

    test('while the collector thread is busy, /-/healthy, /-/ready and /metrics (the last body) still answer', async () => {
      await scrape(`${threaded.url}/metrics`, 'gzip'); // the gzip body is held
      const replies = new BroadcastChannel(COLLECTOR_FAULT_REPLIES);
      const release = new SharedArrayBuffer(4);
      try {
        const blocked = new Promise<number>((resolve) => {
          replies.onmessage = (event) => resolve((event as MessageEvent<{ blockedUntil: number }>).data.blockedUntil);
        });
        const faults = new BroadcastChannel(COLLECTOR_FAULTS);
        faults.postMessage({ type: 'block', ms: BLOCK_MS, release } satisfies CollectorFault);
        faults.close();
        const until = await blocked;

        const health = await get(`${threaded.url}/-/healthy`);
        const ready = await get(`${threaded.url}/-/ready`);
        const metrics = await scrape(`${threaded.url}/metrics`, 'gzip');
        const answeredAt = Date.now();
        releaseBlock(release);
        assert.equal(health.status, 200);
        assert.equal(ready.status, 200);
        assert.equal(metrics.status, 200);
        assert.match(metrics.text, /^genesys_queue_depth\{/m);
        // Answered by a thread the busy loop does not hold: before the loop ended (it ends when released, after these answers, or at `until`).
        assert.ok(answeredAt < until, `answered ${answeredAt - until} ms after the collector thread was free again`);
      } finally {
        releaseBlock(release);
        replies.close();
      }
      assert.deepEqual(fatal, []);
    });
  });

  describe('exporter process: a collector thread that fails ends the process', () => {
    test('an uncaught error on the collector thread after startup: a log line naming it, exit code 1', async () => {
      const simulator = await startSimulator({ port: 0, seed: 5, orgSize: { queues: 3, divisions: 1, arrivalsPerMinute: 30, agents: 6 } });
      try {
        const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('GENESYS')));
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', '--input-type=module', '-e', CRASHING_EXPORTER, '--', ...simulatorArgs(simulator.url, POLLING)],
          {
            cwd: ROOT,
            env: { ...cleanEnv, ...simulatorCredentials(simulator) },
            stdio: ['ignore', 'ignore', 'pipe'],
          },
        );
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
        const kill = setTimeout(() => child.kill('SIGKILL'), 60_000);
        const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
        clearTimeout(kill);
        const records = stderr
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => JSON.parse(line) as { level: string; msg: string; error?: string });
        assert.equal(code, 1, stderr);
        const started = records.findIndex((record) => record.msg === 'exporter started');
        const fatalLine = records.findIndex((record) => record.level === 'error' && record.msg.startsWith('fatal: the collector thread failed'));
        assert.ok(started >= 0, `the exporter started before the fault: ${stderr}`);
        assert.ok(fatalLine > started, `a fatal line after the start: ${stderr}`);
        assert.match(records[fatalLine]!.error ?? '', new RegExp(INJECTED_CRASH));
      } finally {
        await simulator.close();
      }
    });
  });
});
