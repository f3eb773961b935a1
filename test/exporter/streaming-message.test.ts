// Messages of the notification socket, shaped as the official SDK declares them: the topic
// v2.analytics.queues.{id}.observations maps to StatEventQueueTopicStatsNotification
// ({group: {string: string}, data: [{interval, metrics: [{metric, qualifier, stats: {string: number}}]}]}),
// in the envelope {topicName, version, eventBody, metadata: {CorrelationId}} (see docs/genesys-api.md).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readNotification } from '../../exporter/streaming/notification-message.ts';

const QUEUE = '6b2c1d7e-0000-4000-8000-000000000001';
const TOPIC = `v2.analytics.queues.${QUEUE}.observations`;

const message = (eventBody: unknown, topicName = TOPIC): string =>
  JSON.stringify({ topicName, version: '2', eventBody, metadata: { CorrelationId: '7f0c2a51-1111-4222-8333-444455556666' } });

describe('notification messages (SDK shapes)', () => {
  test('observations: an instant interval with some of the metrics is read as those metrics of the group', () => {
    const event = readNotification(
      message({
        group: { queueId: QUEUE, mediaType: 'voice' },
        data: [
          {
            interval: '2026-11-30T09:46:54.839Z/2026-11-30T09:46:54.839Z',
            metrics: [
              { metric: 'oAlerting', stats: { count: 0 } },
              { metric: 'oWaiting', stats: { count: 4 } },
            ],
          },
        ],
      }),
    );
    assert.equal(event.kind, 'observations');
    assert.ok(event.kind === 'observations');
    assert.equal(event.queueId, QUEUE);
    assert.deepEqual(event.results, [
      {
        group: { queueId: QUEUE, mediaType: 'voice' },
        data: [
          { metric: 'oAlerting', stats: { count: 0 } },
          { metric: 'oWaiting', stats: { count: 4 } },
        ],
      },
    ]);
  });

  test('the members group: routing statuses by qualifier; unknown statuses are dropped as in a query answer', () => {
    const event = readNotification(
      message({
        group: { queueId: QUEUE },
        data: [
          {
            interval: '2026-11-30T09:46:54.839Z/2026-11-30T09:46:54.839Z',
            metrics: [
              { metric: 'oUserRoutingStatuses', qualifier: 'IDLE', stats: { count: 3 } },
              { metric: 'oUserRoutingStatuses', qualifier: 'SOMETHING_NEW', stats: { count: 1 } },
              { metric: 'oOnQueueUsers', stats: { count: 5 } },
            ],
          },
        ],
      }),
    );
    assert.ok(event.kind === 'observations');
    assert.deepEqual(event.results[0]?.group, { queueId: QUEUE });
    assert.deepEqual(
      event.results[0]?.data.map((d) => [d.metric, d.qualifier, d.stats.count]),
      [
        ['oUserRoutingStatuses', 'IDLE', 3],
        ['oOnQueueUsers', undefined, 5],
      ],
    );
  });

  test("the topic's conversation aggregates (30-minute interval, t/n metrics, oServiceLevel) are not observations", () => {
    const event = readNotification(
      message({
        group: { queueId: QUEUE, mediaType: 'voice' },
        data: [
          {
            interval: '2026-11-30T09:30:00.000Z/2026-11-30T10:00:00.000Z',
            metrics: [
              { metric: 'tAlert', stats: { count: 1, sum: 8277, min: 8277, max: 8277 } },
              { metric: 'nOffered', stats: { count: 2 } },
              { metric: 'oServiceLevel', stats: { ratio: 0, numerator: 0, denominator: 2, target: 0.5 } },
            ],
          },
        ],
      }),
    );
    assert.deepEqual(event, { kind: 'ignored' });
  });

  test('a message mixing both: only the observation metrics are read; the last entry of a metric wins', () => {
    const event = readNotification(
      message({
        group: { queueId: QUEUE, mediaType: 'chat' },
        data: [
          { interval: '2026-11-30T09:30:00.000Z/2026-11-30T10:00:00.000Z', metrics: [{ metric: 'nOffered', stats: { count: 9 } }] },
          { interval: '2026-11-30T09:46:50.000Z/2026-11-30T09:46:50.000Z', metrics: [{ metric: 'oWaiting', stats: { count: 1 } }] },
          { interval: '2026-11-30T09:46:54.000Z/2026-11-30T09:46:54.000Z', metrics: [{ metric: 'oWaiting', stats: { count: 2 } }] },
        ],
      }),
    );
    assert.ok(event.kind === 'observations');
    assert.deepEqual(event.results[0]?.data, [{ metric: 'oWaiting', stats: { count: 2 } }]);
  });

  test('wrong shapes are problems naming the field, with the queue (so it can be polled instead)', () => {
    const cases: [unknown, RegExp][] = [
      [{ group: { queueId: QUEUE }, data: [{ interval: 'x', metrics: [{ metric: 'oWaiting', stats: { count: 'many' } }] }] }, /stats\.count/],
      [{ group: { queueId: 'another-queue' }, data: [{ interval: 'x', metrics: [{ metric: 'oWaiting', stats: { count: 1 } }] }] }, /was not asked for/],
      [{ group: { queueId: QUEUE }, data: { metrics: [] } }, /eventBody\.data should be an array/],
      [{ group: { queueId: QUEUE }, data: [{ interval: 'x' }] }, /eventBody\.data\[0\]\.metrics/],
      ['a string', /eventBody should be an object/],
    ];
    for (const [body, problem] of cases) {
      const event = readNotification(message(body));
      assert.equal(event.kind, 'ignored');
      assert.ok(event.kind === 'ignored');
      assert.equal(event.queueId, QUEUE);
      assert.match(event.problem ?? '', problem);
    }
  });

  test('heartbeat, closing warning, other topics, not JSON', () => {
    assert.deepEqual(readNotification(message({ message: 'WebSocket Heartbeat' }, 'channel.metadata')), { kind: 'heartbeat' });
    assert.deepEqual(readNotification(message({ message: 'pong' }, 'channel.metadata')), { kind: 'heartbeat' });
    assert.deepEqual(readNotification(message({ message: 'Socket closing' }, 'v2.system.socket_closing')), { kind: 'closing' });
    assert.deepEqual(readNotification(message({}, `v2.analytics.queues.${QUEUE}.activity`)), { kind: 'ignored' });
    assert.deepEqual(readNotification('{'), { kind: 'ignored', problem: 'not JSON' });
  });
});
