// Streaming mode end to end: a real exporter against the real simulator's notification service (HTTP and
// WebSocket on loopback), on the simulator's manual clock. No timing assertions: the observation poll
// interval is set so long that only streaming can bring a change to /metrics within the test's wait.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startExporter, type RunningExporter } from '../../exporter/app.ts';
import { parseConfig } from '../../exporter/config.ts';
import { createLogger } from '../../exporter/log.ts';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.ts';
import { parseExposition, sampleValue } from '../support/exposition.ts';
import { get } from '../support/http-client.ts';
import { waitFor } from '../../stack/wait-for.ts';
import { SimulatorClient } from '../../stack/simulator-client.ts';
import { simulatorArgs, simulatorCredentials } from '../support/simulator-target.ts';

function args(simulatorUrl: string, observationsInterval: string, mode = 'streaming'): string[] {
  return simulatorArgs(simulatorUrl, { queues: '5s', observations: observationsInterval, aggregates: '60s' }, [
    `--collector.observations.mode=${mode}`,
    '--collector.aggregates.window=2h',
    '--collector.staleness=5m',
    '--genesys.requests-per-minute=300',
  ]);
}

const TIMINGS = {
  heartbeatTimeoutMs: 5000,
  renewBeforeExpiryMs: 3_600_000,
  minSubscribeSpacingMs: 500,
  rejectedRetryMs: 500,
  backoff: { baseMs: 100, maxMs: 1000 },
};

async function startStreamingExporter(
  simulator: SimulatorHandle,
  sim: SimulatorClient,
  observationsInterval: string,
  logLines: string[],
  mode = 'streaming',
  tuning: { timings?: Partial<typeof TIMINGS>; topicsPerChannel?: number } = {},
): Promise<RunningExporter> {
  const config = parseConfig(args(simulator.url, observationsInterval, mode), simulatorCredentials(simulator));
  return startExporter(config, {
    logger: createLogger({ level: 'info', write: (line) => logLines.push(line) }),
    now: () => sim.nowMs,
    streaming: {
      timings: { ...TIMINGS, ...tuning.timings },
      resyncIntervalMs: 600_000,
      publishIntervalMs: 100,
      ...(tuning.topicsPerChannel === undefined ? {} : { topicsPerChannel: tuning.topicsPerChannel }),
    },
  });
}

const scrape = async (exporter: RunningExporter) => parseExposition((await get(`${exporter.url}/metrics`)).body);
const metric = async (exporter: RunningExporter, name: string, labels: Record<string, string> = {}) => sampleValue(await scrape(exporter), name, labels);
const until = <T>(what: string, check: () => Promise<T | undefined>) => waitFor(what, check, { timeoutMs: 20_000, intervalMs: 50 });

describe('streaming mode: observations through the notification service', () => {
  let simulator: SimulatorHandle;
  let sim: SimulatorClient;
  let exporter: RunningExporter;
  const logLines: string[] = [];
  before(async () => {
    simulator = await startSimulator({
      port: 0,
      seed: 5,
      clock: 'manual',
      notificationHeartbeatSeconds: 0.5,
      orgSize: { queues: 6, divisions: 1, arrivalsPerMinute: 20, agents: 30 },
    });
    sim = new SimulatorClient(simulator.url);
    await sim.syncClock();
    // 60 s between polls: a change on /metrics within the wait below can only have come by streaming.
    exporter = await startStreamingExporter(simulator, sim, '60s', logLines);
  });
  after(async () => {
    await exporter?.close();
    await simulator?.close();
  });

  test('a surge reaches /metrics without waiting for a poll; the REST calls share the API client', async () => {
    await until('ready', async () => ((await get(`${exporter.url}/-/ready`)).status === 200 ? true : undefined));
    await until('every queue streamed', async () => ((await metric(exporter, 'genesys_exporter_streaming_active')) === 1 ? true : undefined));
    assert.equal(await metric(exporter, 'genesys_exporter_streaming_queues'), 6);
    const queue = (await sim.queues())[0]!;
    const media = queue.media[0]!;
    const before = await metric(exporter, 'genesys_queue_depth', { queue_id: queue.id, media_type: media });
    await sim.startScenario({ scenario: 'surge', queueId: queue.id, factor: 40 });
    await sim.advanceBy(15 * 60_000);
    const truth = (await sim.truthNow()).queues.find((q) => q.queueId === queue.id)!;
    const waiting = truth.media.find((m) => m.mediaType === media)!.waiting;
    assert.notEqual(waiting, before, 'the surge changed the depth');
    await until('the new depth on /metrics', async () =>
      (await metric(exporter, 'genesys_queue_depth', { queue_id: queue.id, media_type: media })) === waiting ? true : undefined,
    );
    // Agents by routing status follow too (the members group of the same topic).
    const idle = truth.agents.IDLE;
    await until('agents by routing status', async () =>
      (await metric(exporter, 'genesys_queue_agents', { queue_id: queue.id, routing_status: 'idle' })) === idle ? true : undefined,
    );
    // Every queue's every value matches the org, although most messages carry only the metrics that
    // changed: a metric a message leaves out keeps its value (it is not zeroed).
    await until('every streamed value equal to the org', async () => {
      const samples = await scrape(exporter);
      const org = await sim.truthNow();
      const wrong = org.queues.flatMap((q) => [
        ...q.media.flatMap((m) =>
          (
            [
              ['genesys_queue_depth', m.waiting],
              ['genesys_queue_interacting', m.interacting],
              ['genesys_queue_alerting', m.alerting],
            ] as const
          ).filter(([name, value]) => sampleValue(samples, name, { queue_id: q.queueId, media_type: m.mediaType }) !== value),
        ),
        ...Object.entries(q.agents).filter(
          ([status, count]) => sampleValue(samples, 'genesys_queue_agents', { queue_id: q.queueId, routing_status: status.toLowerCase() }) !== count,
        ),
      ]);
      return wrong.length === 0 ? true : undefined;
    });
    assert.ok((await metric(exporter, 'genesys_exporter_streaming_messages_total'))! > 0);
    // Channel creation and subscriptions went through the exporter's client: its telemetry and token.
    const requests = (await sim.requests()).requests.filter((r) => r.endpoint === 'notifications');
    assert.ok(requests.some((r) => r.method === 'POST' && r.path === '/api/v2/notifications/channels' && r.status === 200));
    assert.ok(requests.some((r) => r.method === 'PUT' && r.status === 200));
    assert.ok(requests.every((r) => r.tokenPresented));
    const samples = await scrape(exporter);
    assert.ok(
      samples.some((s) => s.name === 'genesys_exporter_api_requests_total' && s.labels['endpoint'] === 'notifications'),
      'counted in the API telemetry',
    );
    await sim.endScenarios();
  });
});

describe('streaming mode: faults fall back to polling and back', () => {
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

  test('a dropped socket: counted as a fallback, then streaming again', async () => {
    const before = await fallbacks('socket_failed');
    await sim.startFault({ fault: 'notification-socket-drop' });
    await until('a socket_failed fallback', async () => ((await fallbacks('socket_failed')) > before ? true : undefined));
    await streamingBack();
    assert.ok(logLines.some((l) => l.includes('streaming unavailable for some queues')));
    assert.ok(logLines.some((l) => l.includes('streaming recovered')));
  });

  test('a reset while the streaming host stays down: polled meanwhile with no series missing, then streaming again', async () => {
    const before = await fallbacks('socket_failed');
    const queues = await sim.queues();
    const series = queues.flatMap((q) => q.media.map((media) => ({ queue_id: q.id, media_type: media })));
    /** Every queue's depth is on /metrics in every scrape of the outage: the fallback leaves no gap. */
    const scrapeWhole = async () => {
      const samples = await scrape(exporter);
      const missing = series.filter((labels) => sampleValue(samples, 'genesys_queue_depth', labels) === undefined);
      assert.deepEqual(missing, [], 'no series missing during the fallback');
      return samples;
    };
    await sim.startFault({ fault: 'notification-socket-drop', refuseSeconds: 4 });
    await until('a socket_failed fallback', async () => ((await fallbacks('socket_failed')) > before ? true : undefined));
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
    // The host is back: reconnected (with backoff), streaming every queue, and values follow the org again.
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

describe('streaming mode: no notification service', () => {
  test('channel creation fails: every queue is polled, fallback channel_unavailable, values still served', async () => {
    const simulator = await startSimulator({ port: 0, seed: 9, clock: 'manual', orgSize: { queues: 3, divisions: 1, arrivalsPerMinute: 10, agents: 10 } });
    const sim = new SimulatorClient(simulator.url);
    await sim.syncClock();
    await sim.startFault({ fault: 'api-5xx', endpoint: 'notifications', status: 503 });
    const logLines: string[] = [];
    const exporter = await startStreamingExporter(simulator, sim, '1s', logLines);
    try {
      await until('a channel_unavailable fallback', async () =>
        ((await metric(exporter, 'genesys_exporter_streaming_fallbacks_total', { reason: 'channel_unavailable' })) ?? 0) > 0 ? true : undefined,
      );
      await until('ready from polls', async () => ((await get(`${exporter.url}/-/ready`)).status === 200 ? true : undefined));
      assert.equal(await metric(exporter, 'genesys_exporter_streaming_active'), 0);
      assert.equal(await metric(exporter, 'genesys_exporter_streaming_queues'), 0);
      const queue = (await sim.queues())[0]!;
      const truth = (await sim.truthNow()).queues.find((q) => q.queueId === queue.id)!;
      await until('polled depth', async () =>
        (await metric(exporter, 'genesys_queue_depth', { queue_id: queue.id, media_type: truth.media[0]!.mediaType })) === truth.media[0]!.waiting
          ? true
          : undefined,
      );
      await sim.clearFaults();
      await until('streaming once the service answers', async () => ((await metric(exporter, 'genesys_exporter_streaming_active')) === 1 ? true : undefined));
    } finally {
      await exporter.close();
      await simulator.close();
    }
  });

  test('polling mode opens no channel', async () => {
    const simulator = await startSimulator({ port: 0, seed: 9, clock: 'manual', orgSize: { queues: 2, divisions: 1, arrivalsPerMinute: 10, agents: 10 } });
    const sim = new SimulatorClient(simulator.url);
    await sim.syncClock();
    const exporter = await startStreamingExporter(simulator, sim, '1s', [], 'polling');
    try {
      await until('ready', async () => ((await get(`${exporter.url}/-/ready`)).status === 200 ? true : undefined));
      assert.equal((await sim.requests()).requests.filter((r) => r.endpoint === 'notifications').length, 0);
      assert.equal(await metric(exporter, 'genesys_exporter_streaming_active'), 0);
    } finally {
      await exporter.close();
      await simulator.close();
    }
  });
});
