import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { catalog, metricNames } from '../../metrics/catalog.ts';
import { createExporterRegistry } from '../../exporter/registry.ts';
import { SnapshotBuilder } from '../../exporter/samples.ts';

/** `# TYPE name type` lines of an exposition. */
function declaredTypes(text: string): Map<string, string> {
  return new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
}

describe('registry built from the catalog', () => {
  test('declares every catalog metric with its type, and nothing else but process metrics', async () => {
    const { registry } = createExporterRegistry();
    const types = declaredTypes(await registry.metrics());
    for (const name of metricNames()) assert.equal(types.get(name), catalog[name].type, name);
    const extra = [...types.keys()].filter((name) => !(name in catalog));
    assert.ok(extra.length > 0, 'process metrics are registered');
    for (const name of extra) assert.match(name, /^(process|nodejs)_/, `${name} is neither in the catalog nor a process metric`);
  });

  test('renders the wait-time histogram from cumulative counts as exact _bucket/_sum/_count series', async () => {
    const { registry, store } = createExporterRegistry({ processMetrics: false });
    const snapshot = new SnapshotBuilder();
    const labels = { queue_id: 'q1', queue_name: 'Sales "EU"', media_type: 'voice' };
    snapshot.add('genesys_queue_wait_time_seconds', { labels, bucketCounts: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], sum: 123.5, count: 11 });
    store.publish('aggregates', snapshot.build(), 60_000);
    const lines = (await registry.metrics()).split('\n').filter((line) => line.startsWith('genesys_queue_wait_time_seconds'));
    const l = 'queue_id="q1",queue_name="Sales \\"EU\\"",media_type="voice"';
    assert.deepEqual(lines, [
      ...[1, 2, 4, 8, 16, 32, 64, 128, 256, 512].map((le, i) => `genesys_queue_wait_time_seconds_bucket{${l},le="${le}"} ${i + 1}`),
      `genesys_queue_wait_time_seconds_bucket{${l},le="+Inf"} 11`,
      `genesys_queue_wait_time_seconds_sum{${l}} 123.5`,
      `genesys_queue_wait_time_seconds_count{${l}} 11`,
    ]);
  });

  test('hides series of queues no longer exported (or renamed) and drops snapshots past their staleness', async () => {
    let now = 1_000_000;
    const { registry, store } = createExporterRegistry({ processMetrics: false, now: () => now });
    const exported = new Map([['q1', 'Sales']]);
    store.setQueueFilter((id, name) => exported.get(id) === name);
    const snapshot = new SnapshotBuilder();
    snapshot.add('genesys_queue_depth', { labels: { queue_id: 'q1', queue_name: 'Sales', media_type: 'voice' }, value: 3 });
    snapshot.add('genesys_queue_depth', { labels: { queue_id: 'q2', queue_name: 'Gone', media_type: 'voice' }, value: 4 });
    snapshot.add('genesys_exporter_queues', { labels: {}, value: 1 });
    store.publish('observations', snapshot.build(), 10_000);
    const depthLines = async () => (await registry.metrics()).split('\n').filter((line) => /^genesys_queue_depth\{|^genesys_exporter_queues /.test(line));

    assert.deepEqual(await depthLines(), ['genesys_exporter_queues 1', 'genesys_queue_depth{queue_id="q1",queue_name="Sales",media_type="voice"} 3']);
    exported.set('q1', 'Sales renamed');
    assert.deepEqual(await depthLines(), ['genesys_exporter_queues 1']);
    exported.set('q1', 'Sales');
    now += 10_000;
    assert.equal((await depthLines()).length, 2, 'still served exactly at the staleness limit');
    now += 1;
    assert.deepEqual(await depthLines(), [], 'gone once older than the limit');
    assert.deepEqual(store.expire(), ['observations']);
  });
});
