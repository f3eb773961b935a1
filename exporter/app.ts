// Composes the exporter: config → (the embedded simulated org, with --simulator only) → API client →
// collectors and runner (prepareCollection) → server. The exporter process runs the collection on a thread
// of its own and the server on the main thread (serving/threaded-exporter.ts, from main.ts); tests start
// both in one thread (startExporter).
import { startSimulator } from '../simulator/index.ts';
import { registryTelemetry } from './api-telemetry.ts';
import { buildInfo } from './build-info.ts';
import { createAggregatesCollector } from './collectors/aggregates.ts';
import { createObservationsCollector } from './collectors/observations.ts';
import { createQueueCatalogCollector } from './collectors/queue-catalog.ts';
import { QueueDirectory } from './collectors/queue-directory.ts';
import { CollectorRunner } from './collectors/runner.ts';
import { OBSERVATIONS_MODES, type ExporterConfig } from './config.ts';
import type { BackoffOptions } from './genesys/backoff.ts';
import { createGenesysClient } from './genesys/client.ts';
import { AuthenticationError } from './genesys/errors/index.ts';
import type { Logger } from './log.ts';
import type { ExpositionOptions } from './exposition/exposition.ts';
import { createExporterRegistry } from './registry.ts';
import type { ExporterRegistry } from './registry.ts';
import { startServer, type RunningServer } from './server.ts';
import { serverOptionsOf } from './serving/server-options.ts';
import { FALLBACK_REASONS } from './streaming/channel-session.ts';
import { createStreamingObservationsCollector, type StreamingObservationsOptions } from './streaming/streaming-collector.ts';

export interface RunningExporter {
  /** Where /metrics is served, e.g. "http://127.0.0.1:9813". */
  readonly url: string;
  readonly metrics: ExporterRegistry;
  readonly runner: CollectorRunner;
  /** The embedded simulator's base URL with --simulator. */
  readonly simulatorUrl: string | undefined;
  close(): Promise<void>;
}

export interface ExporterOptions {
  readonly logger: Logger;
  /**
   * The clock collectors use for aggregate query windows and wait ages (epoch ms). Default Date.now; tests
   * pass the clock of a simulator that runs on a manual (virtual) clock.
   */
  readonly now?: () => number;
  /** Streaming mode's timings (heartbeat timeout, backoff, retries, resync) and channel size and count; tests shorten them. */
  readonly streaming?: Pick<StreamingObservationsOptions, 'timings' | 'resyncIntervalMs' | 'publishIntervalMs' | 'topicsPerChannel' | 'maxChannels'>;
  /** The API client's retry backoff (default DEFAULT_BACKOFF); tests that switch an upstream fault on shorten it. */
  readonly apiBackoff?: BackoffOptions;
  /** The renderer's options (its slice between yields); the collector thread, which serves no HTTP, takes longer slices. */
  readonly exposition?: ExpositionOptions;
}

/**
 * Everything but the HTTP server: the store and exposition, the API client, the collectors and their
 * runner. The exporter process runs it on a thread of its own (serving/collector-thread.ts); tests run it
 * in process under startExporter.
 */
export interface Collection {
  readonly metrics: ExporterRegistry;
  readonly runner: CollectorRunner;
  /** The embedded simulator's base URL with --simulator. */
  readonly simulatorUrl: string | undefined;
  /** Logs in (wrong credentials reject: they will not fix themselves) and starts the collectors. */
  start(): Promise<void>;
  /**
   * Stops collecting: streaming sockets, the runner and the API client (nothing reaches the upstream after
   * it), while the store and the exposition stay readable for scrapes still in flight. close() does it too.
   */
  stop(): Promise<void>;
  close(): Promise<void>;
}

/** The exporter in one thread: the collection and the HTTP server side by side (tests). */
export async function startExporter(config: ExporterConfig, options: ExporterOptions): Promise<RunningExporter> {
  const { logger } = options;
  // Read first: a bad web config fails before anything starts.
  const serverOptions = serverOptionsOf(config);
  const collection = await prepareCollection(config, options);
  let server: RunningServer | undefined;
  // Collecting stops first, so no poll starts while the server drains; the scrapes it drains still read the
  // exposition, which the collection's close releases last.
  const close = async (): Promise<void> => {
    await collection.stop();
    await server?.close().catch((error: unknown) => logger.warn('shutdown step failed', { error: String(error) }));
    await collection.close();
  };
  try {
    // The server comes up first, so /-/healthy answers while the first token is fetched.
    server = await startServer({
      ...serverOptions,
      exposition: collection.metrics.exposition,
      readiness: () => collection.runner.readiness(),
      logger,
    });
    await collection.start();
    return { url: server.url, metrics: collection.metrics, runner: collection.runner, simulatorUrl: collection.simulatorUrl, close };
  } catch (error) {
    await close();
    throw error;
  }
}

export async function prepareCollection(
  config: ExporterConfig,
  { logger, now = Date.now, streaming, exposition, apiBackoff }: ExporterOptions,
): Promise<Collection> {
  const cleanups: (() => Promise<void>)[] = [];
  const warnFailed = (error: unknown): void => logger.warn('shutdown step failed', { error: String(error) });
  /** Set by start(); taken (so run once) by stop(). */
  let stopCollecting: (() => Promise<void>) | undefined;
  const stop = async (): Promise<void> => {
    const stopping = stopCollecting;
    stopCollecting = undefined;
    await stopping?.();
  };
  const close = async (): Promise<void> => {
    await stop();
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(warnFailed);
  };
  try {
    const metrics = createExporterRegistry({ exposition });
    cleanups.push(async () => metrics.exposition.close());
    const { version, revision } = buildInfo();
    metrics.gauge('genesys_exporter_build_info').set({ version, revision, nodejs_version: process.version }, 1);
    const directory = new QueueDirectory();
    metrics.store.setQueueFilter((id, name) => directory.exports(id, name));

    const endpoint = await genesysEndpoint(config, logger);
    if (endpoint.close) cleanups.push(endpoint.close);
    // A demo scraped by a production Prometheus must be noticed: an alert fires on this.
    metrics.gauge('genesys_exporter_simulated').set(endpoint.simulated ? 1 : 0);
    // With N replicas, each says which part it serves: a missing or doubled shard shows in PromQL.
    metrics.gauge('genesys_exporter_shard_index').set(config.collectors.queues.shard.index);
    metrics.gauge('genesys_exporter_shards').set(config.collectors.queues.shard.count);
    const client = createGenesysClient({
      apiUrl: endpoint.apiUrl,
      loginUrl: endpoint.loginUrl,
      credentials: { clientId: endpoint.clientId, clientSecret: endpoint.clientSecret },
      requestsPerMinute: config.genesys.requestsPerMinute,
      requestTimeoutMs: config.genesys.requestTimeoutMs,
      telemetry: registryTelemetry(metrics),
      logger,
      ...(apiBackoff === undefined ? {} : { backoff: apiBackoff }),
    });
    cleanups.push(() => client.close());

    const { collectors } = config;
    // Every reason from 0 (in polling mode too), so rate() and alerts see the first fallback.
    for (const reason of FALLBACK_REASONS) metrics.counter('genesys_exporter_streaming_fallbacks_total').inc({ reason }, 0);
    // Which mode was asked for: an alert tells "streaming wanted, some queues polled" from polling mode.
    for (const mode of OBSERVATIONS_MODES) metrics.gauge('genesys_exporter_observations_mode').set({ mode }, mode === collectors.observations.mode ? 1 : 0);
    // Streaming mode: observations arrive on notification channels (exporter/streaming/), with polling
    // for what streaming does not cover; the REST calls go through the same client (token, budget).
    const streamingObservations =
      collectors.observations.mode === 'polling'
        ? undefined
        : createStreamingObservationsCollector(client, directory, {
            ...collectors.observations,
            ...streaming,
            now,
            registry: metrics,
            logger,
            publishPart: (queueIds, snapshot) =>
              metrics.store.publishPart('observations', queueIds, snapshot, Math.max(collectors.stalenessMs, 2 * collectors.observations.intervalMs)),
          });
    const runner = new CollectorRunner({
      collectors: [
        { collector: createQueueCatalogCollector(client, directory, collectors.queues, logger), intervalMs: collectors.queues.refreshIntervalMs },
        {
          collector: streamingObservations ?? createObservationsCollector(client, directory, { ...collectors.observations, now }),
          intervalMs: collectors.observations.intervalMs,
        },
        { collector: createAggregatesCollector(client, directory, { ...collectors.aggregates, now }), intervalMs: collectors.aggregates.intervalMs },
      ],
      registry: metrics,
      directory,
      requestsPerMinute: client.requestsPerMinute,
      stalenessMs: collectors.stalenessMs,
      logger,
    });

    const start = async (): Promise<void> => {
      try {
        await client.start();
      } catch (error) {
        // Wrong credentials will not fix themselves: fail fast. Anything else (network, login 5xx) is
        // retried by the client while the collectors run.
        if (error instanceof AuthenticationError) throw error;
        logger.warn('first login failed; collectors will keep retrying', { error: error instanceof Error ? error.message : String(error) });
      }
      runner.start();
      // Shutdown: streaming sockets close before the client does; then stop scheduling, abort the client's
      // in-flight work (requests, retries, pauses, token refresh), and wait for the collectors, which now end
      // at once instead of after their retries.
      stopCollecting = async () => {
        await streamingObservations?.close().catch(warnFailed);
        const stopping = runner.stop();
        await client.close().catch(warnFailed);
        await stopping.catch(warnFailed);
      };
    };

    return { metrics, runner, simulatorUrl: endpoint.simulated ? endpoint.apiUrl : undefined, start, stop, close };
  } catch (error) {
    await close();
    throw error;
  }
}

interface GenesysEndpoint {
  readonly apiUrl: string;
  readonly loginUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly simulated: boolean;
  readonly close?: () => Promise<void>;
}

async function genesysEndpoint(config: ExporterConfig, logger: Logger): Promise<GenesysEndpoint> {
  const { target } = config.genesys;
  if (target.kind === 'genesys') {
    const { apiUrl, loginUrl, region, credentials } = target;
    logger.info('using Genesys Cloud', { api_url: apiUrl, login_url: loginUrl, region, client_id: credentials.clientId });
    return { apiUrl, loginUrl, clientId: credentials.clientId, clientSecret: credentials.clientSecret.reveal(), simulated: false };
  }
  const simulator = await startSimulator({ port: 0, host: '127.0.0.1', seed: target.seed });
  logger.warn('--simulator: serving SIMULATED data from an embedded simulated org, not a real Genesys Cloud org (genesys_exporter_simulated 1)', {
    simulator_url: simulator.url,
    seed: target.seed,
  });
  return {
    apiUrl: simulator.url,
    loginUrl: simulator.url,
    clientId: simulator.clientId,
    clientSecret: simulator.clientSecret,
    simulated: true,
    close: () => simulator.close(),
  };
}
