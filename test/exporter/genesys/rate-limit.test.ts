import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeGenesys, type Scripted } from './support/fake-genesys.ts';
import { clientFor } from './support/client-for.ts';
import { budgetExcess } from './support/budget-windows.ts';
import { recordingTelemetry } from './support/recorders.ts';
import { RateLimitedError } from '../../../exporter/genesys/errors/index.ts';
import { queueObservationQuery } from '../../../exporter/genesys/queue-observations.ts';

const rateLimited = (seconds: string | undefined): Scripted => ({
  status: 429,
  headers: seconds === undefined ? {} : ({ 'Retry-After': seconds } as Record<string, string>),
  body: {
    message: `Rate limit exceeded the maximum. Retry the request in [${seconds ?? 1}] seconds`,
    code: 'too.many.requests.retry.after',
    status: 429,
    details: [],
    errors: [],
  },
});

const AGGREGATE_QUERY = { interval: '2026-11-29T15:00:00.000Z/2026-11-29T15:05:00.000Z', metrics: ['nOffered' as const] };

// The tests run at once: each has its own fake and client, and most of them wait out a Retry-After. Their
// timing checks are lower bounds on waits and upper bounds on counts, which load on the machine cannot make
// pass wrongly.
describe('rate limiter', { concurrency: true }, () => {
  test('the budget check finds a window over the budget: 8 requests at once against a burst of 3 plus 2 of jitter', () => {
    const budget = { maxConcurrency: 3, requestsPerMinute: 600 };
    assert.equal(budgetExcess([300, 0, 200, 100], budget), -4); // at the budget's pace, unsorted: 4 under it
    assert.equal(
      budgetExcess(
        Array.from({ length: 8 }, () => 1_000),
        budget,
      ),
      3,
    );
  });

  test('Retry-After above maxRetryAfterSeconds is capped; the request still succeeds', async () => {
    const fake = await startFakeGenesys({ api: (n) => (n === 1 ? rateLimited('3600') : undefined) });
    const client = clientFor(fake, { maxRetryAfterSeconds: 1 });
    try {
      await client.listQueues();
      const [first, second] = fake.apiCalls();
      assert.equal(first?.status, 429);
      assert.equal(second?.status, 200);
      assert.ok(second.receivedAt - first.respondedAt! >= 1000, 'waited at least the capped second');
    } finally {
      await client.close();
      await fake.close();
    }
  });

  test('a 429 without Retry-After is retried after a backoff', async () => {
    const fake = await startFakeGenesys({ api: (n) => (n === 1 ? rateLimited(undefined) : undefined) });
    const telemetry = recordingTelemetry();
    const client = clientFor(fake, { telemetry });
    try {
      await client.listQueues();
      assert.deepEqual(
        fake.apiCalls().map((c) => c.status),
        [429, 200],
      );
      assert.deepEqual(telemetry.record.rateLimited, [{ endpoint: 'routing_queues', retryAfterSeconds: undefined }]);
    } finally {
      await client.close();
      await fake.close();
    }
  });

  // One retry after a 429, not maxRetries: in a storm the collector run ends within one Retry-After and
  // genesys_up goes to 0 at once (it used to stay 1 for ~35 s while every request went through its retries).
  test('a 429 storm: RateLimitedError after one retry, every attempt counted', async () => {
    const fake = await startFakeGenesys({ api: () => rateLimited('0') });
    const telemetry = recordingTelemetry();
    const client = clientFor(fake, { telemetry, maxRetries: 3 });
    try {
      const error = await client.listQueues().then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof RateLimitedError, `got ${String(error)}`);
      assert.equal(error.status, 429);
      assert.match(error.message, /rate limited \(429\) on all 2 attempts/);
      assert.equal(fake.apiCalls().length, 2);
      assert.equal(telemetry.record.rateLimited.length, 2);
      assert.deepEqual(
        telemetry.record.requests.filter((r) => r.endpoint === 'routing_queues').map((r) => r.outcome),
        ['429', '429'],
      );
    } finally {
      await client.close();
      await fake.close();
    }
  });

  test('attempts in flight never exceed maxConcurrency when responses are slow', async () => {
    const fake = await startFakeGenesys({ api: () => ({ status: 200, body: { results: [{ group: { queueId: 'q1' }, data: [] }] }, delayMs: 150 }) });
    const client = clientFor(fake, { maxConcurrency: 2, requestsPerMinute: 6000 });
    try {
      await Promise.all(Array.from({ length: 8 }, () => client.queryQueueObservations(queueObservationQuery(['q1']))));
      assert.equal(fake.apiCalls().length, 8);
      assert.ok(fake.maxConcurrentApi <= 2, `max in flight ${fake.maxConcurrentApi}`);
    } finally {
      await client.close();
      await fake.close();
    }
  });
});

// After the others, when nothing in this process is starting up: the budget check counts arrivals in windows,
// and a stall of this process's event loop (tests starting beside it) would record a request late and bunch it
// with the next ones. Beside it only the two-second Retry-After test, which sends four requests.
describe('rate limiter over seconds', { concurrency: true }, () => {
  test('a 429 with Retry-After: 2 pauses the WHOLE client: no request of any endpoint arrives inside the window', async () => {
    const fake = await startFakeGenesys({ api: (n) => (n === 1 ? rateLimited('2') : undefined), queues: [{ id: 'q1', name: 'Sales' }] });
    const others: Promise<unknown>[] = [];
    let client: ReturnType<typeof clientFor> | undefined;
    // As soon as the client has seen the 429, other endpoints try to go out.
    const telemetry = recordingTelemetry(() => {
      others.push(client!.listQueues(), client!.queryConversationAggregates(AGGREGATE_QUERY));
    });
    client = clientFor(fake, { telemetry });
    try {
      const response = await client.queryQueueObservations(queueObservationQuery(['q1']));
      await Promise.all(others);
      assert.deepEqual(
        response.results.map((r) => r.group.queueId),
        ['q1'],
      );
      const calls = fake.apiCalls();
      const limited = calls.find((c) => c.status === 429);
      assert.ok(limited?.respondedAt !== undefined);
      const after = calls.filter((c) => c !== limited);
      assert.equal(after.length, 3, 'the retried query and the two other endpoints');
      for (const call of after) {
        assert.ok(call.receivedAt - limited.respondedAt >= 2000, `${call.path} arrived ${(call.receivedAt - limited.respondedAt).toFixed(1)} ms after the 429`);
      }
      assert.deepEqual(telemetry.record.rateLimited, [{ endpoint: 'queue_observations', retryAfterSeconds: 2 }]);
    } finally {
      await client.close();
      await fake.close();
    }
  });

  test('the budget holds in every window (counted from arrival times) and concurrency stays bounded', async () => {
    const fake = await startFakeGenesys({ api: () => undefined });
    const requestsPerMinute = 600;
    const maxConcurrency = 3;
    const client = clientFor(fake, { requestsPerMinute, maxConcurrency });
    try {
      assert.equal(client.requestsPerMinute, requestsPerMinute);
      await client.start();
      await Promise.all(Array.from({ length: 30 }, () => client.listQueues()));
      const arrivals = fake.apiCalls().map((c) => c.receivedAt);
      assert.equal(arrivals.length, 30);
      const worst = budgetExcess(arrivals, { maxConcurrency, requestsPerMinute });
      assert.ok(worst <= 0, `a window held ${worst.toFixed(2)} requests more than the budget allows`);
      assert.ok(fake.maxConcurrentApi <= maxConcurrency, `max in flight ${fake.maxConcurrentApi}`);
    } finally {
      await client.close();
      await fake.close();
    }
  });
});
