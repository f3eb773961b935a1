// What goes over the wire for the two analytics queries, and how their responses come back typed.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeGenesys } from './support/fake-genesys.ts';
import { clientFor } from './support/client-for.ts';
import { queueObservationQuery, OBSERVATION_METRICS } from '../../../exporter/genesys/queue-observations.ts';
import type { AggregationQuery } from '../../../exporter/genesys/conversation-aggregates.ts';

const AGGREGATES = {
  results: [
    {
      group: { queueId: 'q1', mediaType: 'voice' },
      data: [
        {
          interval: '2026-11-29T15:00:00.000Z/2026-11-29T15:01:00.000Z',
          metrics: [
            { metric: 'nOffered', stats: { count: 12 } },
            { metric: 'tAnswered', stats: { max: 45157, min: 2324, count: 9, sum: 140279 } },
            { metric: 'oServiceLevel', stats: { ratio: 0.7, numerator: 7, denominator: 10, target: 0.8 } },
            { metric: 'tSomethingNew', stats: { count: 1, sum: 5 } },
          ],
          views: [{ name: 'tAnsweredLt20s', stats: { count: 7 } }],
        },
      ],
    },
  ],
};

describe('analytics endpoints', () => {
  test('observations: the query is POSTed as JSON, the response comes back with its groups and data', async () => {
    const body = {
      systemToOrganizationMappings: { AVAILABLE: ['p1'] },
      results: [{ group: { queueId: 'q1' }, data: [{ metric: 'oUserRoutingStatuses', qualifier: 'IDLE', stats: { count: 3 } }] }],
    };
    const fake = await startFakeGenesys({ api: () => ({ status: 200, body }) });
    const client = clientFor(fake);
    try {
      const query = queueObservationQuery(['q1', 'q2']);
      const response = await client.queryQueueObservations(query);
      const [call] = fake.apiCalls();
      assert.equal(call?.method, 'POST');
      assert.equal(call?.path, '/api/v2/analytics/queues/observations/query');
      assert.equal(call?.headers['content-type'], 'application/json');
      assert.deepEqual(JSON.parse(call.body), {
        filter: {
          type: 'or',
          predicates: [
            { type: 'dimension', dimension: 'queueId', operator: 'matches', value: 'q1' },
            { type: 'dimension', dimension: 'queueId', operator: 'matches', value: 'q2' },
          ],
        },
        metrics: [...OBSERVATION_METRICS],
        detailMetrics: ['oWaiting'],
      });
      assert.deepEqual(response.results[0]?.data[0], { metric: 'oUserRoutingStatuses', qualifier: 'IDLE', stats: { count: 3 } });
      assert.deepEqual(response.systemToOrganizationMappings, { AVAILABLE: ['p1'] });
    } finally {
      await client.close();
      await fake.close();
    }
  });

  test('aggregates: typed metrics and views; metrics we do not know are dropped; {} means no results', async () => {
    const fake = await startFakeGenesys({ api: (n) => ({ status: 200, body: n === 1 ? AGGREGATES : {} }) });
    const client = clientFor(fake);
    const query: AggregationQuery = {
      interval: '2026-11-29T15:00:00.000Z/2026-11-29T15:05:00.000Z',
      granularity: 'PT1M',
      groupBy: ['queueId', 'mediaType'],
      filter: { type: 'or', predicates: [{ dimension: 'queueId', value: 'q1' }] },
      metrics: ['nOffered', 'tAnswered', 'oServiceLevel'],
      views: [{ target: 'tAnswered', function: 'rangeBound', range: { lt: 20000 }, name: 'tAnsweredLt20s' }],
    };
    try {
      const response = await client.queryConversationAggregates(query);
      assert.deepEqual(JSON.parse(fake.apiCalls()[0]!.body), query);
      const interval = response.results[0]?.data[0];
      assert.deepEqual(
        interval?.metrics.map((m) => m.metric),
        ['nOffered', 'tAnswered', 'oServiceLevel'],
      );
      const answered = interval?.metrics.find((m) => m.metric === 'tAnswered');
      assert.deepEqual(answered?.stats, { max: 45157, min: 2324, count: 9, sum: 140279 });
      assert.deepEqual(interval?.views, [{ name: 'tAnsweredLt20s', stats: { count: 7 } }]);
      assert.deepEqual((await client.queryConversationAggregates(query)).results, []);
    } finally {
      await client.close();
      await fake.close();
    }
  });
});
