// Streaming mode: channels within the limits (topics per channel, 20 channels), and a message of an unknown
// shape. (Heartbeats and renewal: streaming-heartbeats.test.ts.)
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningExporter } from '../../exporter/app.ts';
import { startSimulator } from '../../simulator/index.ts';
import { waitFor } from '../../stack/wait-for.ts';
import { SimulatorClient } from '../../stack/simulator-client.ts';
import { metric, startStreamingExporter, until } from './support/streaming-exporter.ts';

describe('streaming mode: channels, limits, heartbeats, renewal', () => {
  const withExporter = async (
    orgQueues: number,
    heartbeatSeconds: number,
    tuning: Parameters<typeof startStreamingExporter>[5],
    body: (exporter: RunningExporter, sim: SimulatorClient, logLines: string[]) => Promise<void>,
  ) => {
    const simulator = await startSimulator({
      port: 0,
      seed: 3,
      clock: 'manual',
      notificationHeartbeatSeconds: heartbeatSeconds,
      orgSize: { queues: orgQueues, divisions: 1, arrivalsPerMinute: 5, agents: 10 },
    });
    const sim = new SimulatorClient(simulator.url);
    await sim.syncClock();
    const logLines: string[] = [];
    const exporter = await startStreamingExporter(simulator, sim, '1s', logLines, 'streaming', tuning);
    try {
      await body(exporter, sim, logLines);
    } finally {
      await exporter.close();
      await simulator.close();
    }
  };
  const channelPosts = async (sim: SimulatorClient) =>
    (await sim.requests()).requests.filter((r) => r.method === 'POST' && r.path === '/api/v2/notifications/channels' && r.status === 200).length;

  test('queues are spread over channels of at most topicsPerChannel; past 20 channels the rest are polled', async () => {
    await withExporter(22, 0.5, { topicsPerChannel: 1 }, async (exporter, sim, logLines) => {
      // 40 REST calls (20 channels, 20 subscriptions) within the rate budget take a while.
      await waitFor('20 queues streamed', async () => ((await metric(exporter, 'genesys_exporter_streaming_queues')) === 20 ? true : undefined), {
        timeoutMs: 90_000,
        intervalMs: 100,
      });
      assert.equal(await channelPosts(sim), 20, 'never more than 20 channels');
      assert.equal(await metric(exporter, 'genesys_exporter_streaming_active'), 0, 'two queues are polled');
      assert.ok(logLines.some((l) => l.includes('more queues than the notification service takes')));
    });
  });
});

describe('streaming mode: a message of an unknown shape', () => {
  test('the queue is polled instead of trusted to stream (fallback message_unreadable)', async () => {
    const simulator = await startSimulator({
      port: 0,
      seed: 4,
      clock: 'manual',
      notificationHeartbeatSeconds: 0.5,
      orgSize: { queues: 2, divisions: 1, arrivalsPerMinute: 10, agents: 10 },
    });
    const sim = new SimulatorClient(simulator.url);
    await sim.syncClock();
    const exporter = await startStreamingExporter(simulator, sim, '1s', []);
    try {
      await until('every queue streamed', async () => ((await metric(exporter, 'genesys_exporter_streaming_active')) === 1 ? true : undefined));
      await sim.startFault({ fault: 'notification-malformed-message' });
      await until('both queues polled', async () => ((await metric(exporter, 'genesys_exporter_streaming_queues')) === 0 ? true : undefined));
      assert.equal(await metric(exporter, 'genesys_exporter_streaming_fallbacks_total', { reason: 'message_unreadable' }), 2);
      assert.equal(await metric(exporter, 'genesys_exporter_streaming_active'), 0);
      // Polled: a change still reaches /metrics at the 1 s interval.
      const queue = (await sim.queues())[0]!;
      await sim.startScenario({ scenario: 'surge', queueId: queue.id, factor: 40 });
      await sim.advanceBy(15 * 60_000);
      const media = queue.media[0]!;
      const waiting = (await sim.truthNow()).queues.find((q) => q.queueId === queue.id)!.media.find((m) => m.mediaType === media)!.waiting;
      await until('the polled depth', async () =>
        (await metric(exporter, 'genesys_queue_depth', { queue_id: queue.id, media_type: media })) === waiting ? true : undefined,
      );
    } finally {
      await exporter.close();
      await simulator.close();
    }
  });
});
