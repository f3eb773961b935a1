// The client against the simulated Genesys Cloud org (simulator/), over real HTTP, with faults injected
// through POST /sim/faults and every assertion about traffic read from GET /sim/requests.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type SimulatorHandle, type SimulatorOptions } from '../../../simulator/index.ts';
import { createGenesysClient, type GenesysClient, type GenesysClientOptions } from '../../../exporter/genesys/client.ts';
import { LoginCircuitOpenError, MalformedResponseError } from '../../../exporter/genesys/errors/index.ts';
import { queueObservationQuery } from '../../../exporter/genesys/queue-observations.ts';
import { SimulatorClient } from '../../../stack/simulator-client.ts';
import { waitFor } from '../../../stack/wait-for.ts';
import { FAST_RETRIES } from '../../support/simulator-target.ts';
import { budgetExcess } from './support/budget-windows.ts';
import { apiCalls, logins, requestLog } from './support/request-log.ts';
import { capturingLogger, recordingTelemetry } from './support/recorders.ts';
import { WAIT_TIME_BUCKETS_SECONDS } from '../../../metrics/catalog.ts';

interface Rig {
  readonly sim: SimulatorHandle;
  readonly client: GenesysClient;
  readonly telemetry: ReturnType<typeof recordingTelemetry>;
}

const logged = capturingLogger();

async function withSimulator(simOptions: SimulatorOptions, clientOptions: Partial<GenesysClientOptions>, body: (rig: Rig) => Promise<void>): Promise<void> {
  const sim = await startSimulator({ seed: 42, warmupSeconds: 120, ...simOptions });
  const telemetry = recordingTelemetry();
  const client = createGenesysClient({
    apiUrl: sim.url,
    loginUrl: sim.url,
    credentials: { clientId: sim.clientId, clientSecret: sim.clientSecret },
    telemetry,
    logger: logged.logger,
    backoff: FAST_RETRIES,
    loginCircuit: { failureThreshold: 3, openBaseMs: 400, openMaxMs: 1_600 },
    ...clientOptions,
  });
  try {
    await body({ sim, client, telemetry });
  } finally {
    await client.close();
    await sim.close();
  }
  // Whatever happened, the secret never reached a log line.
  const basic = Buffer.from(`${sim.clientId}:${sim.clientSecret}`).toString('base64');
  for (const line of logged.lines) assert.ok(!line.includes(sim.clientSecret) && !line.includes(basic), `secret in log line: ${line.slice(0, 200)}`);
}

// The tests run at once: each has its own simulator and client, and most of them wait (tokens ageing, a
// Retry-After, a slow answer). Their timing checks are lower bounds on waits, which load on the machine
// cannot make pass wrongly, and the token test waits for its calls to have carried three tokens.
describe('client against the simulator', { concurrency: true }, () => {
  test('short-lived tokens are refreshed in the background before expiry: three in turn, zero 401s', async () => {
    // A 4 s token refreshed with three quarters of its life left: a new token every second, while the last one
    // has ~3 s to go (room for a starved machine: with a 2 s token refreshed at half its life, a call sent just
    // before a late refresh reached the simulator after the token had expired).
    await withSimulator({ tokenLifetimeSeconds: 4 }, { tokenRefreshMarginRatio: 0.75 }, async ({ sim, client }) => {
      await client.start();
      const queueIds = sim.queues().map((q) => q.id);
      // With no call made, a second token comes: the refresh runs in the background (a client that refreshed
      // only when a call finds the token near its end would pass the checks below too).
      await waitFor('a token refresh with no call made', async () => logins(await requestLog(sim.url)).length >= 2, { timeoutMs: 15_000, intervalMs: 50 });
      assert.deepEqual(apiCalls(await requestLog(sim.url)), []);
      // Calls until they have carried three tokens in turn, across the next two refreshes. (Waiting for that,
      // not for a number of logins: on a starved machine calls can skip a token.)
      await waitFor(
        'the calls to carry three tokens in turn',
        async () => {
          await client.listQueues();
          await client.queryQueueObservations(queueObservationQuery(queueIds));
          return new Set(apiCalls(await requestLog(sim.url)).map((c) => c.tokenHash)).size >= 3 ? true : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 100 },
      );
      const log = await requestLog(sim.url);
      assert.deepEqual(
        apiCalls(log)
          .filter((c) => c.status !== 200)
          .map((c) => `${c.path} ${c.status}`),
        [],
      );
      assert.ok(logins(log).length >= 3 && logins(log).every((l) => l.status === 200));
    });
  });

  test('recovery after token revocation: one 401, one login, then success', async () => {
    await withSimulator({}, {}, async ({ sim, client }) => {
      await client.listQueues();
      await new SimulatorClient(sim.url).startFault({ fault: 'revoke-tokens' });
      const queues = await client.listQueues();
      assert.deepEqual(
        queues.map((q) => q.id).sort(),
        sim
          .queues()
          .map((q) => q.id)
          .sort(),
      );
      const log = await requestLog(sim.url);
      assert.deepEqual(
        log.map((r) => `${r.endpoint} ${r.status}`),
        ['oauth_token 200', 'routing_queues 200', 'routing_queues 401', 'oauth_token 200', 'routing_queues 200'],
      );
    });
  });

  test('a 429 storm is honoured: no request arrives inside any Retry-After window', async () => {
    await withSimulator({}, { maxConcurrency: 1 }, async ({ sim, client, telemetry }) => {
      await client.start();
      await new SimulatorClient(sim.url).startFault({ fault: 'rate-limit-storm', retryAfterSeconds: 1, count: 2 });
      const queueIds = sim.queues().map((q) => q.id);
      await Promise.all([client.listQueues(), client.queryQueueObservations(queueObservationQuery(queueIds)), client.listQueues()]);
      const calls = apiCalls(await requestLog(sim.url));
      const limited = calls.filter((c) => c.status === 429);
      assert.equal(limited.length, 2);
      for (const storm of limited) {
        const inside = calls.filter((c) => c.at > storm.at && c.at < storm.at + 1_000);
        assert.deepEqual(
          inside.map((c) => `${c.path} at +${c.at - storm.at} ms`),
          [],
          'requests inside the Retry-After window',
        );
      }
      assert.equal(calls.filter((c) => c.status === 200).length, 3);
      assert.equal(telemetry.record.rateLimited.length, 2);
    });
  });

  test('a slow endpoint times out and the retry succeeds', async () => {
    // The retry must answer within the timeout while the other tests start beside it: 1 s, against a 3 s delay.
    await withSimulator({}, { requestTimeoutMs: 1_000 }, async ({ sim, client, telemetry }) => {
      await client.start();
      await new SimulatorClient(sim.url).startFault({ fault: 'slow', delayMs: 3_000, endpoint: 'routing_queues', count: 1 });
      const queues = await client.listQueues();
      assert.equal(queues.length, sim.queues().length);
      assert.deepEqual(
        telemetry.record.requests.filter((r) => r.endpoint === 'routing_queues').map((r) => r.outcome),
        ['timeout', '200'],
      );
    });
  });

  test('truncated JSON is retried; persistent malformed JSON fails after three attempts', async () => {
    await withSimulator({}, {}, async ({ sim, client }) => {
      const queueIds = sim.queues().map((q) => q.id);
      await new SimulatorClient(sim.url).startFault({ fault: 'truncated-json', endpoint: 'queue_observations', count: 1 });
      const response = await client.queryQueueObservations(queueObservationQuery(queueIds));
      assert.ok(response.results.length > 0);
      assert.ok(response.results.every((r) => r.group.queueId === undefined || queueIds.includes(r.group.queueId)));

      await new SimulatorClient(sim.url).startFault({ fault: 'malformed-json', endpoint: 'queue_observations', count: 10 });
      const error = await client.queryQueueObservations(queueObservationQuery(queueIds)).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof MalformedResponseError, `got ${String(error)}`);
      const malformed = apiCalls(await requestLog(sim.url)).filter((c) => c.fault === 'malformed-json');
      assert.equal(malformed.length, 3);
    });
  });

  test("paging across several pages returns exactly the simulator's queues", async () => {
    await withSimulator({ orgSize: { queues: 230, divisions: 3, arrivalsPerMinute: 20 } }, {}, async ({ sim, client }) => {
      const listed = await client.listQueues();
      const expected = sim
        .queues()
        .map((q) => q.id)
        .sort();
      assert.equal(expected.length, 230);
      assert.deepEqual(listed.map((q) => q.id).sort(), expected);
      const pages = apiCalls(await requestLog(sim.url)).map((c) => new URL(c.path, sim.url).searchParams.get('pageNumber'));
      assert.deepEqual(pages, ['1', '2', '3']);
      const division = listed[0]!.division!.id;
      const inDivision = await client.listQueues({ divisionIds: [division] });
      assert.deepEqual(
        inDivision.map((q) => q.id).sort(),
        sim
          .queues()
          .filter((q) => q.division.id === division)
          .map((q) => q.id)
          .sort(),
      );
    });
  });

  test('aggregates with rangeBound views parse against the simulator', async () => {
    await withSimulator({ orgSize: { queues: 3, divisions: 1, arrivalsPerMinute: 60 } }, {}, async ({ sim, client }) => {
      const now = sim.now();
      const start = new Date(now.getTime() - 60 * 60_000);
      start.setUTCSeconds(0, 0);
      const end = new Date(start.getTime() + 60 * 60_000);
      const response = await client.queryConversationAggregates({
        interval: `${start.toISOString()}/${end.toISOString()}`,
        granularity: 'PT30M',
        groupBy: ['queueId', 'mediaType'],
        filter: { type: 'or', predicates: sim.queues().map((q) => ({ dimension: 'queueId' as const, value: q.id })) },
        metrics: ['nOffered', 'tAnswered', 'tAbandon', 'nOverSla'],
        views: WAIT_TIME_BUCKETS_SECONDS.map((s) => ({
          target: 'tAnswered' as const,
          function: 'rangeBound' as const,
          range: { lt: s * 1000 },
          name: `tAnsweredLt${s}s`,
        })),
      });
      const offered = response.results
        .flatMap((r) => r.data)
        .flatMap((d) => d.metrics)
        .filter((m) => m.metric === 'nOffered');
      assert.ok(offered.length > 0, 'the busy simulated queues offered contacts in the last hour');
      for (const interval of response.results.flatMap((r) => r.data)) {
        const answered = interval.metrics.flatMap((m) => (m.metric === 'tAnswered' ? [m.stats] : []))[0];
        const widest = interval.views.find((v) => v.name === `tAnsweredLt${WAIT_TIME_BUCKETS_SECONDS.at(-1)}s`);
        if (answered !== undefined && widest !== undefined) assert.ok(widest.stats.count <= answered.count);
      }
    });
  });
});

// After the others, when nothing in this process is starting up: these count calls in windows of real time,
// which a stall of this process's event loop (tests starting beside them) would distort. The login test needs
// callers asking every 20 ms throughout its 2 s; the budget check counts arrivals in the simulator's log, where
// a stall would log a request late and bunch it with the next ones. The two run at once: neither does more
// than a few small calls at a time.
describe('the client against the simulator, counted in real time', { concurrency: true }, () => {
  test('login 5xx: the circuit breaker keeps login calls bounded, then the client recovers', async () => {
    await withSimulator({}, {}, async ({ sim, client, telemetry }) => {
      await new SimulatorClient(sim.url).startFault({ fault: 'login-5xx', status: 503 });
      const first = await client.start().then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(first instanceof LoginCircuitOpenError, `got ${String(first)}`);
      // Callers keep asking for two seconds; the breaker lets through only a few trial logins.
      const until = Date.now() + 2_000;
      let failures = 0;
      while (Date.now() < until) {
        await client.listQueues().catch(() => (failures += 1));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const during = logins(await requestLog(sim.url));
      assert.ok(failures > 20, `the callers kept trying (${failures})`);
      // 3 to trip, then one trial per open period (0.4 s, 0.8 s, 1.6 s…) within the 2 s.
      assert.ok(during.length >= 3 && during.length <= 6, `login calls during the outage: ${during.length}`);
      assert.ok(during.every((l) => l.status === 503));
      assert.deepEqual(telemetry.record.circuit, [true]);

      await new SimulatorClient(sim.url).clearFaults();
      let recovered = false;
      const deadline = Date.now() + 10_000;
      while (!recovered && Date.now() < deadline) {
        recovered = await client.listQueues().then(
          () => true,
          () => false,
        );
        if (!recovered) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.ok(recovered, 'the client recovered after the login endpoint did');
      assert.deepEqual(telemetry.record.circuit, [true, false]);
      assert.equal(apiCalls(await requestLog(sim.url)).at(-1)?.status, 200);
    });
  });

  test("the request budget holds in every window of the simulator's log", async () => {
    const requestsPerMinute = 600;
    const maxConcurrency = 4;
    await withSimulator({ rateLimitPerMinute: requestsPerMinute }, { requestsPerMinute, maxConcurrency }, async ({ sim, client }) => {
      await client.start();
      await Promise.all(Array.from({ length: 30 }, () => client.listQueues()));
      const times = apiCalls(await requestLog(sim.url)).map((c) => c.at);
      assert.equal(times.length, 30);
      const worst = budgetExcess(times, { maxConcurrency, requestsPerMinute });
      assert.ok(worst <= 0, `a window of the log holds ${worst.toFixed(2)} requests over the budget`);
    });
  });
});
