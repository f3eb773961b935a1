// A scrape is one moment. Its run telemetry (a collector's last success, set in the same tick as the
// collector publishes its values) must name the poll whose queue values it serves, also while the body of a
// newer poll is still being rendered off the request path and scrapes get the previous body meanwhile.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { createExporterRegistry } from '../../exporter/registry.ts';
import { SnapshotBuilder } from '../../exporter/samples.ts';

const QUEUES = 300;
const HOUR_MS = 3_600_000;
const SUCCESS = 'genesys_exporter_collector_last_success_timestamp_seconds';

/** The poll numbers one scrape names: in its queue depths (every depth is the poll's number) and in its last success. */
function pollsIn(text: string): { readonly depths: ReadonlySet<number>; readonly lastSuccess: number | undefined } {
  const depths = new Set<number>();
  let lastSuccess: number | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('genesys_queue_depth{')) depths.add(Number(line.slice(line.lastIndexOf(' ') + 1)));
    else if (line.startsWith(`${SUCCESS}{collector="observations"} `)) lastSuccess = Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return { depths, lastSuccess };
}

describe('exposition: one scrape, one moment', () => {
  test('the run telemetry a scrape carries names the poll of the queue values it serves, during renders too', async () => {
    // Slices of 0 ms: a render pauses after every few samples, so scrapes land in the middle of renders.
    const registry = createExporterRegistry({ processMetrics: false, exposition: { sliceMs: 0 } });
    const { store, exposition } = registry;
    const lastSuccess = registry.gauge(SUCCESS);
    /** What the collector runner does at the end of a poll: publish, then record the success, in one tick. */
    const poll = (n: number): void => {
      const snapshot = new SnapshotBuilder();
      for (let i = 0; i < QUEUES; i++) {
        for (const media of ['voice', 'chat']) {
          snapshot.add('genesys_queue_depth', { labels: { queue_id: `q${i}`, queue_name: `Queue ${i}`, media_type: media }, value: n });
        }
      }
      store.publish('observations', snapshot.build(), HOUR_MS);
      lastSuccess.set({ collector: 'observations' }, n);
    };
    try {
      poll(1);
      await exposition.scrape('gzip');
      await exposition.refresh();
      let olderBodies = 0;
      let scrapes = 0;
      const check = async (encoding: 'identity' | 'gzip', latest: number): Promise<void> => {
        const body = await exposition.scrape(encoding);
        const bytes = Buffer.concat(body.chunks);
        const { depths, lastSuccess: success } = pollsIn((encoding === 'gzip' ? gunzipSync(bytes) : bytes).toString('utf8'));
        assert.equal(depths.size, 1, `one poll's values in one scrape, got depths ${[...depths].join(', ')}`);
        const [served] = depths;
        assert.equal(success, served, `the scrape serves poll ${served}'s values but its last success names poll ${success}`);
        scrapes++;
        if (served! < latest) olderBodies++;
      };
      for (let n = 2; n <= 12; n++) {
        poll(n);
        // At once (the previous body: its render has not started), during the render's slices, and after it.
        await Promise.all([check('identity', n), check('gzip', n)]);
        for (let k = 0; k < 3; k++) {
          await new Promise((resolve) => setTimeout(resolve, 1));
          await check(k % 2 === 0 ? 'gzip' : 'identity', n);
        }
        await exposition.refresh();
        await check('gzip', n);
      }
      assert.ok(olderBodies >= 11, `scrapes got the previous body while a newer one rendered (${olderBodies} of ${scrapes})`);
      const settled = pollsIn(await exposition.text());
      assert.deepEqual([[...settled.depths], settled.lastSuccess], [[12], 12]);
    } finally {
      exposition.close();
    }
  });

  test('while the store holds the body it serves, each scrape reads the instruments again', async () => {
    const registry = createExporterRegistry({ processMetrics: false });
    const requests = registry.counter('genesys_exporter_api_requests_total');
    const labels = { endpoint: 'queues', status_code: '200' };
    const count = async (): Promise<number> => {
      const body = await registry.exposition.scrape('identity');
      const line = Buffer.concat(body.chunks)
        .toString('utf8')
        .split('\n')
        .find((l) => l.startsWith('genesys_exporter_api_requests_total{'));
      return Number(line?.slice(line.lastIndexOf(' ') + 1) ?? Number.NaN);
    };
    try {
      requests.inc(labels);
      assert.equal(await count(), 1);
      requests.inc(labels);
      requests.inc(labels);
      assert.equal(await count(), 3, 'an API request between two scrapes of unchanged data shows in the second');
    } finally {
      registry.exposition.close();
    }
  });
});
