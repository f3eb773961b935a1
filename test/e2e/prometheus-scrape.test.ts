// A real Prometheus scrapes the exporter's server the way it does in production (it always sends
// `Accept-Encoding: gzip`) with the generated scrape job. The gzip body is two gzip members (the cached
// snapshot part, then the per-scrape instrument part): this checks that Prometheus ingests both, every
// series, with label values that need escaping intact.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EXPORTER_JOB } from '../../config/project.ts';
import { createLogger } from '../../exporter/log.ts';
import { createExporterRegistry } from '../../exporter/registry.ts';
import type { ExporterRegistry } from '../../exporter/registry.ts';
import { SnapshotBuilder } from '../../exporter/samples.ts';
import { startServer } from '../../exporter/server.ts';
import type { RunningServer } from '../../exporter/server.ts';
import { NO_WEB_CONFIG } from '../../exporter/web-config.ts';
import { freePort } from '../../stack/ports.ts';
import { PrometheusApi, sampleValue } from '../../stack/prometheus-api.ts';
import { startPrometheus } from '../../stack/prometheus.ts';
import type { RunningPrometheus } from '../../stack/prometheus.ts';
import { waitFor } from '../../stack/wait-for.ts';

const QUEUES = 2_000;
const ODD_NAME = 'Support "Tier 2" \\ night\nshift';

describe('a real Prometheus scraping /metrics (gzip)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'exporter-prometheus-'));
  let metrics: ExporterRegistry;
  let server: RunningServer;
  let prometheus: RunningPrometheus;
  let api: PrometheusApi;

  before(async () => {
    metrics = createExporterRegistry();
    const snapshot = new SnapshotBuilder();
    for (let q = 0; q < QUEUES; q++) {
      snapshot.add('genesys_queue_depth', { labels: { queue_id: `q${q}`, queue_name: q === 7 ? ODD_NAME : `Queue ${q}`, media_type: 'voice' }, value: q });
    }
    metrics.store.publish('observations', snapshot.build(), 3_600_000);
    metrics.gauge('genesys_up').set(1);
    server = await startServer({
      listen: { host: '127.0.0.1', port: 0 },
      telemetryPath: '/metrics',
      webConfig: NO_WEB_CONFIG,
      exposition: metrics.exposition,
      readiness: () => ({ ready: true }),
      logger: createLogger({ write: () => {} }),
      dataSource: 'test data',
    });
    prometheus = await startPrometheus({
      workDir: dir,
      port: await freePort(),
      scrapeConfigFile: fileURLToPath(new URL('../../out/prometheus/scrape_config.yaml', import.meta.url)),
      ruleFiles: [],
      exporterAddress: new URL(server.url).host,
      scrapeIntervalSeconds: 1,
      evaluationIntervalSeconds: 1,
    });
    api = new PrometheusApi(prometheus.url);
    await waitFor(
      'a successful scrape',
      async () => {
        const up = await api.vector(`up{job="${EXPORTER_JOB}"}`);
        return up.length === 1 && sampleValue(up[0]!) === 1 ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
  });
  after(async () => {
    await prometheus?.process.stop();
    await server?.close();
    metrics?.exposition.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('every snapshot series, and the instrument part after it, are ingested', async () => {
    const depth = await api.vector(`count(genesys_queue_depth{job="${EXPORTER_JOB}"})`);
    assert.equal(sampleValue(depth[0]!), QUEUES);
    const last = await api.vector(`genesys_queue_depth{job="${EXPORTER_JOB}",queue_id="q${QUEUES - 1}"}`);
    assert.equal(sampleValue(last[0]!), QUEUES - 1);
    // The second gzip member: the exporter's own instruments and process metrics.
    assert.equal(sampleValue((await api.vector(`genesys_up{job="${EXPORTER_JOB}"}`))[0]!), 1);
    assert.ok((await api.vector(`process_cpu_seconds_total{job="${EXPORTER_JOB}"}`)).length === 1);
  });

  test('a label value with quote, backslash and line feed arrives exactly', async () => {
    const odd = await api.vector(`genesys_queue_depth{job="${EXPORTER_JOB}",queue_id="q7"}`);
    assert.equal(odd[0]?.metric['queue_name'], ODD_NAME);
  });
});
