import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeGenesys, type FakeGenesysOptions } from './support/fake-genesys.ts';
import { clientFor } from './support/client-for.ts';
import { MalformedResponseError } from '../../../exporter/genesys/errors/index.ts';

const queues = Array.from({ length: 250 }, (_, i) => ({
  id: `queue-${String(i).padStart(3, '0')}`,
  name: i % 2 === 0 ? `Sales ${i}` : `Support ${i}`,
  division: { id: i < 100 ? 'div-a' : 'div-b', name: i < 100 ? 'A' : 'B' },
}));

async function withClient(
  options: FakeGenesysOptions,
  body: (client: ReturnType<typeof clientFor>, fake: Awaited<ReturnType<typeof startFakeGenesys>>) => Promise<void>,
): Promise<void> {
  const fake = await startFakeGenesys(options);
  const client = clientFor(fake);
  try {
    await body(client, fake);
  } finally {
    await client.close();
    await fake.close();
  }
}

describe('queue paging', () => {
  test('follows nextUri across three pages of 100 and returns every queue once', async () => {
    await withClient({ queues }, async (client, fake) => {
      const listed = await client.listQueues();
      assert.deepEqual(
        listed.map((q) => q.id).sort(),
        queues.map((q) => q.id),
      );
      const pages = fake.apiCalls().map((c) => [c.url.searchParams.get('pageSize'), c.url.searchParams.get('pageNumber')]);
      assert.deepEqual(pages, [
        ['100', '1'],
        ['100', '2'],
        ['100', '3'],
      ]);
    });
  });

  test('name, divisionId (repeated) and id filters are sent as Genesys query parameters', async () => {
    await withClient({ queues }, async (client, fake) => {
      const sales = await client.listQueues({ name: 'Sales*', divisionIds: ['div-b'] });
      assert.equal(sales.length, 75);
      assert.ok(sales.every((q) => q.name.startsWith('Sales') && q.division?.id === 'div-b'));
      const byId = await client.listQueues({ ids: ['queue-001', 'queue-002'] });
      assert.deepEqual(byId.map((q) => q.name).sort(), ['Sales 2', 'Support 1']);
      const last = fake.apiCalls().at(-1);
      assert.deepEqual(last?.url.searchParams.getAll('id'), ['queue-001', 'queue-002']);
    });
  });

  test('more than 100 ids are listed in chunks of 100 (short URLs)', async () => {
    await withClient({ queues }, async (client, fake) => {
      const listed = await client.listQueues({ ids: queues.map((q) => q.id) });
      assert.equal(listed.length, 250);
      assert.deepEqual(
        fake.apiCalls().map((c) => c.url.searchParams.getAll('id').length),
        [100, 100, 50],
      );
    });
  });

  test('without nextUri, pages are requested by number until pageCount', async () => {
    const page = (n: number) => ({ status: 200, body: { entities: [{ id: `q${n}`, name: `Q${n}` }], pageSize: 100, pageNumber: n, pageCount: 3, total: 3 } });
    await withClient({ api: (n) => page(n) }, async (client, fake) => {
      const listed = await client.listQueues();
      assert.deepEqual(
        listed.map((q) => q.id),
        ['q1', 'q2', 'q3'],
      );
      assert.deepEqual(
        fake.apiCalls().map((c) => c.url.searchParams.get('pageNumber')),
        ['1', '2', '3'],
      );
    });
  });

  test('a nextUri to another host is refused (the token would leak there)', async () => {
    const body = { entities: [{ id: 'q1', name: 'Q1' }], pageNumber: 1, pageCount: 2, nextUri: 'https://evil.example/api/v2/routing/queues?pageNumber=2' };
    await withClient({ api: () => ({ status: 200, body }) }, async (client, fake) => {
      const error = await client.listQueues().then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof MalformedResponseError, `got ${String(error)}`);
      assert.match(error.message, /nextUri points outside the API host \(https:\/\/evil\.example\)/);
      assert.equal(fake.apiCalls().length, 1);
    });
  });

  test('paging that repeats itself fails instead of looping', async () => {
    const body = { entities: [{ id: 'q1', name: 'Q1' }], pageNumber: 1, pageCount: 5, nextUri: '/api/v2/routing/queues?pageSize=100&pageNumber=1' };
    await withClient({ api: () => ({ status: 200, body }) }, async (client) => {
      const error = await client.listQueues().then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof MalformedResponseError, `got ${String(error)}`);
      assert.match(error.message, /paging does not end/);
    });
  });

  test('a page without entities is malformed', async () => {
    await withClient({ api: () => ({ status: 200, body: { pageNumber: 1, pageCount: 1 } }) }, async (client) => {
      const error = await client.listQueues().then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof MalformedResponseError, `got ${String(error)}`);
      assert.match(error.message, /body\.entities is missing/);
    });
  });
});
