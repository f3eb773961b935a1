// Streaming mode and the request budget, against the real simulator: the plan counts streamed queues as
// streamed from the start (before any socket is open), and counts them as polled once streaming has failed.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningExporter } from '../../exporter/app.ts';
import { fallbacks, metric, until, untilStreamingActive, withStreamingStack } from './support/streaming-exporter.ts';

describe('streaming mode: the request budget', () => {
  // 60 queues in batches of 10, polled every 2 s, the queue list read every second, and a budget of 200
  // requests per minute (180 planned): polling every queue (180/min, plus the queue list and the aggregates)
  // does not fit; streaming them (a resync share and the targeted polls of the longest waits) does.
  const tuning = {
    args: ['--genesys.requests-per-minute=200', '--collector.observations.batch-size=10', '--collector.queues.refresh-interval=1s'],
  };
  const stretched = (exporter: RunningExporter) => metric(exporter, 'genesys_exporter_poll_schedule_stretched', { collector: 'observations' });

  test('planned for streaming from the start (before any socket is open); for polling once streaming has failed', async () => {
    const orgSize = { queues: 60, divisions: 1, arrivalsPerMinute: 5, agents: 20 };
    await withStreamingStack({ seed: 12, heartbeatSeconds: 0.5, orgSize, observationsInterval: '2s', tuning }, async ({ exporter, sim }) => {
      await until('the queue list read', async () => ((await metric(exporter, 'genesys_exporter_queues')) === 60 ? true : undefined));
      assert.equal(await stretched(exporter), 0, 'streaming fits the budget');
      await untilStreamingActive(exporter);
      assert.equal(await stretched(exporter), 0);
      // The streaming host goes away for longer than the test: every queue is polled, and the plan counts it.
      await sim.startFault({ fault: 'notification-socket-drop', refuseSeconds: 60 });
      await until('a socket_failed fallback', async () => ((await fallbacks(exporter, 'socket_failed')) > 0 ? true : undefined));
      await until('polling stretched to fit the budget', async () => ((await stretched(exporter)) === 1 ? true : undefined));
    });
  });
});
