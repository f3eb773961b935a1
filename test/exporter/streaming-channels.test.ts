// Streaming mode: channels within the limits (topics per channel, 20 channels), and a message of an unknown
// shape. (Heartbeats and renewal: streaming-heartbeats.test.ts.)
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../../stack/wait-for.ts';
import { channelPosts, metric, until, untilPolledDepthAfterSurge, untilStreamingActive, withStreamingStack } from './support/streaming-exporter.ts';

describe('streaming mode: channels, limits, heartbeats, renewal', () => {
  test('queues are spread over channels of at most topicsPerChannel; past 20 channels the rest are polled', async () => {
    const orgSize = { queues: 22, divisions: 1, arrivalsPerMinute: 5, agents: 10 };
    await withStreamingStack({ seed: 3, heartbeatSeconds: 0.5, orgSize, tuning: { topicsPerChannel: 1 } }, async ({ exporter, sim, logLines }) => {
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
    const orgSize = { queues: 2, divisions: 1, arrivalsPerMinute: 10, agents: 10 };
    await withStreamingStack({ seed: 4, heartbeatSeconds: 0.5, orgSize }, async ({ exporter, sim }) => {
      await untilStreamingActive(exporter);
      await sim.startFault({ fault: 'notification-malformed-message' });
      await until('both queues polled', async () => ((await metric(exporter, 'genesys_exporter_streaming_queues')) === 0 ? true : undefined));
      assert.equal(await metric(exporter, 'genesys_exporter_streaming_fallbacks_total', { reason: 'message_unreadable' }), 2);
      assert.equal(await metric(exporter, 'genesys_exporter_streaming_active'), 0);
      // Polled: a change still reaches /metrics at the 1 s interval.
      await untilPolledDepthAfterSurge(exporter, sim, (await sim.queues())[0]!);
    });
  });
});
