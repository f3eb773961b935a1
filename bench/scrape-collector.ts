// The scrape bench's collector thread: the bench's populated org (a deployment's registry between polls)
// on a Worker, serving through the exporter's own body feed to the exporter's own serving thread
// (exporter/serving/), so the scrape rows measure the threading the exporter process runs. The bench's
// stand-in collector publishes a changed batch on request (a BroadcastChannel message from the main thread).
import { BroadcastChannel, parentPort, workerData } from 'node:worker_threads';
import { startBodyFeed } from '../exporter/serving/body-feed.ts';
import type { CollectorMessage, CollectorThreadData, ServerMessage } from '../exporter/serving/protocol.ts';
import { populatedRegistry } from './populated-registry.ts';

/** Main thread → this thread: publish the first observations batch again with `queues` of its queues changed. */
export const BENCH_CHANGE_CHANNEL = 'bench:scrape-change';

/**
 * Run by the Worker's boot script (exporter/serving/threaded-exporter.ts) after a dynamic import.
 * @public
 */
export async function runCollectorThread(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('bench/scrape-collector.ts runs on a worker thread');
  const post = (message: CollectorMessage, transfer: readonly ArrayBuffer[] = []): void => port.postMessage(message, [...transfer]);
  const queues = Number((workerData as CollectorThreadData).argv[0]);
  const org = await populatedRegistry(queues);
  const { exposition } = org.metrics;
  const feed = startBodyFeed({ exposition, readiness: () => ({ ready: true }), post });
  const changes = new BroadcastChannel(BENCH_CHANGE_CHANNEL);
  changes.onmessage = (event) => org.changeQueues('observations', (event as { readonly data: { readonly queues: number } }).data.queues, true);
  port.on('message', (message: ServerMessage) => {
    if (message.type === 'want') feed.want(message.encoding);
    else {
      feed.close();
      changes.close();
      exposition.close();
      post({ type: 'closed' });
      port.close();
    }
  });
  post({ type: 'started' });
}
