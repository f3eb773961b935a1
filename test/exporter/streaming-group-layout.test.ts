// The streaming collector's group layout: a change publishes only the groups of the changed queues, and in
// them only the metric lists that changed are new arrays; every other list is the array published before
// (the exposition re-uses what it rendered of an array it has seen, by identity).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GroupLayout } from '../../exporter/streaming/group-layout.ts';
import { SnapshotBuilder, type Snapshot } from '../../exporter/samples.ts';

interface QueueData {
  name: string;
  depth: number;
  interacting: number;
  /** Gone from the answers: no series. */
  gone?: boolean;
  /** Media types with series (default voice and chat). */
  media?: readonly string[];
}

/** Every object new on every build, as the collector builds them. */
function seriesOf(id: string, data: QueueData): { name: string; snapshot: Snapshot } {
  const builder = new SnapshotBuilder();
  for (const media of data.media ?? ['voice', 'chat']) {
    const labels = { queue_id: id, queue_name: data.name, media_type: media };
    builder.add('genesys_queue_depth', { labels, value: data.depth });
    builder.add('genesys_queue_interacting', { labels: { ...labels }, value: data.interacting });
  }
  builder.add('genesys_queue_members', { labels: { queue_id: id, queue_name: data.name }, value: 3 });
  return { name: data.name, snapshot: builder.build() };
}

function setup(agedPerPublish?: number) {
  const ids = ['a', 'b', 'c', 'd', 'e'];
  const data = new Map<string, QueueData>(ids.map((id) => [id, { name: `Queue ${id}`, depth: 0, interacting: 1 }]));
  const layout = new GroupLayout(2, agedPerPublish);
  layout.arrange(ids.map((id) => ({ id, name: data.get(id)!.name })));
  const build = (id: string): void => {
    const queue = data.get(id)!;
    layout.setSeries(id, queue.gone ? undefined : seriesOf(id, queue));
  };
  for (const id of ids) layout.markChanged(id);
  const published: { queueIds: readonly string[]; snapshot: Snapshot }[] = [];
  const publish = (queueIds: readonly string[], snapshot: Snapshot): void => {
    published.push({ queueIds, snapshot });
  };
  const publishChanged = (): { queueIds: readonly string[]; snapshot: Snapshot }[] => {
    published.length = 0;
    layout.publishChanged(build, publish);
    return [...published];
  };
  /** A message about a queue: its data changes, and it is marked changed. */
  const change = (id: string, edit: (queue: QueueData) => void): void => {
    edit(data.get(id)!);
    layout.markChanged(id);
  };
  return { data, layout, change, publishChanged };
}

const values = (samples: readonly { readonly labels: { readonly queue_id: string }; readonly value: number }[] | undefined) =>
  (samples ?? []).map((s) => `${s.labels.queue_id}=${s.value}`);

describe('streaming group layout', () => {
  test('a change publishes its group once, with new lists only for the metrics that changed', () => {
    const { change, publishChanged } = setup();
    const first = publishChanged();
    assert.deepEqual(
      first.map((p) => p.queueIds),
      [['a', 'b'], ['c', 'd'], ['e']],
    );
    const group0 = first[0]!.snapshot;

    change('a', (q) => (q.depth = 4));
    const second = publishChanged();
    assert.deepEqual(
      second.map((p) => p.queueIds),
      [['a', 'b']],
      'only the changed queue’s group',
    );
    const next = second[0]!.snapshot;
    assert.deepEqual(values(next.genesys_queue_depth), ['a=4', 'a=4', 'b=0', 'b=0']);
    assert.notEqual(next.genesys_queue_depth, group0.genesys_queue_depth, 'the changed metric is a new list');
    assert.equal(next.genesys_queue_interacting, group0.genesys_queue_interacting, 'an unchanged metric is the list published before');
    assert.equal(next.genesys_queue_members, group0.genesys_queue_members);
    // The unchanged queue's samples in the changed list are the objects published before.
    assert.equal(next.genesys_queue_depth![2], group0.genesys_queue_depth![2]);

    change('b', (q) => (q.interacting = 9));
    change('e', (q) => (q.depth = 2));
    const third = publishChanged();
    assert.deepEqual(
      third.map((p) => p.queueIds),
      [['a', 'b'], ['e']],
    );
    assert.equal(third[0]!.snapshot.genesys_queue_depth, next.genesys_queue_depth, 'depth unchanged since the last publish');
    assert.deepEqual(values(third[0]!.snapshot.genesys_queue_interacting), ['a=1', 'a=1', 'b=9', 'b=9']);
    assert.equal(third[1]!.snapshot.genesys_queue_interacting, first[2]!.snapshot.genesys_queue_interacting);

    // A message that changed no value: its group is published again (the values are confirmed), as the very
    // snapshot published before.
    change('b', () => undefined);
    const same = publishChanged();
    assert.deepEqual(
      same.map((p) => p.queueIds),
      [['a', 'b']],
    );
    assert.equal(same[0]!.snapshot, third[0]!.snapshot);
  });

  test('a queue with more or fewer samples than before (a media type seen or gone) is merged in its place', () => {
    const { change, publishChanged } = setup();
    const before = publishChanged()[0]!.snapshot;
    change('a', (q) => {
      q.media = ['voice', 'chat', 'email'];
      q.depth = 5;
    });
    const wider = publishChanged()[0]!.snapshot;
    assert.deepEqual(values(wider.genesys_queue_depth), ['a=5', 'a=5', 'a=5', 'b=0', 'b=0']);
    assert.deepEqual(
      (wider.genesys_queue_interacting ?? []).map((s) => `${s.labels.queue_id}/${s.labels.media_type}`),
      ['a/voice', 'a/chat', 'a/email', 'b/voice', 'b/chat'],
    );
    assert.equal(wider.genesys_queue_members, before.genesys_queue_members);
    change('b', (q) => (q.depth = 7));
    change('a', (q) => {
      q.media = ['chat'];
      q.depth = 1;
    });
    const narrower = publishChanged()[0]!.snapshot;
    assert.deepEqual(values(narrower.genesys_queue_depth), ['a=1', 'b=7', 'b=7']);
    // And patched in place again once the counts hold still.
    change('b', (q) => (q.depth = 8));
    const patched = publishChanged()[0]!.snapshot;
    assert.deepEqual(values(patched.genesys_queue_depth), ['a=1', 'b=8', 'b=8']);
    assert.equal(patched.genesys_queue_depth![0], narrower.genesys_queue_depth![0]);
  });

  test('a queue whose series go, or that is renamed, rebuilds every list of its group', () => {
    const { data, layout, change, publishChanged } = setup();
    const before = publishChanged()[1]!.snapshot;
    change('c', (q) => (q.gone = true));
    const gone = publishChanged();
    assert.deepEqual(
      gone.map((p) => p.queueIds),
      [['c', 'd']],
    );
    assert.deepEqual(values(gone[0]!.snapshot.genesys_queue_depth), ['d=0', 'd=0']);
    assert.deepEqual(values(gone[0]!.snapshot.genesys_queue_members), ['d=3']);

    data.get('c')!.gone = false;
    data.get('d')!.name = 'Queue d renamed';
    layout.arrange(['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, name: data.get(id)!.name })));
    change('c', () => undefined);
    const back = publishChanged()[0]!.snapshot;
    for (const metric of ['genesys_queue_depth', 'genesys_queue_interacting', 'genesys_queue_members'] as const) {
      assert.notEqual(back[metric], before[metric], metric);
      assert.ok(
        (back[metric] ?? []).every((s) => s.labels.queue_id !== 'd' || s.labels.queue_name === 'Queue d renamed'),
        `${metric}: the new name`,
      );
    }
    assert.deepEqual(values(back.genesys_queue_depth), ['c=0', 'c=0', 'd=0', 'd=0']);
  });

  test('queues marked aged are built a share per publish, after every changed queue, until none is left', () => {
    const { data, layout, change, publishChanged } = setup(2);
    publishChanged();
    // Time passes: the longest waits of four queues grew (here: their depth stands for it).
    for (const id of ['b', 'c', 'd', 'e']) {
      data.get(id)!.depth = 1;
      layout.markAged(id);
    }
    change('a', (q) => (q.depth = 9));
    assert.equal(layout.agingPending, true);
    const first = publishChanged();
    // The changed queue a, and two aged ones (b, c) besides.
    assert.deepEqual(
      first.map((p) => p.queueIds),
      [
        ['a', 'b'],
        ['c', 'd'],
      ],
    );
    assert.deepEqual(values(first[0]!.snapshot.genesys_queue_depth), ['a=9', 'a=9', 'b=1', 'b=1']);
    assert.deepEqual(values(first[1]!.snapshot.genesys_queue_depth), ['c=1', 'c=1', 'd=0', 'd=0'], 'd waits for the next publish');
    assert.equal(layout.agingPending, true);
    // A queue changed meanwhile is built at once even though it is also marked aged.
    change('e', (q) => (q.depth = 5));
    const second = publishChanged();
    assert.deepEqual(
      second.map((p) => p.queueIds),
      [['c', 'd'], ['e']],
    );
    assert.deepEqual(values(second[0]!.snapshot.genesys_queue_depth), ['c=1', 'c=1', 'd=1', 'd=1']);
    assert.deepEqual(values(second[1]!.snapshot.genesys_queue_depth), ['e=5', 'e=5']);
    assert.equal(layout.agingPending, false);
    assert.deepEqual(publishChanged(), []);
  });
});
