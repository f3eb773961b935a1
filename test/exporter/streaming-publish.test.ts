// Streaming mode: what a streamed change costs and what it brings, against the real simulator's notification
// service. A change publishes only the group of queues it belongs to, as a part of the store, and every
// series it did not change keeps its sample objects (the exposition then re-uses their text by identity); a
// queue in which someone starts waiting gets its longest wait from a targeted poll, not from the next full
// poll. (The request budget: streaming-budget.test.ts.)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { StoreChange } from '../../exporter/snapshot-store.ts';
import { metric, type StreamingStack, startStreamingStack, until, untilStreamingActive } from './support/streaming-exporter.ts';

describe('streaming mode: a change publishes what it changed', () => {
  let stack: StreamingStack;
  before(async () => {
    // 250 queues (three groups of 100) and little traffic: a surge in one queue is most of what changes.
    const orgSize = { queues: 250, divisions: 1, arrivalsPerMinute: 2, agents: 40 };
    // Runs every 2 s, but they poll no streamed queue (the full resync is 10 minutes away): within the tests
    // only streaming and the targeted polls bring values (a targeted poll at most every 1 s, half the interval).
    stack = await startStreamingStack({ seed: 11, heartbeatSeconds: 0.5, orgSize, observationsInterval: '2s' });
    await untilStreamingActive(stack.exporter, 'ready');
    await stack.exporter.metrics.exposition.refresh();
  });
  after(() => stack?.close());

  const depthSamples = () =>
    new Map(stack.exporter.metrics.store.samples('genesys_queue_depth').map((s) => [`${s.labels.queue_id}|${s.labels.media_type}`, s]));

  test('only the changed queues’ groups are published, and unchanged series keep their objects', async () => {
    const { exporter, sim } = stack;
    const store = exporter.metrics.store;
    const before = depthSamples();
    const changes: StoreChange[] = [];
    store.onChange((change) => changes.push(change));
    const queue = (await sim.queues())[137]!;
    const media = queue.media[0]!;
    await sim.startScenario({ scenario: 'surge', queueId: queue.id, factor: 1000, mediaType: media });
    await sim.advanceBy(60_000);
    const truth = await sim.truthNow();
    const waiting = truth.queues.find((q) => q.queueId === queue.id)!.media.find((m) => m.mediaType === media)!.waiting;
    assert.notEqual(waiting, before.get(`${queue.id}|${media}`)?.value, 'the surge changed the depth');
    await until('the new depth in the store', async () => (depthSamples().get(`${queue.id}|${media}`)?.value === waiting ? true : undefined));
    await sim.endScenarios();

    const published = changes.filter((c): c is Extract<StoreChange, { kind: 'publish' }> => c.kind === 'publish' && c.owner === 'observations');
    assert.ok(published.length > 0);
    for (const change of published) {
      assert.ok(change.queueIds !== undefined, 'a part of the queues, never the whole snapshot');
      assert.ok(change.queueIds.length <= 100, `a group of at most a batch (${change.queueIds.length})`);
    }
    assert.ok(
      published.some((c) => c.queueIds?.includes(queue.id)),
      'the surged queue’s group was published',
    );
    // Every depth the change left alone is the very object served before (not a copy with the same value).
    const after = depthSamples();
    let kept = 0;
    for (const [key, sample] of before) {
      const now = after.get(key);
      if (now === undefined || now.value !== sample.value) continue;
      assert.equal(now, sample, `${key}: an unchanged depth is the same object`);
      kept++;
    }
    // Enough depths kept their value for the identity check above to mean something. How many do depends on
    // the minute of traffic the surge ran in (a fresh clone saw 157 of them, other runs over 200), so the bound
    // is a quarter of the depths, not a count.
    assert.ok(kept >= before.size / 4, `a quarter of the ${before.size} depths at least kept their value (${kept})`);
  });

  test('a queue in which someone starts waiting shows its longest wait without waiting for a poll', async () => {
    const { exporter, sim } = stack;
    const truth = await sim.truthNow();
    // A queue nobody waits in: messages will say how many wait, not since when.
    const quiet = truth.queues.find((q) => q.media.every((m) => m.waiting === 0) && q.queueId !== truth.queues[137]!.queueId)!;
    const media = quiet.media[0]!.mediaType;
    const labels = { queue_id: quiet.queueId, media_type: media };
    assert.equal(await metric(exporter, 'genesys_queue_longest_wait_seconds', labels), 0);
    await sim.startScenario({ scenario: 'agents-logoff', queueId: quiet.queueId, fraction: 1 });
    await sim.startScenario({ scenario: 'surge', queueId: quiet.queueId, factor: 1000, mediaType: media });
    await sim.advanceBy(60_000);
    const waiting = (await sim.truthNow()).queues.find((q) => q.queueId === quiet.queueId)!.media.find((m) => m.mediaType === media)!.waiting;
    assert.ok(waiting > 0, 'contacts wait now');
    // No run polls this streamed queue: a longest wait > 0 within the wait below comes from the targeted poll.
    const longest = await until('a longest wait on /metrics', async () => {
      const value = await metric(exporter, 'genesys_queue_longest_wait_seconds', labels);
      return value !== undefined && value > 0 ? value : undefined;
    });
    assert.ok(longest <= 60, `no older than the minute they have waited (${longest} s)`);
    assert.equal(await metric(exporter, 'genesys_queue_depth', labels), waiting);
    await sim.endScenarios();
  });
});
