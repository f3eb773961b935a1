// The collector thread (a node:worker_threads Worker started by threaded-exporter.ts): the store, the
// collectors, the API client and the renderer (everything prepareCollection composes) run here, so their
// work and their garbage collection never hold the thread that answers HTTP. This thread sends the
// serving thread finished bodies (body-feed.ts), readiness, and its log lines.
import { parentPort, workerData } from 'node:worker_threads';
import { prepareCollection, type Collection } from '../app.ts';
import { parseConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { startBodyFeed, type BodyFeed } from './body-feed.ts';
import type { CollectorMessage, CollectorThreadData, ServerMessage } from './protocol.ts';

/**
 * The renderer's work between two yields on this thread. The 4 ms default is for a renderer that shares its
 * thread with the HTTP server; here what waits is collector I/O (notification frames, API answers, timers),
 * which a 20 ms stretch does not hurt, and each yield is a timer of at least 1 ms (more on a loaded machine):
 * at 4 ms slices the yields alone stretched a 10,000-queue render by a fifth or more, and every streamed
 * change waited for it.
 */
const RENDER_SLICE_MS = 20;

/**
 * The collector thread's work; runs until the serving thread asks it to close. Called by the Worker's
 * boot script (threaded-exporter.ts) after a dynamic import, hence public.
 * @public
 */
export async function runCollectorThread(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('runCollectorThread runs on a worker thread started by threaded-exporter.ts');
  const post = (message: CollectorMessage, transfer: readonly ArrayBuffer[] = []): void => port.postMessage(message, [...transfer]);

  // The serving thread parsed the same command line already (and reported its errors): this cannot fail
  // differently. The environment (credentials) is the process's.
  const config = parseConfig((workerData as CollectorThreadData).argv);
  // Lines go through the serving thread, in order with this thread's other messages, so none is lost when
  // the process ends right after (a crash: the serving thread logs the crash after the lines before it).
  const logger = createLogger({ level: config.log.level, write: (line) => post({ type: 'log', line }) });

  let collection: Collection | undefined;
  let feed: BodyFeed | undefined;
  let closing: Promise<void> | undefined;
  /** Encodings asked for before the feed runs (the serving thread may ask while this thread starts). */
  const wanted = new Set<'identity' | 'gzip'>();

  const close = (): Promise<void> => {
    closing ??= (async () => {
      feed?.close();
      await collection?.close();
      post({ type: 'closed' });
      port.close();
    })();
    return closing;
  };

  port.on('message', (message: ServerMessage) => {
    if (message.type === 'want') {
      wanted.add(message.encoding);
      feed?.want(message.encoding);
    } else if (message.type === 'close') void close();
  });

  try {
    collection = await prepareCollection(config, { logger, exposition: { sliceMs: RENDER_SLICE_MS } });
    const { metrics, runner } = collection;
    feed = startBodyFeed({ exposition: metrics.exposition, readiness: () => runner.readiness(), post });
    for (const encoding of wanted) feed.want(encoding);
    await collection.start();
    post({ type: 'started' });
  } catch (error) {
    post({ type: 'startup-failed', message: error instanceof Error ? error.message : String(error) });
    await close();
  }
}
