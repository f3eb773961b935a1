// Streaming mode: heartbeats (a silent socket is replaced, a live one is kept) and the renewal of
// subscriptions before the channel expires.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FALLBACK_REASONS } from '../../exporter/streaming/channel-session.ts';
import {
  channelPosts,
  fallbacks,
  metric,
  type StreamingStack,
  type StreamingTuning,
  scrape,
  startStreamingStack,
  until,
  untilStreamingActive,
  withStreamingStack,
} from './support/streaming-exporter.ts';

describe('streaming mode: heartbeats and renewal', () => {
  /** Two queues on seed 3, a frozen org (manual clock). */
  const TWO_QUEUES = { queues: 2, divisions: 1, arrivalsPerMinute: 5, agents: 10 };
  const withStack = (heartbeatSeconds: number, tuning: StreamingTuning, body: (stack: StreamingStack) => Promise<void>) =>
    withStreamingStack({ seed: 3, heartbeatSeconds, orgSize: TWO_QUEUES, tuning }, body);

  test('a socket without heartbeats is replaced (fallback heartbeat_missed)', async () => {
    // Heartbeats every 30 s and a frozen org (manual clock): the socket stays silent past the 1 s watchdog.
    await withStack(30, { timings: { heartbeatTimeoutMs: 1000 } }, async ({ exporter }) => {
      await until('a heartbeat_missed fallback', async () => ((await fallbacks(exporter, 'heartbeat_missed')) > 0 ? true : undefined));
    });
  });

  describe('heartbeats every 0.2 s against a 1 s watchdog, subscriptions renewed as often as allowed (every 0.5 s)', () => {
    // One stack for both tests: a frozen org, so heartbeats are the only messages on the socket (the simulator
    // sends nothing on subscribing), and renewing 24 h − 1 s before expiry renews at every allowed moment.
    let stack: StreamingStack;
    /** Subscription calls (PUT) answered 200 when every queue first streamed. */
    let putsWhenStreaming: number;
    const puts = async () =>
      (await stack.sim.requests()).requests.filter((r) => r.method === 'PUT' && r.endpoint === 'notifications' && r.status === 200).length;
    before(async () => {
      stack = await startStreamingStack({
        seed: 3,
        heartbeatSeconds: 0.2,
        orgSize: TWO_QUEUES,
        tuning: { timings: { heartbeatTimeoutMs: 1000, renewBeforeExpiryMs: 24 * 3_600_000 - 1000 } },
      });
      await untilStreamingActive(stack.exporter, 'streaming');
      putsWhenStreaming = await puts();
    });
    after(() => stack?.close());

    test('a socket with regular heartbeats outlives the watchdog: no heartbeat_missed, the same channel', async () => {
      const { exporter, sim } = stack;
      await new Promise((resolve) => setTimeout(resolve, 3500)); // three watchdog periods and more
      assert.equal(await metric(exporter, 'genesys_exporter_streaming_fallbacks_total', { reason: 'heartbeat_missed' }), 0);
      assert.equal(await metric(exporter, 'genesys_exporter_streaming_active'), 1);
      assert.equal(await channelPosts(sim), 1, 'the same channel all along');
    });

    test('subscriptions are renewed before the channel expires, on the same socket', async () => {
      const { exporter, sim } = stack;
      await until('two renewals', async () => ((await puts()) >= putsWhenStreaming + 2 ? true : undefined));
      assert.equal(await channelPosts(sim), 1, 'the same channel');
      const fallbackSamples = (await scrape(exporter)).filter((x) => x.name === 'genesys_exporter_streaming_fallbacks_total');
      // Every reason is served from 0 (exporter/app.ts): a missing series fails here too.
      assert.deepEqual(fallbackSamples.map((x) => [x.labels.reason, x.value]).sort(), FALLBACK_REASONS.map((reason) => [reason, 0]).sort(), 'no fallback');
    });
  });
});
