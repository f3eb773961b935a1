// Streaming mode under the simulator's notification faults on channels and topics (the closing warning, an
// expired channel, a rejected topic): a new channel, or polling for what is not streamed, and back.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  channelPosts,
  fallbacks,
  metric,
  type StreamingStack,
  startFaultsStack,
  until,
  untilPolledDepthAfterSurge,
  untilStreamingActive,
} from './support/streaming-exporter.ts';

describe('streaming mode: channel and topic faults', () => {
  let stack: StreamingStack;
  before(async () => {
    stack = await startFaultsStack();
  });
  after(() => stack?.close());

  const streamingBack = () => untilStreamingActive(stack.exporter, 'streaming back for every queue');

  test('the closing warning: a new channel is opened and used, without a fallback', async () => {
    const { exporter, sim, logLines } = stack;
    const channelsBefore = await channelPosts(sim);
    const failedBefore = await fallbacks(exporter, 'socket_failed');
    await sim.startFault({ fault: 'notification-socket-closing', graceSeconds: 1 });
    await until('a new channel', async () => ((await channelPosts(sim)) > channelsBefore ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 1500)); // past the grace period: the old socket is closed
    await streamingBack();
    assert.equal(await fallbacks(exporter, 'socket_failed'), failedBefore, 'switched before the old socket closed');
    assert.ok(logLines.some((l) => l.includes('switching to a new channel')));
  });

  test('an expired channel: fallback (channel_expired), a new channel, streaming again', async () => {
    const { exporter, sim } = stack;
    const before = await fallbacks(exporter, 'channel_expired');
    await sim.startFault({ fault: 'notification-channel-expire' });
    await until('a channel_expired fallback', async () => ((await fallbacks(exporter, 'channel_expired')) > before ? true : undefined));
    await streamingBack();
  });

  test('a rejected topic: that queue is polled (and follows the org), the others stream; back once accepted', async () => {
    const { exporter, sim } = stack;
    const queue = (await sim.queues())[1]!;
    const before = await fallbacks(exporter, 'topic_rejected');
    await sim.startFault({ fault: 'notification-topic-reject', queueId: queue.id });
    await sim.startFault({ fault: 'notification-channel-expire' }); // forces a new subscription
    await until('a topic_rejected fallback', async () => ((await fallbacks(exporter, 'topic_rejected')) > before ? true : undefined));
    await until('three of four queues streamed', async () => ((await metric(exporter, 'genesys_exporter_streaming_queues')) === 3 ? true : undefined));
    assert.equal(await metric(exporter, 'genesys_exporter_streaming_active'), 0);
    // The rejected queue's values still change with the org: polled at the 1 s interval.
    await untilPolledDepthAfterSurge(exporter, sim, queue);
    await sim.endScenarios();
    await sim.clearFaults();
    await streamingBack();
    assert.equal(await metric(exporter, 'genesys_exporter_streaming_queues'), 4);
  });
});
