// The client against hostile or broken answers (a scripted Genesys on loopback, real HTTP): a body that
// stalls after the headers, redirects, huge bodies, long Retry-After, a persistent 401, more than
// 10,000 queues, and answers whose content cannot be trusted. Each states the expected behaviour.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startFakeGenesys } from './support/fake-genesys.ts';
import { clientFor } from './support/client-for.ts';
import { capturingLogger } from './support/recorders.ts';
import {
  AuthenticationError,
  MalformedResponseError,
  RateLimitedError,
  RedirectRefusedError,
  RequestTimeoutError,
} from '../../../exporter/genesys/errors/index.ts';
import { queueObservationQuery } from '../../../exporter/genesys/queue-observations.ts';
import { analyticsMaxResponseBytes } from '../../../exporter/genesys/response-limits.ts';
import { noTelemetry } from '../../../exporter/genesys/telemetry.ts';
import { sendAttempt } from '../../../exporter/genesys/transport.ts';

const settle = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    (value) => ({ value }),
    (error: unknown) => error,
  );

/** `promise`'s outcome, or 'still pending' after `ms` (a hang is a failure, not a test timeout). */
async function within(ms: number, promise: Promise<unknown>): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([settle(promise), new Promise((resolve) => (timer = setTimeout(() => resolve('still pending'), ms)))]);
  clearTimeout(timer);
  return outcome;
}

describe('the request deadline covers the whole response', () => {
  // fetch ties the body to the abort signal only through its Request object; once the garbage collector
  // takes that, a stalled body never timed out. A full collection every 50 ms (six within the 300 ms timeout)
  // makes it happen: without the reader's cancel on abort (transport.ts) both tests failed in each of 3 runs.
  // (Every 10 ms did too, for twice the CPU: in a test lane worker each collection walks a large heap.)
  const GC_EVERY_MS = 50;
  test('one attempt whose body stalls after the headers ends as a timeout, even while garbage is collected', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const fake = await startFakeGenesys({ api: () => ({ status: 200, body: { entities: [], pageCount: 1 }, stallMidBody: true }) });
    const collector = setInterval(gc, GC_EVERY_MS);
    try {
      const attempt = sendAttempt(
        { endpoint: 'routing_queues', url: new URL(`${fake.url}/api/v2/routing/queues`), method: 'GET', headers: {}, maxResponseBytes: 1_000_000 },
        { timeoutMs: 300, closeSignal: new AbortController().signal, telemetry: noTelemetry },
      );
      assert.deepEqual(await within(10_000, attempt), { value: { kind: 'timeout' } });
    } finally {
      clearInterval(collector);
      await fake.close();
    }
  });

  test('a body that stalls after the headers times out at requestTimeoutMs, even while garbage is collected', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const fake = await startFakeGenesys({ api: () => ({ status: 200, body: { entities: [], pageCount: 1 }, stallMidBody: true }) });
    const client = clientFor(fake, { requestTimeoutMs: 300, maxRetries: 0 });
    let collector: NodeJS.Timeout | undefined;
    try {
      // Logged in before the collections start: the stalled body is what must time out under them. With a full
      // collection every 10 ms, a busy machine could not finish the login within its 300 ms either (seen in the
      // fast lane: LoginCircuitOpenError instead of the timeout under test).
      await client.start();
      collector = setInterval(gc, GC_EVERY_MS);
      const outcome = await within(10_000, client.listQueues());
      assert.ok(outcome instanceof RequestTimeoutError, `got ${String(outcome)}`);
    } finally {
      clearInterval(collector);
      await client.close();
      await fake.close();
    }
  });
});

describe('redirects are refused, never followed', () => {
  test('an API redirect to another host fails the request and the other host receives nothing', async () => {
    const foreign = await startFakeGenesys({ api: () => ({ status: 200, body: { entities: [], pageCount: 1 } }) });
    const fake = await startFakeGenesys({ api: () => ({ status: 302, headers: { Location: `${foreign.url}/api/v2/routing/queues` }, body: '' }) });
    const client = clientFor(fake);
    try {
      await client.start();
      const outcome = await settle(client.listQueues());
      assert.ok(outcome instanceof RedirectRefusedError, `got ${String(outcome)}`);
      assert.match(outcome.message, new RegExp(`redirect to ${foreign.url.replace(/[.]/g, '\\.')}`));
      assert.equal(foreign.requests.length, 0, 'the foreign host was called');
      assert.equal(fake.apiCalls().length, 1, 'a redirect is not retried');
    } finally {
      await client.close();
      await fake.close();
      await foreign.close();
    }
  });

  test('a login redirect is refused: no foreign token is taken', async () => {
    const foreign = await startFakeGenesys();
    const fake = await startFakeGenesys({ login: () => ({ status: 307, headers: { Location: `${foreign.url}/oauth/token` }, body: '' }) });
    const client = clientFor(fake);
    try {
      const outcome = await settle(client.start());
      assert.ok(outcome instanceof RedirectRefusedError, `got ${String(outcome)}`);
      assert.equal(foreign.requests.length, 0, 'the client secret went to the foreign host');
    } finally {
      await client.close();
      await fake.close();
      await foreign.close();
    }
  });
});

describe('response size limit', () => {
  test('a body larger than the limit is aborted while streaming and fails the request', async () => {
    // The smallest limit of an API answer, an observation query for one queue's (8.5 MB), and half a MB more:
    // every byte sent is read and decoded before the limit trips.
    const limit = analyticsMaxResponseBytes(1);
    const huge = `{"results":[],"padding":"${'x'.repeat(limit + 512 * 1024)}"}`;
    // Without Content-Length (chunked), so the limit must be enforced while reading.
    const fake = await startFakeGenesys({ api: () => ({ status: 200, headers: { 'Transfer-Encoding': 'chunked' }, body: huge }) });
    // A timeout far beyond the read (a starved machine took over 5 s): the size limit, not the clock, must end it.
    const client = clientFor(fake, { maxRetries: 0, requestTimeoutMs: 60_000 });
    try {
      await client.start();
      const outcome = await settle(client.queryQueueObservations(queueObservationQuery(['q1'])));
      assert.ok(outcome instanceof MalformedResponseError, `got ${String(outcome)}`);
      assert.match(outcome.message, new RegExp(`body larger than ${limit} bytes \\(aborted while reading\\)`));
    } finally {
      await client.close();
      await fake.close();
    }
  });
});

describe('limits: Retry-After, repeated auth failures', () => {
  test('a long Retry-After is honoured in full: the request fails at once, nothing is sent inside the window, and it is logged', async () => {
    const fake = await startFakeGenesys({
      api: (n) =>
        n === 1
          ? { status: 429, headers: { 'Retry-After': '90' }, body: { message: 'Rate limit exceeded', code: 'too.many.requests.retry.after', status: 429 } }
          : undefined,
    });
    const { logger, lines } = capturingLogger();
    const client = clientFor(fake, { logger });
    try {
      await client.start();
      const first = await within(5_000, client.listQueues());
      assert.ok(first instanceof RateLimitedError, `first: got ${String(first)}`);
      const second = await within(5_000, client.queryQueueObservations(queueObservationQuery(['q1'])));
      assert.ok(second instanceof RateLimitedError, `second: got ${String(second)}`);
      const until = /no requests before (\S+) \(Retry-After\)/.exec(second.message)?.[1];
      assert.ok(until !== undefined && Date.parse(until) > Date.now() + 80_000, `paused until ${until}`);
      assert.equal(fake.apiCalls().length, 1, 'a request was sent inside the Retry-After window');
      assert.ok(
        lines.some((line) => line.includes('long Retry-After') && line.includes('"retry_after_seconds":90')),
        'no log line for the long Retry-After',
      );
    } finally {
      await client.close();
      await fake.close();
    }
  });

  test('a request already waiting for a slot when a long Retry-After starts fails at once instead of waiting it out', async () => {
    const fake = await startFakeGenesys({
      api: (n) =>
        n === 1 ? { status: 429, headers: { 'Retry-After': '90' }, body: { message: 'Rate limit exceeded', status: 429 }, delayMs: 200 } : undefined,
    });
    const client = clientFor(fake, { maxConcurrency: 1 });
    try {
      await client.start();
      const first = settle(client.listQueues());
      const waiting = within(5_000, client.listQueues());
      assert.ok((await first) instanceof RateLimitedError);
      const outcome = await waiting;
      assert.ok(outcome instanceof RateLimitedError, `the waiting request: got ${String(outcome)}`);
      assert.equal(fake.apiCalls().length, 1);
    } finally {
      await client.close();
      await fake.close();
    }
  });

  test('a persistent 401 does not fetch a new token on every request: the client backs off', async () => {
    const fake = await startFakeGenesys({
      api: () => ({ status: 401, body: { message: 'Invalid login credentials.', code: 'bad.credentials', status: 401 } }),
    });
    const client = clientFor(fake, { loginCircuit: { failureThreshold: 3, openBaseMs: 60_000, openMaxMs: 60_000 } });
    try {
      await client.start();
      for (let poll = 0; poll < 10; poll += 1) {
        const outcome = await settle(client.listQueues());
        assert.ok(outcome instanceof AuthenticationError, `poll ${poll}: got ${String(outcome)}`);
      }
      assert.equal(fake.logins().length, 2, 'the first token and one refresh after the first 401');
      assert.equal(fake.apiCalls().length, 2, 'one request and its retry with the fresh token');
    } finally {
      await client.close();
      await fake.close();
    }
  });
});

describe('queue catalog paging', () => {
  test('lists more than 10,000 queues (101 pages)', async () => {
    const queues = Array.from({ length: 10_050 }, (_, i) => ({ id: `q${i}`, name: `Queue ${String(i).padStart(5, '0')}` }));
    const fake = await startFakeGenesys({ queues });
    // A budget of 1,000 requests/s: the pages, not the pace, are under test (at 100/s they took a second).
    const client = clientFor(fake, { requestsPerMinute: 60_000 });
    try {
      const listed = await client.listQueues();
      assert.equal(listed.length, 10_050);
      assert.equal(new Set(listed.map((q) => q.id)).size, 10_050);
    } finally {
      await client.close();
      await fake.close();
    }
  });
});

describe('answers are validated against what the exporter relies on', () => {
  async function observe(body: unknown, ids: string[] = ['q1', 'q2']): Promise<unknown> {
    const fake = await startFakeGenesys({ api: () => ({ status: 200, body }) });
    const client = clientFor(fake, { maxRetries: 0 });
    try {
      return await settle(client.queryQueueObservations(queueObservationQuery(ids)));
    } finally {
      await client.close();
      await fake.close();
    }
  }
  const userGroup = (queueId: string, count: unknown = 1) => ({ group: { queueId }, data: [{ metric: 'oMemberUsers', stats: { count } }] });

  test('an empty answer is not "zero for every queue"', async () => {
    for (const body of [{}, { results: [] }]) {
      const outcome = await observe(body);
      assert.ok(outcome instanceof MalformedResponseError, `${JSON.stringify(body)}: got ${String(outcome)}`);
      assert.match(outcome.message, /none of the 2 queues asked for/);
    }
  });

  test('a group without a queue id, or for a queue not asked for, fails with its JSON path', async () => {
    const cases: [unknown, RegExp][] = [
      [{ results: [userGroup('q1'), { group: {}, data: [] }] }, /results\[1\]\.group\.queueId should be a string/],
      [{ results: [userGroup('q1'), userGroup('other')] }, /results\[1\]\.group\.queueId "other" was not asked for/],
    ];
    for (const [body, message] of cases) {
      const outcome = await observe(body);
      assert.ok(outcome instanceof MalformedResponseError, `got ${String(outcome)}`);
      assert.match(outcome.message, message);
    }
  });

  test('string, negative and non-finite numbers fail with their JSON path', async () => {
    for (const [count, shown] of [
      ['7', 'string'],
      [-1, '-1'],
    ] as const) {
      const outcome = await observe({ results: [userGroup('q1'), userGroup('q2', count)] });
      assert.ok(outcome instanceof MalformedResponseError, `count ${count}: got ${String(outcome)}`);
      assert.match(outcome.message, new RegExp(`results\\[1\\]\\.data\\[0\\]\\.stats\\.count should be a finite number ≥ 0, got ${shown}`));
    }
  });

  test('unknown media types and routing statuses are dropped (no new series), known data kept', async () => {
    const outcome = await observe({
      results: [
        userGroup('q1'),
        { group: { queueId: 'q1', mediaType: 'carrier-pigeon' }, data: [{ metric: 'oWaiting', stats: { count: 3 } }] },
        {
          group: { queueId: 'q2' },
          data: [
            { metric: 'oUserRoutingStatuses', qualifier: 'DAYDREAMING', stats: { count: 2 } },
            { metric: 'oUserRoutingStatuses', qualifier: 'IDLE', stats: { count: 1 } },
          ],
        },
      ],
    });
    const response = (outcome as { value: Awaited<ReturnType<ReturnType<typeof clientFor>['queryQueueObservations']>> }).value;
    assert.ok(response !== undefined, `got ${String(outcome)}`);
    assert.deepEqual(
      response.results.map((r) => r.group),
      [{ queueId: 'q1' }, { queueId: 'q2' }],
    );
    assert.deepEqual(
      response.results[1]!.data.map((d) => d.qualifier),
      ['IDLE'],
    );
    assert.deepEqual(response.dropped, { mediaTypes: ['carrier-pigeon'], routingStatuses: ['DAYDREAMING'] });
  });

  test('a queue page with a service level that is not a number fails (no "NaN" label)', async () => {
    const fake = await startFakeGenesys({
      api: () => ({
        status: 200,
        body: { entities: [{ id: 'q1', name: 'Sales', mediaSettings: { call: { serviceLevel: { percentage: 0.8, durationMs: 'soon' } } } }], pageCount: 1 },
      }),
    });
    const client = clientFor(fake, { maxRetries: 0 });
    try {
      const outcome = await settle(client.listQueues());
      assert.ok(outcome instanceof MalformedResponseError, `got ${String(outcome)}`);
      assert.match(outcome.message, /entities\[0\]\.mediaSettings\.call\.serviceLevel\.durationMs should be a finite number ≥ 0, got string/);
    } finally {
      await client.close();
      await fake.close();
    }
  });
});
