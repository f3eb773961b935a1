// Streaming mode: channels within the limits (topics per channel, 20 channels), and a message of an unknown
// shape. (Heartbeats and renewal: streaming-heartbeats.test.ts.)
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createGenesysClient } from '../../exporter/genesys/client.ts';
import { createLogger } from '../../exporter/log.ts';
import { MAX_CHANNELS_PER_CLIENT, StreamManager } from '../../exporter/streaming/stream-manager.ts';
import { DEFAULT_TIMINGS } from '../../exporter/streaming/streaming-collector.ts';
import { startSimulator } from '../../simulator/index.ts';
import { MAX_CHANNELS_PER_CLIENT as SERVICE_MAX_CHANNELS } from '../../simulator/notifications/service.ts';
import { SimulatorClient } from '../../stack/simulator-client.ts';
import { channelPosts, metric, until, untilPolledDepthAfterSurge, untilStreamingActive, withStreamingStack } from './support/streaming-exporter.ts';

describe('streaming mode: channels, limits, heartbeats, renewal', () => {
  // The exporter with a channel limit of 3 (the limit it keeps is the smaller of the option and the service's
  // 20): the same spreading and overflow as past 20 channels, in 6 REST calls instead of 40 (which the 300/min
  // budget spreads over ~10 s). The default limit of 20 is held against the service below.
  test('queues are spread over channels of at most topicsPerChannel; past the channel limit the rest are polled', async () => {
    const orgSize = { queues: 5, divisions: 1, arrivalsPerMinute: 5, agents: 10 };
    await withStreamingStack(
      { seed: 3, heartbeatSeconds: 0.5, orgSize, tuning: { topicsPerChannel: 1, maxChannels: 3 } },
      async ({ exporter, sim, logLines }) => {
        await until('3 queues streamed', async () => ((await metric(exporter, 'genesys_exporter_streaming_queues')) === 3 ? true : undefined));
        assert.equal(await channelPosts(sim), 3, 'never more channels than the limit');
        assert.equal(await metric(exporter, 'genesys_exporter_streaming_active'), 0, 'two queues are polled');
        assert.ok(logLines.some((l) => l.includes('more queues than the notification service takes')));
      },
    );
  });

  test("with the default limit, one OAuth client opens at most the service's 20 channels; the 21st and 22nd queue are left to polling", async () => {
    assert.equal(MAX_CHANNELS_PER_CLIENT, SERVICE_MAX_CHANNELS, "the exporter's limit is the notification service's");
    const simulator = await startSimulator({
      port: 0,
      seed: 3,
      notificationHeartbeatSeconds: 0.5,
      orgSize: { queues: 22, divisions: 1, arrivalsPerMinute: 5, agents: 10 },
    });
    // The stream manager of the exporter on a real client and the simulator's notification service; the client's
    // budget is raised past the org's 300/min (the configuration would refuse it) so the 40 calls go at once:
    // what is checked here is the channel limit, not the budget.
    const client = createGenesysClient({
      apiUrl: simulator.url,
      loginUrl: simulator.url,
      credentials: { clientId: simulator.clientId, clientSecret: simulator.clientSecret },
      requestsPerMinute: 6000,
    });
    const logLines: string[] = [];
    const manager = new StreamManager(
      client,
      { topicsPerChannel: 1, timings: DEFAULT_TIMINGS },
      { onObservations: () => {}, onStateChange: () => {}, onFallback: () => {}, onRecovered: () => {} },
      createLogger({ write: (line) => logLines.push(line) }),
    );
    try {
      await client.start();
      const sim = new SimulatorClient(simulator.url);
      const queueIds = (await sim.queues()).map((q) => q.id);
      assert.equal(queueIds.length, 22);
      manager.sync(queueIds);
      await until('20 queues streamed', async () => (manager.streamed().size === 20 ? true : undefined));
      assert.equal(await channelPosts(sim), 20, 'never more than 20 channels');
      assert.equal(manager.plannedPolled(queueIds), 2, 'the two queues past the channels are polled');
      assert.ok(logLines.some((l) => l.includes('more queues than the notification service takes')));
    } finally {
      manager.stop();
      await client.close();
      await simulator.close();
    }
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
