import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { catalog, metricNames } from '../../metrics/catalog.ts';
import { createExporterRegistry } from '../../exporter/registry.ts';
import { SnapshotBuilder } from '../../exporter/samples.ts';
import { parseExposition } from '../support/exposition.ts';
import { WAIT_TIME_BUCKETS_SECONDS } from '../../metrics/catalog.ts';

/** `# TYPE name type` lines of an exposition. */
function declaredTypes(text: string): Map<string, string> {
  return new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
}

const bodyText = (chunks: readonly Buffer[]): string => Buffer.concat(chunks).toString('utf8');

describe('registry built from the catalog', () => {
  test('declares every catalog metric with its type, and nothing else but process metrics', async () => {
    const { exposition } = createExporterRegistry();
    const types = declaredTypes(await exposition.text());
    for (const name of metricNames()) assert.equal(types.get(name), catalog[name].type, name);
    const extra = [...types.keys()].filter((name) => !(name in catalog));
    assert.ok(extra.length > 0, 'process metrics are registered');
    for (const name of extra) assert.match(name, /^(process|nodejs)_/, `${name} is neither in the catalog nor a process metric`);
    // Gauges named like counters are what `promtool check metrics` rejects in prom-client's defaults.
    for (const [name, type] of types) if (type !== 'counter') assert.doesNotMatch(name, /_total$/, `${name} is a ${type} with a counter's suffix`);
  });

  test('renders the wait-time histogram from cumulative counts as exact _bucket/_sum/_count series', async () => {
    const { exposition, store } = createExporterRegistry({ processMetrics: false });
    const snapshot = new SnapshotBuilder();
    const labels = { queue_id: 'q1', queue_name: 'Sales "EU"', media_type: 'voice' };
    snapshot.add('genesys_queue_wait_time_seconds', { labels, bucketCounts: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], sum: 123.5, count: 11 });
    store.publish('aggregates', snapshot.build(), 60_000);
    const lines = (await exposition.text()).split('\n').filter((line) => line.startsWith('genesys_queue_wait_time_seconds'));
    const l = 'queue_id="q1",queue_name="Sales \\"EU\\"",media_type="voice"';
    assert.deepEqual(lines, [
      ...WAIT_TIME_BUCKETS_SECONDS.map((le, i) => `genesys_queue_wait_time_seconds_bucket{${l},le="${le}"} ${i + 1}`),
      `genesys_queue_wait_time_seconds_bucket{${l},le="+Inf"} 11`,
      `genesys_queue_wait_time_seconds_sum{${l}} 123.5`,
      `genesys_queue_wait_time_seconds_count{${l}} 11`,
    ]);
  });

  test('escapes backslash, double quote and line feed in label values, and reads back the exact names', async () => {
    const { exposition, store } = createExporterRegistry({ processMetrics: false });
    const name = 'Sales \\ "EU"\nnight shift \\n';
    const snapshot = new SnapshotBuilder();
    snapshot.add('genesys_queue_depth', { labels: { queue_id: 'q1', queue_name: name, media_type: 'voice' }, value: 3 });
    store.publish('observations', snapshot.build(), 60_000);
    const text = await exposition.text();
    assert.ok(text.includes('genesys_queue_depth{queue_id="q1",queue_name="Sales \\\\ \\"EU\\"\\nnight shift \\\\n",media_type="voice"} 3\n'), text);
    const depth = parseExposition(text).filter((sample) => sample.name === 'genesys_queue_depth');
    assert.deepEqual(
      depth.map((sample) => sample.labels['queue_name']),
      [name],
    );
  });

  test('writes NaN and infinities the way the format spells them', async () => {
    const { exposition, store } = createExporterRegistry({ processMetrics: false });
    const snapshot = new SnapshotBuilder();
    for (const [id, value] of [
      ['a', Number.NaN],
      ['b', Number.POSITIVE_INFINITY],
      ['c', Number.NEGATIVE_INFINITY],
      ['d', 0.000001],
      ['e', 1e21],
    ] as const) {
      snapshot.add('genesys_queue_longest_wait_seconds', { labels: { queue_id: id, queue_name: id, media_type: 'voice' }, value });
    }
    store.publish('observations', snapshot.build(), 60_000);
    const values = (await exposition.text())
      .split('\n')
      .filter((line) => line.startsWith('genesys_queue_longest_wait_seconds{'))
      .map((line) => line.split(' ')[1]);
    assert.deepEqual(values, ['NaN', '+Inf', '-Inf', '0.000001', '1e+21']);
  });

  test('hides series of queues no longer exported (or renamed) and drops snapshots past their staleness', async () => {
    let now = 1_000_000;
    const { exposition, store } = createExporterRegistry({ processMetrics: false, now: () => now });
    const exported = new Map([['q1', 'Sales']]);
    store.setQueueFilter((id, name) => exported.get(id) === name);
    const snapshot = new SnapshotBuilder();
    snapshot.add('genesys_queue_depth', { labels: { queue_id: 'q1', queue_name: 'Sales', media_type: 'voice' }, value: 3 });
    snapshot.add('genesys_queue_depth', { labels: { queue_id: 'q2', queue_name: 'Gone', media_type: 'voice' }, value: 4 });
    snapshot.add('genesys_exporter_queues', { labels: {}, value: 1 });
    store.publish('observations', snapshot.build(), 10_000);
    const depthLines = async () => (await exposition.text()).split('\n').filter((line) => /^genesys_queue_depth\{|^genesys_exporter_queues /.test(line));
    const scrapedDepthLines = async () =>
      bodyText((await exposition.scrape('identity')).chunks)
        .split('\n')
        .filter((line) => /^genesys_queue_depth\{/.test(line));

    assert.deepEqual(await depthLines(), ['genesys_queue_depth{queue_id="q1",queue_name="Sales",media_type="voice"} 3', 'genesys_exporter_queues 1']);
    // The queue filter is read at render time; a new filter is a change of the store.
    exported.set('q1', 'Sales renamed');
    store.setQueueFilter((id, name) => exported.get(id) === name);
    assert.deepEqual(await depthLines(), ['genesys_exporter_queues 1']);
    exported.set('q1', 'Sales');
    store.setQueueFilter((id, name) => exported.get(id) === name);
    now += 10_000;
    assert.equal((await depthLines()).length, 2, 'still served exactly at the staleness limit');
    assert.equal((await scrapedDepthLines()).length, 1);
    now += 1;
    // A scrape must not serve a cached body that holds a snapshot past its staleness limit.
    assert.deepEqual(await scrapedDepthLines(), [], 'a scrape re-renders once a snapshot went stale');
    assert.deepEqual(await depthLines(), [], 'gone once older than the limit');
    assert.deepEqual(store.expire(), ['observations']);
  });

  test('renders once per data change, not per scrape; concurrent scrapes share the body', async () => {
    const { exposition, store, gauge } = createExporterRegistry({ processMetrics: false });
    const publish = (value: number): void => {
      const snapshot = new SnapshotBuilder();
      snapshot.add('genesys_queue_depth', { labels: { queue_id: 'q1', queue_name: 'Sales', media_type: 'voice' }, value });
      store.publish('observations', snapshot.build(), 60_000);
    };
    publish(1);
    await exposition.text();
    const rendersBefore = exposition.renders;
    const scrapes = await Promise.all(Array.from({ length: 8 }, (_, i) => exposition.scrape(i % 2 === 0 ? 'identity' : 'gzip')));
    for (let i = 0; i < 5; i++) await exposition.scrape('gzip');
    assert.equal(exposition.renders, rendersBefore, 'no render without a data change');
    // The snapshot part of every scrape is the very same Buffer.
    const firstChunks = new Set(scrapes.filter((s) => s.encoding === 'identity').map((s) => s.chunks[0]));
    assert.equal(firstChunks.size, 1);
    // The instrument part is live on every scrape, without a re-render of the snapshot part.
    gauge('genesys_up').set(1);
    assert.match(bodyText((await exposition.scrape('identity')).chunks), /^genesys_up 1$/m);
    assert.match(gunzipSync(Buffer.concat((await exposition.scrape('gzip')).chunks)).toString('utf8'), /^genesys_up 1$/m);
    assert.equal(exposition.renders, rendersBefore);

    publish(2);
    assert.match(await exposition.text(), /^genesys_queue_depth\{[^}]*\} 2$/m);
    assert.equal(exposition.renders, rendersBefore + 1, 'one render for one change');
  });

  test('a change re-renders only the collector that published; the others are reused while the queue filter agrees', async () => {
    const { exposition, store } = createExporterRegistry({ processMetrics: false });
    const exported = new Map([
      ['q1', 'Sales'],
      ['q2', 'Support'],
    ]);
    store.setQueueFilter((id, name) => exported.get(id) === name);
    const observations = (depth: number) => {
      const snapshot = new SnapshotBuilder();
      for (const [id, name] of [
        ['q1', 'Sales'],
        ['q2', 'Support'],
      ])
        snapshot.add('genesys_queue_depth', { labels: { queue_id: id!, queue_name: name!, media_type: 'voice' }, value: depth });
      return snapshot.build();
    };
    const aggregates = new SnapshotBuilder();
    for (const [id, name] of [
      ['q1', 'Sales'],
      ['q2', 'Support'],
    ])
      aggregates.add('genesys_queue_offer_total', { labels: { queue_id: id!, queue_name: name!, media_type: 'voice' }, value: 7 });
    store.publish('observations', observations(1), 60_000);
    store.publish('aggregates', aggregates.build(), 60_000);
    const chunkWith = async (needle: string): Promise<Buffer> => {
      await exposition.refresh();
      const found = (await exposition.scrape('identity')).chunks.find((chunk) => chunk.includes(needle));
      assert.ok(found, needle);
      return found;
    };
    const offers = await chunkWith('genesys_queue_offer_total{');
    store.publish('observations', observations(2), 60_000);
    assert.equal(await chunkWith('genesys_queue_offer_total{'), offers, 'the aggregates fragment is reused as it is');
    assert.match((await chunkWith('genesys_queue_depth{')).toString(), /} 2\n/);

    // A queue renamed in the directory: the reused fragment is checked against the filter and rendered again.
    exported.set('q2', 'Support renamed');
    store.setQueueFilter((id, name) => exported.get(id) === name);
    const after = await chunkWith('genesys_queue_offer_total{');
    assert.notEqual(after, offers);
    assert.deepEqual(
      parseExposition(after.toString()).map((sample) => sample.labels['queue_id']),
      ['q1'],
    );
    assert.doesNotMatch(await exposition.text(), /queue_id="q2"/);
    exposition.close();
  });

  test('scrapes that arrive before the first body exists wait for one shared render', async () => {
    const { exposition, store } = createExporterRegistry({ processMetrics: false });
    const snapshot = new SnapshotBuilder();
    snapshot.add('genesys_queue_depth', { labels: { queue_id: 'q1', queue_name: 'Sales', media_type: 'voice' }, value: 5 });
    store.publish('observations', snapshot.build(), 60_000);
    const bodies = await Promise.all(Array.from({ length: 6 }, (_, i) => exposition.scrape(i < 3 ? 'identity' : 'gzip')));
    assert.equal(exposition.renders, 1);
    for (const body of bodies.slice(0, 3)) assert.match(bodyText(body.chunks), /^genesys_queue_depth\{[^}]*\} 5$/m);
    for (const body of bodies.slice(3)) assert.match(gunzipSync(Buffer.concat(body.chunks)).toString('utf8'), /^genesys_queue_depth\{[^}]*\} 5$/m);
    exposition.close();
  });

  test('a render that fails is reported to scrapes, not papered over with the previous body; the next good data recovers', async () => {
    const { exposition, store } = createExporterRegistry({ processMetrics: false });
    const labels = { queue_id: 'q1', queue_name: 'Sales', media_type: 'voice' };
    const good = new SnapshotBuilder();
    good.add('genesys_queue_depth', { labels, value: 1 });
    store.publish('observations', good.build(), 60_000);
    await exposition.scrape('identity');
    const bad = new SnapshotBuilder();
    bad.add('genesys_queue_wait_time_seconds', { labels, bucketCounts: [1, 2], sum: 3, count: 2 });
    store.publish('aggregates', bad.build(), 60_000);
    await assert.rejects(exposition.refresh(), /bucket counts/); // the render of the new data fails...
    await assert.rejects(exposition.scrape('identity'), /genesys_queue_wait_time_seconds: a sample has 2 bucket counts for the catalog's 10 buckets/);
    await assert.rejects(exposition.scrape('gzip'), /bucket counts/);
    store.publish('aggregates', new SnapshotBuilder().build(), 60_000);
    assert.match(bodyText((await exposition.scrape('identity')).chunks), /^genesys_queue_depth\{[^}]*\} 1$/m);
  });

  test('the gzip body decompresses to exactly the plain body', async () => {
    const { exposition, store, counter } = createExporterRegistry({ processMetrics: false });
    const snapshot = new SnapshotBuilder();
    for (let q = 0; q < 2_000; q++) {
      snapshot.add('genesys_queue_depth', { labels: { queue_id: `queue-${q}`, queue_name: `Queue ${q}`, media_type: 'voice' }, value: q });
    }
    store.publish('observations', snapshot.build(), 60_000);
    counter('genesys_exporter_api_requests_total').inc({ endpoint: 'routing_queues', status_code: '200' });
    const plain = await exposition.scrape('identity');
    const gzipped = await exposition.scrape('gzip');
    assert.equal(gzipped.encoding, 'gzip');
    assert.ok(gzipped.bytes < plain.bytes / 5, `gzip ${gzipped.bytes} B vs plain ${plain.bytes} B`);
    assert.equal(gunzipSync(Buffer.concat(gzipped.chunks)).toString('utf8'), bodyText(plain.chunks));
  });
});
