// Streaming mode end to end: a real exporter against the real simulator's notification service (HTTP and
// WebSocket on loopback), on the simulator's manual clock. No timing assertions: the observation poll
// interval is set so long that only streaming can bring a change to /metrics within the test's wait.
// Faults: streaming-faults*.test.ts; channels and limits: streaming-channels.test.ts; what a publish costs
// and the longest wait: streaming-publish.test.ts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SimulatorClient } from '../../stack/simulator-client.ts';
import { sampleValue } from '../support/exposition.ts';
import { get } from '../support/http-client.ts';
import {
  fallbacks,
  metric,
  type StreamingStack,
  scrape,
  startStreamingStack,
  until,
  untilStreamingActive,
  withStreamingStack,
} from './support/streaming-exporter.ts';

describe('streaming mode: observations through the notification service', () => {
  let stack: StreamingStack;
  before(async () => {
    // 60 s between polls: a change on /metrics within the wait below can only have come by streaming.
    const orgSize = { queues: 6, divisions: 1, arrivalsPerMinute: 20, agents: 30 };
    stack = await startStreamingStack({ seed: 5, heartbeatSeconds: 0.5, orgSize, observationsInterval: '60s' });
  });
  after(() => stack?.close());

  test('a surge reaches /metrics without waiting for a poll; the REST calls share the API client', async () => {
    const { exporter, sim } = stack;
    await until('ready', async () => ((await get(`${exporter.url}/-/ready`)).status === 200 ? true : undefined));
    await untilStreamingActive(exporter);
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

describe('streaming mode: no notification service', () => {
  test('channel creation fails: every queue is polled, fallback channel_unavailable, values still served', async () => {
    const orgSize = { queues: 3, divisions: 1, arrivalsPerMinute: 10, agents: 10 };
    const failNotifications = (sim: SimulatorClient) => sim.startFault({ fault: 'api-5xx', endpoint: 'notifications', status: 503 });
    await withStreamingStack({ seed: 9, orgSize, beforeExporter: failNotifications }, async ({ exporter, sim }) => {
      await until('a channel_unavailable fallback', async () => ((await fallbacks(exporter, 'channel_unavailable')) > 0 ? true : undefined));
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
      await untilStreamingActive(exporter, 'streaming once the service answers');
    });
  });

  test('polling mode opens no channel', async () => {
    const orgSize = { queues: 2, divisions: 1, arrivalsPerMinute: 10, agents: 10 };
    await withStreamingStack({ seed: 9, orgSize, mode: 'polling' }, async ({ exporter, sim }) => {
      await until('ready', async () => ((await get(`${exporter.url}/-/ready`)).status === 200 ? true : undefined));
      assert.equal((await sim.requests()).requests.filter((r) => r.endpoint === 'notifications').length, 0);
      assert.equal(await metric(exporter, 'genesys_exporter_streaming_active'), 0);
    });
  });
});
