import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { startFakeGenesys, type FakeGenesysOptions } from './support/fake-genesys.ts';
import { clientFor } from './support/client-for.ts';
import { recordingTelemetry } from './support/recorders.ts';
import type { GenesysClient, GenesysClientOptions } from '../../../exporter/genesys/client.ts';
import { createGenesysClient } from '../../../exporter/genesys/client.ts';
import {
  BadRequestError,
  MalformedResponseError,
  NetworkError,
  PermissionDeniedError,
  RequestTimeoutError,
  ServerError,
} from '../../../exporter/genesys/errors/index.ts';
import { queueObservationQuery } from '../../../exporter/genesys/queue-observations.ts';

const OBSERVATIONS = { results: [{ group: { queueId: 'q1', mediaType: 'voice' }, data: [{ metric: 'oWaiting', stats: { count: 7 } }] }] };

async function scenario(
  fakeOptions: FakeGenesysOptions,
  clientOptions: Partial<GenesysClientOptions>,
  body: (client: GenesysClient, fake: Awaited<ReturnType<typeof startFakeGenesys>>, telemetry: ReturnType<typeof recordingTelemetry>) => Promise<void>,
): Promise<void> {
  const fake = await startFakeGenesys(fakeOptions);
  const telemetry = recordingTelemetry();
  const client = clientFor(fake, { telemetry, ...clientOptions });
  try {
    await body(client, fake, telemetry);
  } finally {
    await client.close();
    await fake.close();
  }
}

const rejection = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
const apiOutcomes = (telemetry: ReturnType<typeof recordingTelemetry>): string[] =>
  telemetry.record.requests.filter((r) => r.endpoint !== 'oauth_token').map((r) => r.outcome);

describe('retry policy', () => {
  test('5xx is retried with backoff until it succeeds; every attempt reported', async () => {
    await scenario(
      { api: (n) => (n <= 2 ? { status: 503, body: { message: 'unavailable', status: 503 } } : { status: 200, body: OBSERVATIONS }) },
      {},
      async (client, _fake, telemetry) => {
        const response = await client.queryQueueObservations(queueObservationQuery(['q1']));
        assert.deepEqual(response.results[0]?.data[0], { metric: 'oWaiting', stats: { count: 7 } });
        assert.deepEqual(apiOutcomes(telemetry), ['503', '503', '200']);
        assert.ok(telemetry.record.requests.every((r) => r.durationSeconds > 0));
      },
    );
  });

  test('5xx on every attempt: ServerError after 1 + maxRetries attempts', async () => {
    await scenario({ api: () => ({ status: 502, body: 'Bad Gateway' }) }, { maxRetries: 2 }, async (client, fake) => {
      const error = await rejection(client.listQueues());
      assert.ok(error instanceof ServerError, `got ${String(error)}`);
      assert.equal(error.status, 502);
      assert.equal(error.endpoint, 'routing_queues');
      assert.match(error.message, /^GET \/api\/v2\/routing\/queues → HTTP 502: server error on all 3 attempts/);
      assert.match(error.message, /correlation id [0-9a-f-]{36}/);
      assert.equal(fake.apiCalls().length, 3);
    });
  });

  test("400 is not retried and carries Genesys' message", async () => {
    const body = { message: 'Metric oLongestWaiting is not supported', code: 'bad.request', status: 400, contextId: 'c1', details: [], errors: [] };
    await scenario({ api: () => ({ status: 400, body }) }, {}, async (client, fake) => {
      const error = await rejection(client.queryQueueObservations(queueObservationQuery(['q1'])));
      assert.ok(error instanceof BadRequestError, `got ${String(error)}`);
      assert.equal(error.genesysCode, 'bad.request');
      assert.match(error.message, /POST \/api\/v2\/analytics\/queues\/observations\/query → HTTP 400: .*oLongestWaiting is not supported/);
      assert.equal(fake.apiCalls().length, 1);
    });
  });

  test('403 names the permission the OAuth client lacks', async () => {
    await scenario(
      { api: () => ({ status: 403, body: { message: 'Missing permission', code: 'missing.permissions', status: 403 } }) },
      {},
      async (client, fake) => {
        const error = await rejection(client.queryConversationAggregates({ interval: '2026-11-29T15:00:00Z/2026-11-29T15:05:00Z', metrics: ['nOffered'] }));
        assert.ok(error instanceof PermissionDeniedError, `got ${String(error)}`);
        assert.match(error.message, /analytics:conversationAggregate:view/);
        assert.equal(fake.apiCalls().length, 1);
      },
    );
  });

  test('a hanging server: RequestTimeoutError after every attempt timed out', async () => {
    await scenario({ api: () => ({ status: 200, hang: true }) }, { requestTimeoutMs: 150, maxRetries: 1 }, async (client, fake, telemetry) => {
      const error = await rejection(client.listQueues());
      assert.ok(error instanceof RequestTimeoutError, `got ${String(error)}`);
      assert.equal(error.timeoutMs, 150);
      assert.deepEqual(apiOutcomes(telemetry), ['timeout', 'timeout']);
      assert.equal(fake.apiCalls().length, 2);
    });
  });

  test('a body that stalls after the headers also times out', async () => {
    await scenario(
      { api: (n) => (n === 1 ? { status: 200, body: OBSERVATIONS, stallMidBody: true } : undefined) },
      { requestTimeoutMs: 200 },
      async (client, _fake, telemetry) => {
        await client.listQueues();
        assert.deepEqual(apiOutcomes(telemetry), ['timeout', '200']);
      },
    );
  });

  test('truncated JSON is retried at most twice, then MalformedResponseError', async () => {
    await scenario({ api: () => ({ status: 200, body: '{"results": [{"group": {"queueId": "q1"' }) }, { maxRetries: 5 }, async (client, fake) => {
      const error = await rejection(client.queryQueueObservations(queueObservationQuery(['q1'])));
      assert.ok(error instanceof MalformedResponseError, `got ${String(error)}`);
      assert.match(error.message, /not JSON \(\d+ bytes, possibly truncated\)/);
      assert.equal(fake.apiCalls().length, 3);
    });
  });

  test('a malformed body once, then a good one: success', async () => {
    await scenario({ api: (n) => (n === 1 ? { status: 200, body: '<html>gateway</html>' } : { status: 200, body: OBSERVATIONS }) }, {}, async (client) => {
      const response = await client.queryQueueObservations(queueObservationQuery(['q1']));
      assert.equal(response.results.length, 1);
    });
  });

  test('valid JSON of the wrong shape names the offending path', async () => {
    await scenario(
      { api: () => ({ status: 200, body: { results: [{ group: { queueId: 'q1' }, data: [{ metric: 'oWaiting', stats: 'seven' }] }] } }) },
      { maxRetries: 0 },
      async (client) => {
        const error = await rejection(client.queryQueueObservations(queueObservationQuery(['q1'])));
        assert.ok(error instanceof MalformedResponseError, `got ${String(error)}`);
        assert.match(error.message, /results\[0\]\.data\[0\]\.stats should be an object, got string/);
      },
    );
  });

  test('nothing listening: NetworkError with the system error code', async () => {
    const port = await freePort();
    const telemetry = recordingTelemetry();
    const client = createGenesysClient({
      apiUrl: `http://127.0.0.1:${port}`,
      loginUrl: `http://127.0.0.1:${port}`,
      credentials: { clientId: 'id', clientSecret: 'secret-xyz' },
      telemetry,
      backoff: { baseMs: 10, maxMs: 50 },
      loginCircuit: { failureThreshold: 2, openBaseMs: 60_000, openMaxMs: 60_000 },
    });
    try {
      const error = await rejection(client.start());
      // Two refused connections trip the login circuit; the cause is the network error.
      assert.ok(error instanceof Error && error.cause instanceof NetworkError, `got ${String(error)}`);
      assert.match(error.cause.message, /ECONNREFUSED/);
      assert.deepEqual(
        telemetry.record.requests.map((r) => r.outcome),
        ['network_error', 'network_error'],
      );
    } finally {
      await client.close();
    }
  });

  test('an aggregate query with more than 10 views is refused before any request is sent', async () => {
    await scenario({}, {}, async (client, fake) => {
      const views = Array.from({ length: 11 }, (_, i) => ({
        target: 'tAnswered' as const,
        function: 'rangeBound' as const,
        range: { lt: (i + 1) * 1000 },
        name: `lt${i}`,
      }));
      const error = await rejection(
        client.queryConversationAggregates({ interval: '2026-11-29T15:00:00Z/2026-11-29T15:05:00Z', metrics: ['tAnswered'], views }),
      );
      assert.ok(error instanceof BadRequestError, `got ${String(error)}`);
      assert.match(error.message, /at most 10 views are accepted, the query has 11/);
      assert.equal(fake.requests.length, 0);
    });
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
