// Streaming mode under the simulator's notification faults on channels and topics (the closing warning, an
// expired channel, a rejected topic): a new channel, or polling for what is not streamed, and back.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningExporter } from '../../exporter/app.ts';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.ts';
import { SimulatorClient } from '../../stack/simulator-client.ts';
import { metric, startStreamingExporter, until } from './support/streaming-exporter.ts';

describe('streaming mode: channel and topic faults', () => {
  let simulator: SimulatorHandle;
  let sim: SimulatorClient;
  let exporter: RunningExporter;
  const logLines: string[] = [];
  before(async () => {
    simulator = await startSimulator({
      port: 0,
      seed: 8,
      clock: 'manual',
      notificationHeartbeatSeconds: 0.5,
      orgSize: { queues: 4, divisions: 1, arrivalsPerMinute: 20, agents: 20 },
    });
    sim = new SimulatorClient(simulator.url);
    await sim.syncClock();
    exporter = await startStreamingExporter(simulator, sim, '1s', logLines);
    await until('every queue streamed', async () => ((await metric(exporter, 'genesys_exporter_streaming_active')) === 1 ? true : undefined));
  });
  after(async () => {
    await exporter?.close();
    await simulator?.close();
  });

  const fallbacks = async (reason: string) => (await metric(exporter, 'genesys_exporter_streaming_fallbacks_total', { reason })) ?? 0;
  const streamingBack = () =>
    until('streaming back for every queue', async () => ((await metric(exporter, 'genesys_exporter_streaming_active')) === 1 ? true : undefined));

  test('the closing warning: a new channel is opened and used, without a fallback', async () => {
    const channelsBefore = (await sim.requests()).requests.filter(
      (r) => r.endpoint === 'notifications' && r.method === 'POST' && r.path === '/api/v2/notifications/channels',
    ).length;
    const failedBefore = await fallbacks('socket_failed');
    await sim.startFault({ fault: 'notification-socket-closing', graceSeconds: 1 });
    await until('a new channel', async () => {
      const created = (await sim.requests()).requests.filter(
        (r) => r.endpoint === 'notifications' && r.method === 'POST' && r.path === '/api/v2/notifications/channels',
      ).length;
      return created > channelsBefore ? true : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 1500)); // past the grace period: the old socket is closed
    await streamingBack();
    assert.equal(await fallbacks('socket_failed'), failedBefore, 'switched before the old socket closed');
    assert.ok(logLines.some((l) => l.includes('switching to a new channel')));
  });

  test('an expired channel: fallback (channel_expired), a new channel, streaming again', async () => {
    const before = await fallbacks('channel_expired');
    await sim.startFault({ fault: 'notification-channel-expire' });
    await until('a channel_expired fallback', async () => ((await fallbacks('channel_expired')) > before ? true : undefined));
    await streamingBack();
  });

  test('a rejected topic: that queue is polled (and follows the org), the others stream; back once accepted', async () => {
    const queue = (await sim.queues())[1]!;
    const before = await fallbacks('topic_rejected');
    await sim.startFault({ fault: 'notification-topic-reject', queueId: queue.id });
    await sim.startFault({ fault: 'notification-channel-expire' }); // forces a new subscription
    await until('a topic_rejected fallback', async () => ((await fallbacks('topic_rejected')) > before ? true : undefined));
    await until('three of four queues streamed', async () => ((await metric(exporter, 'genesys_exporter_streaming_queues')) === 3 ? true : undefined));
    assert.equal(await metric(exporter, 'genesys_exporter_streaming_active'), 0);
    // The rejected queue's values still change with the org: polled at the 1 s interval.
    await sim.startScenario({ scenario: 'surge', queueId: queue.id, factor: 40 });
    await sim.advanceBy(15 * 60_000);
    const media = queue.media[0]!;
    const waiting = (await sim.truthNow()).queues.find((q) => q.queueId === queue.id)!.media.find((m) => m.mediaType === media)!.waiting;
    await until('the polled depth', async () =>
      (await metric(exporter, 'genesys_queue_depth', { queue_id: queue.id, media_type: media })) === waiting ? true : undefined,
    );
    await sim.endScenarios();
    await sim.clearFaults();
    await streamingBack();
    assert.equal(await metric(exporter, 'genesys_exporter_streaming_queues'), 4);
  });
});
