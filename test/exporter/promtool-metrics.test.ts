// The whole /metrics body of a real exporter (process metrics included, data from the simulator) through the
// real `promtool check metrics`, as Prometheus' own tooling sees it: exit 0 and not one lint message. Both
// encodings: the gzip body (what Prometheus fetches) is decompressed first.
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startExporter } from '../../exporter/app.ts';
import type { RunningExporter } from '../../exporter/app.ts';
import { parseConfig } from '../../exporter/config.ts';
import { createLogger } from '../../exporter/log.ts';
import { startSimulator } from '../../simulator/index.ts';
import { get } from '../support/http-client.ts';
import { waitFor } from '../../stack/wait-for.ts';
import { needsPrometheusTools, promtoolCheckMetrics } from '../support/prometheus-tools.ts';
import { simulatorArgs, simulatorCredentials } from '../support/simulator-target.ts';

function scrape(url: string, acceptEncoding: string | undefined): Promise<{ encoding: string | undefined; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('promtool check metrics on a running exporter', needsPrometheusTools, () => {
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  let exporter: RunningExporter;

  before(async () => {
    simulator = await startSimulator({ port: 0, seed: 7, orgSize: { queues: 6, divisions: 2, arrivalsPerMinute: 60, agents: 30 } });
    const config = parseConfig(simulatorArgs(simulator.url, { queues: '5m', observations: '500ms', aggregates: '500ms' }), simulatorCredentials(simulator));
    exporter = await startExporter(config, { logger: createLogger({ write: () => {} }) });
    await waitFor('/-/ready 200', async () => ((await get(`${exporter.url}/-/ready`)).status === 200 ? true : undefined), { timeoutMs: 60_000 });
    // Queue series, and the histogram, are on /metrics.
    await waitFor(
      'queue series',
      async () => (/^genesys_queue_wait_time_seconds_bucket\{/m.test((await get(`${exporter.url}/metrics`)).body) ? true : undefined),
      { timeoutMs: 60_000 },
    );
  });
  after(async () => {
    await exporter?.close();
    await simulator?.close();
  });

  test('the plain body passes, process metrics included', async () => {
    const { encoding, body } = await scrape(`${exporter.url}/metrics`, undefined);
    assert.equal(encoding, undefined);
    const text = body.toString('utf8');
    assert.match(text, /^process_cpu_seconds_total /m, 'process metrics are on');
    assert.match(text, /^genesys_queue_depth\{/m, 'queue series are there');
    assert.deepEqual(promtoolCheckMetrics(text), { status: 0, output: '' });
  });

  test('the gzip body, as Prometheus asks for it, passes too', async () => {
    const { encoding, body } = await scrape(`${exporter.url}/metrics`, 'gzip');
    assert.equal(encoding, 'gzip');
    const text = gunzipSync(body).toString('utf8');
    assert.match(text, /^genesys_queue_depth\{/m);
    assert.deepEqual(promtoolCheckMetrics(text), { status: 0, output: '' });
  });
});
