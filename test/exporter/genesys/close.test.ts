import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeGenesys } from './support/fake-genesys.ts';
import { clientFor } from './support/client-for.ts';
import { waitFor } from '../../../stack/wait-for.ts';
import { ClientClosedError } from '../../../exporter/genesys/errors/index.ts';

test('close() rejects requests in flight and requests waiting for a slot, and later requests', async () => {
  const fake = await startFakeGenesys({ api: () => ({ status: 200, hang: true }) });
  const client = clientFor(fake, { maxConcurrency: 1, requestTimeoutMs: 60_000 });
  try {
    await client.start();
    const inFlight = client.listQueues().then(
      () => undefined,
      (e: unknown) => e,
    );
    const waiting = client.listQueues().then(
      () => undefined,
      (e: unknown) => e,
    );
    await waitFor('the first request to reach the server', () => fake.apiCalls().length === 1, { timeoutMs: 15_000, intervalMs: 20 });
    await client.close();
    const [first, second] = await Promise.all([inFlight, waiting]);
    assert.ok(first instanceof ClientClosedError, `in flight: got ${String(first)}`);
    assert.ok(second instanceof ClientClosedError, `waiting: got ${String(second)}`);
    assert.match(first.message, /closed/);
    const later = await client.listQueues().then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(later instanceof ClientClosedError, `after close: got ${String(later)}`);
    assert.equal(fake.apiCalls().length, 1);
  } finally {
    await client.close();
    await fake.close();
  }
});
