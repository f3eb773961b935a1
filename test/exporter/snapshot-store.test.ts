// The snapshot store's parts: a batch replaces exactly its queues' series wherever they were (a whole
// snapshot, an older batch), the emptied parts stop counting for the data age, and what is forgotten is
// no longer served.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SnapshotBuilder, type Snapshot } from '../../exporter/samples.ts';
import { SnapshotStore } from '../../exporter/snapshot-store.ts';

const STALE_MS = 60_000;

function depths(values: Readonly<Record<string, number>>, extra?: number): Snapshot {
  const snapshot = new SnapshotBuilder();
  for (const [id, value] of Object.entries(values)) {
    snapshot.add('genesys_queue_depth', { labels: { queue_id: id, queue_name: `Queue ${id}`, media_type: 'voice' }, value });
  }
  if (extra !== undefined) snapshot.add('genesys_exporter_queues', { labels: {}, value: extra });
  return snapshot.build();
}

function served(store: SnapshotStore): Record<string, number> {
  const out: Record<string, number> = {};
  for (const sample of store.samples('genesys_queue_depth')) out[sample.labels['queue_id']!] = sample.value;
  return out;
}

describe('snapshot store parts', () => {
  test('a batch takes its queues from the whole snapshot and from older batches; emptied parts no longer age the owner', () => {
    let now = 1_000_000;
    const store = new SnapshotStore(() => now);
    store.publish('obs', depths({ a: 1, b: 1, c: 1, d: 1 }, 4), STALE_MS);
    now += 1000;
    store.publishPart('obs', ['a', 'b'], depths({ a: 2, b: 2 }), STALE_MS);
    assert.deepEqual(served(store), { a: 2, b: 2, c: 1, d: 1 });
    now += 1000;
    store.publishPart('obs', ['b', 'c'], depths({ b: 3, c: 3 }), STALE_MS);
    assert.deepEqual(served(store), { a: 2, b: 3, c: 3, d: 1 });
    // The whole snapshot still holds d and its queue-less series: it keeps the oldest time.
    assert.equal(store.dataAgeSeconds('obs'), 2);
    assert.equal(store.samples('genesys_exporter_queues').length, 1);
    now += 1000;
    store.publishPart('obs', ['d'], depths({ d: 4 }), STALE_MS);
    store.publishPart('obs', ['a'], depths({ a: 4 }), STALE_MS);
    // The whole snapshot keeps only its queue-less series; the first batch is empty and gone, so the oldest
    // value is the second batch's (b, c), 1 s after the first.
    assert.deepEqual(served(store), { a: 4, b: 3, c: 3, d: 4 });
    assert.equal(store.samples('genesys_exporter_queues').length, 1);
    assert.equal(store.dataAgeSeconds('obs'), 3);
    assert.equal(store.forgetOlderThan('obs', now - 500), true);
    // The whole snapshot (with its queue-less series) and the batch of b, c were older: forgotten.
    assert.deepEqual(served(store), { a: 4, d: 4 });
    assert.equal(store.samples('genesys_exporter_queues').length, 0);
    assert.equal(store.dataAgeSeconds('obs'), 0);
    // A forgotten queue published again is served once, from its new batch.
    store.publishPart('obs', ['b'], depths({ b: 5 }), STALE_MS);
    assert.deepEqual(served(store), { a: 4, b: 5, d: 4 });
  });
});
