// Streaming mode: heartbeats (a silent socket is replaced, a live one is kept) and the renewal of
// subscriptions before the channel expires.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningExporter } from '../../exporter/app.ts';
import { startSimulator } from '../../simulator/index.ts';
import { parseExposition } from '../support/exposition.ts';
import { get } from '../support/http-client.ts';
import { SimulatorClient } from '../../stack/simulator-client.ts';
import { metric, startStreamingExporter, until } from './support/streaming-exporter.ts';

describe('streaming mode: heartbeats and renewal', () => {
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

  test('a socket without heartbeats is replaced (fallback heartbeat_missed)', async () => {
    // Heartbeats every 30 s and a frozen org (manual clock): the socket stays silent past the 1 s watchdog.
    await withExporter(2, 30, { timings: { heartbeatTimeoutMs: 1000 } }, async (exporter) => {
      await until('a heartbeat_missed fallback', async () =>
        ((await metric(exporter, 'genesys_exporter_streaming_fallbacks_total', { reason: 'heartbeat_missed' })) ?? 0) > 0 ? true : undefined,
      );
    });
  });

  test('a socket with regular heartbeats outlives the watchdog: no heartbeat_missed, the same channel', async () => {
    // Heartbeats every 0.2 s against a 1 s watchdog; a frozen org, so heartbeats are the only messages.
    await withExporter(2, 0.2, { timings: { heartbeatTimeoutMs: 1000 } }, async (exporter, sim) => {
      await until('streaming', async () => ((await metric(exporter, 'genesys_exporter_streaming_active')) === 1 ? true : undefined));
      await new Promise((resolve) => setTimeout(resolve, 3500)); // three watchdog periods and more
      assert.equal(await metric(exporter, 'genesys_exporter_streaming_fallbacks_total', { reason: 'heartbeat_missed' }), 0);
      assert.equal(await metric(exporter, 'genesys_exporter_streaming_active'), 1);
      assert.equal(await channelPosts(sim), 1, 'the same channel all along');
    });
  });

  test('subscriptions are renewed before the channel expires, on the same socket', async () => {
    // Renew 24 h − 1 s before expiry: as often as allowed (every 0.5 s here).
    await withExporter(2, 0.3, { timings: { renewBeforeExpiryMs: 24 * 3_600_000 - 1000 } }, async (exporter, sim) => {
      await until('streaming', async () => ((await metric(exporter, 'genesys_exporter_streaming_active')) === 1 ? true : undefined));
      const puts = async () => (await sim.requests()).requests.filter((r) => r.method === 'PUT' && r.endpoint === 'notifications' && r.status === 200).length;
      const first = await puts();
      await until('two renewals', async () => ((await puts()) >= first + 2 ? true : undefined));
      assert.equal(await channelPosts(sim), 1, 'the same channel');
      const fallbacks = parseExposition((await get(`${exporter.url}/metrics`)).body).filter((x) => x.name === 'genesys_exporter_streaming_fallbacks_total');
      assert.ok(
        fallbacks.every((x) => x.value === 0),
        'no fallback',
      );
    });
  });
});
