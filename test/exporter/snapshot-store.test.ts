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

  test('a batch replaced by a newer batch of the same queues is dropped without reading its series; a whole snapshot is still read for its queue-less series', () => {
    let now = 1_000_000;
    const store = new SnapshotStore(() => now);
    /** The snapshot, counting every read of a sample of its lists (a batch republished 10 times a second must not scan them). */
    const counted = (snapshot: Snapshot): { snapshot: Snapshot; reads: () => number } => {
      let reads = 0;
      const lists = Object.fromEntries(
        Object.entries(snapshot).map(([metric, samples]) => [
          metric,
          new Proxy(samples as object[], {
            get(target, key, receiver) {
              if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
              return Reflect.get(target, key, receiver);
            },
          }),
        ]),
      );
      return { snapshot: lists as Snapshot, reads: () => reads };
    };
    const batch = counted(depths({ a: 1, b: 1 }));
    store.publishPart('obs', ['a', 'b'], batch.snapshot, STALE_MS);
    now += 1000;
    store.publishPart('obs', ['a', 'b'], depths({ a: 2, b: 2 }), STALE_MS);
    assert.equal(batch.reads(), 0, 'the replaced batch was not read');
    assert.deepEqual(served(store), { a: 2, b: 2 });
    assert.equal(store.dataAgeSeconds('obs'), 0, 'the replaced batch no longer ages the owner');

    const whole = counted(depths({ c: 1 }, 1));
    store.publish('other', whole.snapshot, STALE_MS);
    store.publishPart('other', ['c'], depths({ c: 2 }), STALE_MS);
    assert.ok(whole.reads() > 0, 'a whole snapshot is read: it may hold series of no queue');
    assert.equal(store.samples('genesys_exporter_queues').length, 1, 'and they stay');
  });
});
