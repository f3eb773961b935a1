// Streaming mode under the simulator's notification faults (dropped socket, a reset while the host stays
// down, the closing warning): the queues fall back to polling with no series missing, and stream again.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleValue } from '../support/exposition.ts';
import { fallbacks, type StreamingStack, scrape, startFaultsStack, until, untilStreamingActive } from './support/streaming-exporter.ts';

describe('streaming mode: faults fall back to polling and back', () => {
  let stack: StreamingStack;
  before(async () => {
    stack = await startFaultsStack();
  });
  after(() => stack?.close());

  const streamingBack = () => untilStreamingActive(stack.exporter, 'streaming back for every queue');

  test('a dropped socket: counted as a fallback, then streaming again', async () => {
    const { exporter, sim, logLines } = stack;
    const before = await fallbacks(exporter, 'socket_failed');
    await sim.startFault({ fault: 'notification-socket-drop' });
    await until('a socket_failed fallback', async () => ((await fallbacks(exporter, 'socket_failed')) > before ? true : undefined));
    await streamingBack();
    assert.ok(logLines.some((l) => l.includes('streaming unavailable for some queues')));
    assert.ok(logLines.some((l) => l.includes('streaming recovered')));
  });

  test('a reset while the streaming host stays down: polled meanwhile with no series missing, then streaming again', async () => {
    const { exporter, sim, logLines } = stack;
    const before = await fallbacks(exporter, 'socket_failed');
    const queues = await sim.queues();
    const series = queues.flatMap((q) => q.media.map((media) => ({ queue_id: q.id, media_type: media })));
    /** Every queue's depth is on /metrics in every scrape of the outage: the fallback leaves no gap. */
    const scrapeWhole = async () => {
      const samples = await scrape(exporter);
      const missing = series.filter((labels) => sampleValue(samples, 'genesys_queue_depth', labels) === undefined);
      assert.deepEqual(missing, [], 'no series missing during the fallback');
      return samples;
    };
    // The host stays down until the test brings it back below (the minute is only a bound): the outage lasts as long
    // as the checks in it need, however slow the machine, and not a fixed window longer than that.
    await sim.startFault({ fault: 'notification-socket-drop', refuseSeconds: 60 });
    await until('a socket_failed fallback', async () => ((await fallbacks(exporter, 'socket_failed')) > before ? true : undefined));
    await until('every queue polled', async () => ((await sampleValue(await scrapeWhole(), 'genesys_exporter_streaming_queues', {})) === 0 ? true : undefined));
    // A change during the outage reaches /metrics by polling (1 s interval here).
    const queue = queues[0]!;
    const media = queue.media[0]!;
    await sim.startScenario({ scenario: 'surge', queueId: queue.id, factor: 40 });
    await sim.advanceBy(15 * 60_000);
    const waiting = (await sim.truthNow()).queues.find((q) => q.queueId === queue.id)!.media.find((m) => m.mediaType === media)!.waiting;
    await until('the polled depth', async () =>
      sampleValue(await scrapeWhole(), 'genesys_queue_depth', { queue_id: queue.id, media_type: media }) === waiting ? true : undefined,
    );
    await sim.endScenarios();
    // Streaming was down all along: the depth above came by polling.
    assert.equal(sampleValue(await scrapeWhole(), 'genesys_exporter_streaming_queues', {}), 0, 'still polled when the depth was read');
    // The host is back (a drop with no refusal ends the refusal; no socket is connected to drop): reconnected
    // (with backoff), streaming every queue, and values follow the org again.
    await sim.startFault({ fault: 'notification-socket-drop' });
    await streamingBack();
    await sim.advanceBy(5 * 60_000);
    const org = await sim.truthNow();
    await until('every depth equal to the org', async () => {
      const samples = await scrapeWhole();
      const wrong = org.queues.flatMap((q) =>
        q.media.filter((m) => sampleValue(samples, 'genesys_queue_depth', { queue_id: q.queueId, media_type: m.mediaType }) !== m.waiting),
      );
      return wrong.length === 0 ? true : undefined;
    });
    const warned = logLines.filter((l) => l.includes('streaming unavailable for some queues') && l.includes('"reason":"socket_failed"'));
    assert.ok(warned.length > 0, 'a warning names the reason');
    assert.match(warned.at(-1)!, /503/, 'and what the reconnection met');
    assert.ok(logLines.some((l) => l.includes('streaming recovered')));
  });
});
