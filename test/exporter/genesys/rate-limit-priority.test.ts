// Real-time requests (queue observations) get concurrency slots and budget tokens before background ones
// (aggregates, the queue list), each kind in arrival order: after a stall the real-time backlog catches up
// on the whole budget's pace. The budget itself is unchanged (rate-limit.test.ts proves it per window).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimiter, type RequestPriority } from '../../../exporter/genesys/rate-limit.ts';

/** Asks for every permit at once; each is released as soon as it is granted. Returns the grant order. */
async function grantOrder(limiter: RateLimiter, asks: readonly [string, RequestPriority][]): Promise<string[]> {
  const order: string[] = [];
  await Promise.all(
    asks.map(async ([name, priority]) => {
      const permit = await limiter.acquire(() => new Error('closed'), undefined, priority);
      order.push(name);
      permit.release();
    }),
  );
  return order;
}

describe('rate limiter priorities', () => {
  test('a freed concurrency slot goes to a waiting real-time request before earlier background ones', async () => {
    const close = new AbortController();
    // One slot; a budget that never makes anyone wait long (600/min, burst 1: a token every ~100 ms).
    const limiter = new RateLimiter({ requestsPerMinute: 600, maxConcurrency: 1, closeSignal: close.signal });
    try {
      const order = await grantOrder(limiter, [
        ['aggregates 1', 'background'],
        ['aggregates 2', 'background'],
        ['aggregates 3', 'background'],
        ['observations 1', 'realtime'],
        ['observations 2', 'realtime'],
      ]);
      assert.deepEqual(order, ['aggregates 1', 'observations 1', 'observations 2', 'aggregates 2', 'aggregates 3']);
    } finally {
      close.abort();
    }
  });

  test('the next budget token goes to a real-time request that arrived after background ones were waiting for it', async () => {
    const close = new AbortController();
    // Five slots and a burst of five tokens (100/min ÷ 20), then a token every ~630 ms.
    const limiter = new RateLimiter({ requestsPerMinute: 100, maxConcurrency: 5, closeSignal: close.signal });
    try {
      // The burst is spent first: from then on every request waits for a token, with slots to spare.
      await grantOrder(
        limiter,
        Array.from({ length: 5 }, (_, i): [string, RequestPriority] => [`burst ${i + 1}`, 'background']),
      );
      const order = await grantOrder(limiter, [
        ['aggregates 6', 'background'],
        ['aggregates 7', 'background'],
        ['observations', 'realtime'],
      ]);
      assert.deepEqual(order, ['observations', 'aggregates 6', 'aggregates 7']);
    } finally {
      close.abort();
    }
  });

  test('closing rejects every waiter, whatever its priority', async () => {
    const close = new AbortController();
    const limiter = new RateLimiter({ requestsPerMinute: 20, maxConcurrency: 1, closeSignal: close.signal });
    const first = await limiter.acquire(() => new Error('closed'), undefined, 'background');
    const waiting = [
      limiter.acquire(() => new Error('closed: background'), undefined, 'background'),
      limiter.acquire(() => new Error('closed: realtime'), undefined, 'realtime'),
    ];
    close.abort();
    const settled = await Promise.allSettled(waiting);
    assert.deepEqual(
      settled.map((s) => (s.status === 'rejected' ? (s.reason as Error).message : 'granted')),
      ['closed: background', 'closed: realtime'],
    );
    first.release();
  });
});
