// The exporter process: the HTTP server (web config, TLS, basic auth, limits, /-/healthy, /-/ready, the
// landing page) on the main thread, which holds nothing but finished bodies; everything else on a collector
// thread (collector-thread.ts). A render, a poll's publish or a garbage collection of the collector
// thread's large heap never delays a scrape or a health check. A collector thread that fails is fatal:
// the process must not go on serving its last data as if it were current (onFatal ends it).
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { parseConfig } from '../config.ts';
import type { Logger } from '../log.ts';
import type { Readiness } from '../readiness.ts';
import { startServer, type RunningServer, type ServerOptions } from '../server.ts';
import type { CollectorMessage, CollectorThreadData, ServerMessage } from './protocol.ts';
import { ServedBodies } from './served-bodies.ts';
import { serverOptionsOf } from './server-options.ts';

export interface ThreadedExporterOptions {
  readonly logger: Logger;
  /** The environment the configuration (credentials) is read from; the process's by default. */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * The collector thread failed after startup (an uncaught error, an unexpected exit). Called once; the
   * server already answers 500 on /metrics and 503 on /-/ready. The process is expected to exit non-zero.
   */
  readonly onFatal: (error: Error) => void;
  /** Where the collector thread's log lines go (already JSON, already redacted); stderr by default. */
  readonly writeCollectorLog?: (line: string) => void;
  /** Modules the collector thread imports before its entry: tests' fault injectors. */
  readonly collectorImports?: readonly string[];
}

export interface ThreadedExporter {
  /** Where /metrics is served, e.g. "http://127.0.0.1:9813". */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * collector-thread.ts as the Worker loads it: ./collector-thread.ts from the sources, ./collector-thread.js in
 * dist/ (the extension this module was loaded with). Not imported from there: that module loads the whole
 * collection stack (app.ts), which this thread never runs.
 */
const COLLECTOR_THREAD_URL = new URL(`./collector-thread${extname(fileURLToPath(import.meta.url))}`, import.meta.url).href;
/**
 * What the Worker calls in its entry module. The type query is what keeps collector-thread.ts in the build: the
 * compiler and deploy/build-inputs.ts follow it, and it loads nothing at run time.
 */
const ENTRY_FUNCTION = 'runCollectorThread' satisfies keyof typeof import('./collector-thread.ts');

export async function startThreadedExporter(argv: readonly string[], options: ThreadedExporterOptions): Promise<ThreadedExporter> {
  const config = parseConfig(argv, options.env ?? process.env);
  return startServingThread({
    ...options,
    argv,
    entry: COLLECTOR_THREAD_URL,
    server: serverOptionsOf(config),
  });
}

export interface ServingThreadOptions extends ThreadedExporterOptions {
  /** The module the collector thread runs (its runCollectorThread()): collector-thread.ts, or the bench's org. */
  readonly entry: string;
  /** Handed to the collector thread (the exporter's command line). */
  readonly argv: readonly string[];
  readonly server: Pick<ServerOptions, 'listen' | 'telemetryPath' | 'webConfig' | 'dataSource' | 'limits' | 'authLimits'>;
}

/** How long shutdown waits for the collector thread to close its sockets and sessions before ending it. */
const COLLECTOR_CLOSE_MS = 10_000;

// The Worker runs this script: from the TypeScript sources it registers tsx first (a worker thread does
// not inherit the main thread's module hooks on Node 20), imports tests' fault injectors if any, then runs
// the collector thread. A failure anywhere is an unhandled rejection: the Worker's 'error' event.
const BOOT = `const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsx !== undefined) (await import(workerData.tsx)).register();
  for (const specifier of workerData.imports) await import(specifier);
  await (await import(workerData.entry))[${JSON.stringify(ENTRY_FUNCTION)}]();
})();`;

/** The HTTP server on this thread, serving what a collector thread running `entry` posts. */
export async function startServingThread(options: ServingThreadOptions): Promise<ThreadedExporter> {
  const { logger } = options;
  const writeCollectorLog = options.writeCollectorLog ?? ((line: string) => process.stderr.write(`${line}\n`));

  let worker: Worker | undefined;
  const send = (message: ServerMessage): void => worker?.postMessage(message);
  const bodies = new ServedBodies((encoding) => send({ type: 'want', encoding }));
  let readiness: Readiness = { ready: false, reason: 'starting: the collector thread is loading' };

  // The server comes up first, so /-/healthy answers while the collector thread starts and logs in.
  const server: RunningServer = await startServer({ ...options.server, exposition: bodies, readiness: () => readiness, logger });

  const data: CollectorThreadData = {
    argv: [...options.argv],
    tsx: new URL(options.entry).pathname.endsWith('.ts') ? import.meta.resolve('tsx/esm/api') : undefined,
    imports: [...(options.collectorImports ?? [])],
    entry: options.entry,
  };
  const collector = new Worker(BOOT, { eval: true, execArgv: [], env: options.env ?? process.env, workerData: data, name: 'collector' });
  worker = collector;

  let phase: 'starting' | 'running' | 'closing' | 'failed' = 'starting';
  let startup: { resolve: () => void; reject: (error: Error) => void } | undefined;
  const started = new Promise<void>((resolve, reject) => (startup = { resolve, reject }));
  let collectorClosed: (() => void) | undefined;
  const closedMessage = new Promise<void>((resolve) => (collectorClosed = resolve));

  const fail = (error: Error): void => {
    if (phase === 'closing' || phase === 'failed') return;
    const wasStarting = phase === 'starting';
    phase = 'failed';
    readiness = { ready: false, reason: `the collector thread failed: ${error.message}` };
    bodies.close(`the collector thread failed: ${error.message}`, false);
    if (wasStarting) startup?.reject(error);
    else options.onFatal(error);
  };

  collector.on('message', (message: CollectorMessage) => {
    if (bodies.receive(message)) return;
    switch (message.type) {
      case 'log':
        writeCollectorLog(message.line);
        break;
      case 'readiness':
        if (phase === 'starting' || phase === 'running') readiness = message.readiness;
        break;
      case 'started':
        if (phase === 'starting') phase = 'running';
        startup?.resolve();
        break;
      case 'startup-failed':
        fail(new Error(message.message));
        break;
      case 'closed':
        collectorClosed?.();
        break;
    }
  });
  collector.on('error', (error) => fail(new Error(`collector thread crashed: ${error.message}`)));
  collector.on('exit', (code) => {
    collectorClosed?.();
    fail(new Error(`collector thread exited unexpectedly (exit code ${code})`));
  });

  const close = async (): Promise<void> => {
    const collectorRuns = phase !== 'failed';
    phase = 'closing';
    bodies.close('shutting down', true);
    const stopCollector = async (): Promise<void> => {
      if (collectorRuns) {
        send({ type: 'close' });
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([closedMessage, new Promise<void>((resolve) => (timer = setTimeout(resolve, COLLECTOR_CLOSE_MS)))]);
        clearTimeout(timer);
      }
      await collector.terminate();
    };
    await Promise.all([server.close(), stopCollector()]);
  };

  try {
    await started;
  } catch (error) {
    await close();
    throw error;
  }
  return { url: server.url, close };
}
