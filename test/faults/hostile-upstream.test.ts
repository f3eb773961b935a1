// A real exporter behind a fault proxy (or the simulator's own faults): what /metrics and the health
// metrics say when the upstream misbehaves. Expected throughout: the process stays up, the collector
// that got the bad answer reports collector_success 0 and genesys_up 0 (never fresh-looking data), and
// it recovers without a restart.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { get } from '../support/http-client.ts';
import { parseExposition, select, valueIn } from '../support/exposition.ts';
import { startRig, untilReady, type FaultRig } from './support/harness.ts';
import { waitFor } from '../../stack/wait-for.ts';
import type { ProxyAction } from './support/fault-proxy.ts';
import { freshRun } from '../exporter/support/fresh-run.ts';
import { FAST_RETRIES } from '../support/simulator-target.ts';

// The two groups run at once: each has its own simulator and exporter, and most of their time is waiting for polls.
describe('hostile upstream', { concurrency: true }, () => {
  // One rig and one proxy rule at a time: these run in order.
  describe('exporter behind a fault proxy', { concurrency: false }, () => {
    let rig: FaultRig;
    before(async () => {
      rig = await startRig({ withProxy: true, args: ['--genesys.request-timeout=500ms'], apiBackoff: FAST_RETRIES });
      await untilReady(rig);
    });
    after(async () => {
      await rig?.close();
    });

    /** Applies `action` to `endpoint` until the observations collector reports `success`, then restores. */
    async function underFault(endpoint: string, action: ProxyAction, check: () => Promise<void>): Promise<void> {
      rig.proxy!.rule = (e) => (e === endpoint ? action : { kind: 'pass' });
      try {
        await check();
      } finally {
        rig.proxy!.rule = () => ({ kind: 'pass' });
        await waitFor('recovery without a restart', async () => ((await rig.metric('genesys_up')) === 1 ? true : undefined), {
          timeoutMs: 30_000,
          intervalMs: 100,
        });
      }
    }

    const failed = async (collector: string): Promise<void> => {
      await waitFor(
        `collector ${collector} to report failure and genesys_up 0`,
        async () => {
          // Both from one scrape: they are published together.
          const text = (await get(`${rig.exporter.url}/metrics`)).body;
          return valueIn(text, 'genesys_exporter_collector_success', { collector }) === 0 && valueIn(text, 'genesys_up') === 0 ? true : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 100 },
      );
    };

    test('a body that stalls after the headers: the observations collector fails within the request timeout', async () => {
      await underFault('queue_observations', { kind: 'stall-body' }, () => failed('observations'));
    });

    test('an empty answer ({}) is not fresh zeros: the observations collector fails', async () => {
      await underFault('queue_observations', { kind: 'rewrite', edit: () => ({}) }, () => failed('observations'));
    });

    // 307 keeps the method and body, and the other host answers a well-formed observation answer without
    // asking for credentials: only refusing the redirect makes the run fail.
    test('a redirect to another host is refused: the collector fails', async () => {
      const foreign = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
          const query = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { filter?: { predicates?: { value?: string }[] } };
          const results = (query.filter?.predicates ?? []).map((p) => ({
            group: { queueId: p.value },
            data: [{ metric: 'oMemberUsers', stats: { count: 0 } }],
          }));
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ results }));
        });
      });
      await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
      const location = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}/api/v2/analytics/queues/observations/query`;
      try {
        await underFault('queue_observations', { kind: 'respond', status: 307, headers: { Location: location } }, () => failed('observations'));
      } finally {
        foreign.closeAllConnections();
        await new Promise((resolve) => foreign.close(resolve));
      }
    });

    test('an unknown media type creates no series', async () => {
      const addPigeons = (json: unknown): unknown => {
        const body = json as { results: { group: { queueId: string; mediaType?: string }; data: unknown[] }[] };
        const queueId = body.results[0]!.group.queueId;
        return {
          ...body,
          results: [...body.results, { group: { queueId, mediaType: 'carrier-pigeon' }, data: [{ metric: 'oWaiting', stats: { count: 4 } }] }],
        };
      };
      rig.proxy!.rule = (e) => (e === 'queue_observations' ? { kind: 'rewrite', edit: addPigeons } : { kind: 'pass' });
      try {
        // A run that started after the rule was set read the rewritten answer.
        const samples = await freshRun(rig.exporter.url, 'observations');
        assert.ok(
          rig.proxy!.log.some((r) => r.endpoint === 'queue_observations' && r.action === 'rewrite'),
          'no observation answer was rewritten',
        );
        assert.deepEqual(select(samples, 'genesys_queue_depth', { media_type: 'carrier-pigeon' }), []);
        assert.ok(select(samples, 'genesys_queue_depth').length > 0, 'known media types are still served');
      } finally {
        rig.proxy!.rule = () => ({ kind: 'pass' });
      }
    });

    test('nothing reaches the upstream after close()', async () => {
      rig.proxy!.rule = (e) => (e === 'conversation_aggregates' ? { kind: 'stall-body' } : { kind: 'pass' });
      // Closed with an aggregate query in flight whose answer stalls after the headers.
      const stalled = rig.proxy!.log.length;
      await waitFor(
        'an aggregate query whose answer stalls',
        () => rig.proxy!.log.slice(stalled).some((r) => r.endpoint === 'conversation_aggregates' && r.action === 'stall-body'),
        { timeoutMs: 30_000, intervalMs: 20 },
      );
      await rig.exporter.close();
      // Two requests of our own through the proxy after close() returned: what the exporter sent before is
      // ahead of them in the proxy's log (an attempt in flight at close() can be logged well after it on a
      // starved machine: exporter and proxy share this process, so arrival times cannot tell).
      await get(`${rig.proxy!.url}/after-close`);
      await get(`${rig.proxy!.url}/after-close`);
      const seen = rig.proxy!.log.length;
      await new Promise((resolve) => setTimeout(resolve, 1_500)); // anything still scheduled would fire now
      assert.deepEqual(
        rig.proxy!.log.slice(seen).map((r) => `${r.method} ${r.path}`),
        [],
      );
    });
  });

  // Each on its own rig: they run at once.
  describe("exporter against the simulator's faults", { concurrency: true }, () => {
    test('a 429 storm: genesys_up goes to 0 within one Retry-After or two, not after every retry', async () => {
      const rig = await startRig({ apiBackoff: FAST_RETRIES });
      try {
        await untilReady(rig);
        await rig.sim.startFault({ fault: 'rate-limit-storm', retryAfterSeconds: 6 });
        const stormAt = performance.now();
        await waitFor('genesys_up 0', async () => ((await rig.metric('genesys_up')) === 0 ? true : undefined), { timeoutMs: 60_000, intervalMs: 50 });
        const seconds = (performance.now() - stormAt) / 1000;
        // The old client retried each request 3 times × Retry-After (24 s+ here); a 6 s window now fails the run at once.
        assert.ok(seconds < 15, `genesys_up went to 0 after ${seconds.toFixed(1)} s`);
        await rig.sim.clearFaults();
      } finally {
        await rig.close();
      }
    });

    test('a queue deleted while the queue list is failing loses its series (no fresh-looking zeros)', async () => {
      const rig = await startRig({ apiBackoff: FAST_RETRIES });
      try {
        await untilReady(rig);
        const campaign = await rig.sim.startScenario({ scenario: 'campaign', queues: 1, lifetimeSeconds: 3600 });
        const campaignQueue = await waitFor(
          'the campaign queue on /metrics',
          async () => {
            const samples = parseExposition((await get(`${rig.exporter.url}/metrics`)).body);
            return select(samples, 'genesys_queue_agents_on_queue').find((s) => s.labels.queue_name?.startsWith('Campaign'))?.labels.queue_id;
          },
          { timeoutMs: 30_000, intervalMs: 100 },
        );
        await rig.sim.startFault({ fault: 'api-5xx', endpoint: 'routing_queues' });
        await waitFor(
          'the queue list to fail',
          async () => ((await rig.metric('genesys_exporter_collector_success', { collector: 'queues' })) === 0 ? true : undefined),
          { timeoutMs: 30_000, intervalMs: 100 },
        );
        await rig.sim.stopScenario(campaign.id);
        await waitFor(
          "the deleted queue's observation series to go",
          async () => {
            const samples = parseExposition((await get(`${rig.exporter.url}/metrics`)).body);
            return select(samples, 'genesys_queue_agents_on_queue', { queue_id: campaignQueue }).length === 0 ? true : undefined;
          },
          { timeoutMs: 30_000, intervalMs: 100 },
        );
        const samples = parseExposition((await get(`${rig.exporter.url}/metrics`)).body);
        assert.ok(select(samples, 'genesys_queue_agents_on_queue').length > 0, 'the other queues are still served');
        assert.equal(await rig.metric('genesys_exporter_collector_success', { collector: 'observations' }), 1);
        await rig.sim.clearFaults();
      } finally {
        await rig.close();
      }
    });
  });
});
