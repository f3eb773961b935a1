// Shared by the streaming tests (test/exporter/streaming*.test.ts): a real exporter in streaming mode against
// the real simulator's notification service (HTTP and WebSocket on loopback), on the simulator's manual
// clock, with short timings so every path runs in seconds.
import { startExporter, type RunningExporter } from '../../../exporter/app.ts';
import { parseConfig } from '../../../exporter/config.ts';
import { createLogger } from '../../../exporter/log.ts';
import { type OrgSize, type SimQueue, type SimulatorHandle, startSimulator } from '../../../simulator/index.ts';
import { waitFor } from '../../../stack/wait-for.ts';
import { SimulatorClient } from '../../../stack/simulator-client.ts';
import { parseExposition, valueIn } from '../../support/exposition.ts';
import { get } from '../../support/http-client.ts';
import { simulatorArgs, simulatorCredentials } from '../../support/simulator-target.ts';

function args(simulatorUrl: string, observationsInterval: string, mode: string, extra: readonly string[]): string[] {
  return simulatorArgs(simulatorUrl, { queues: '5s', observations: observationsInterval, aggregates: '60s' }, [
    `--collector.observations.mode=${mode}`,
    '--collector.aggregates.window=2h',
    '--collector.staleness=5m',
    '--genesys.requests-per-minute=300',
    // Later flags win: a test's own (e.g. a smaller budget).
    ...extra,
  ]);
}

const TIMINGS = {
  heartbeatTimeoutMs: 5000,
  renewBeforeExpiryMs: 3_600_000,
  minSubscribeSpacingMs: 500,
  rejectedRetryMs: 500,
  backoff: { baseMs: 100, maxMs: 1000 },
};

export interface StreamingTuning {
  readonly timings?: Partial<typeof TIMINGS>;
  readonly topicsPerChannel?: number;
  /** The exporter's channel limit (it keeps at most the service's 20 whatever is asked). */
  readonly maxChannels?: number;
  readonly args?: readonly string[];
}

async function startStreamingExporter(
  simulator: SimulatorHandle,
  sim: SimulatorClient,
  observationsInterval: string,
  logLines: string[],
  mode: 'streaming' | 'polling',
  tuning: StreamingTuning,
): Promise<RunningExporter> {
  const config = parseConfig(args(simulator.url, observationsInterval, mode, tuning.args ?? []), simulatorCredentials(simulator));
  return startExporter(config, {
    logger: createLogger({ level: 'info', write: (line) => logLines.push(line) }),
    now: () => sim.nowMs,
    streaming: {
      timings: { ...TIMINGS, ...tuning.timings },
      resyncIntervalMs: 600_000,
      publishIntervalMs: 100,
      ...(tuning.topicsPerChannel === undefined ? {} : { topicsPerChannel: tuning.topicsPerChannel }),
      ...(tuning.maxChannels === undefined ? {} : { maxChannels: tuning.maxChannels }),
    },
  });
}

export const scrape = async (exporter: RunningExporter) => parseExposition((await get(`${exporter.url}/metrics`)).body);
/** One series' value; parses only that metric's lines (the waits probe /metrics many times). */
export const metric = async (exporter: RunningExporter, name: string, labels: Record<string, string> = {}) =>
  valueIn((await get(`${exporter.url}/metrics`)).body, name, labels);
/**
 * Probes every 100 ms, not 50: the streaming collector publishes every 100 ms and the pollers run every second or
 * more, so the states these waits look for last at least a publish interval, and a series gap a fallback could
 * leave (streaming-faults checks every probe for one) would last until the next poll, ≥ 1 s: still seen.
 */
export const until = <T>(what: string, check: () => Promise<T | undefined>) => waitFor(what, check, { timeoutMs: 20_000, intervalMs: 100 });

export interface StreamingStackOptions {
  readonly seed: number;
  readonly orgSize: Partial<OrgSize>;
  /** The simulator's notification heartbeat; left out, the simulator's default (30 s). */
  readonly heartbeatSeconds?: number;
  /** The observations collector's poll interval. Default 1 s. */
  readonly observationsInterval?: string;
  readonly mode?: 'streaming' | 'polling';
  readonly tuning?: StreamingTuning;
  /** Runs on the simulator before the exporter starts (e.g. a fault the exporter must meet from its first call). */
  readonly beforeExporter?: (sim: SimulatorClient) => Promise<unknown>;
}

export interface StreamingStack {
  readonly simulator: SimulatorHandle;
  readonly sim: SimulatorClient;
  readonly exporter: RunningExporter;
  /** Every line the exporter logged. */
  readonly logLines: string[];
  close(): Promise<void>;
}

/** A simulator on its manual clock (synced) and a streaming exporter against it; `close` stops both. */
export async function startStreamingStack(options: StreamingStackOptions): Promise<StreamingStack> {
  const simulator = await startSimulator({
    port: 0,
    seed: options.seed,
    clock: 'manual',
    ...(options.heartbeatSeconds === undefined ? {} : { notificationHeartbeatSeconds: options.heartbeatSeconds }),
    orgSize: options.orgSize,
  });
  try {
    const sim = new SimulatorClient(simulator.url);
    await sim.syncClock();
    await options.beforeExporter?.(sim);
    const logLines: string[] = [];
    const exporter = await startStreamingExporter(
      simulator,
      sim,
      options.observationsInterval ?? '1s',
      logLines,
      options.mode ?? 'streaming',
      options.tuning ?? {},
    );
    const close = async () => {
      try {
        await exporter.close();
      } finally {
        await simulator.close();
      }
    };
    return { simulator, sim, exporter, logLines, close };
  } catch (error) {
    await simulator.close();
    throw error;
  }
}

/** Runs `body` against a fresh stack and closes it however `body` ends. */
export async function withStreamingStack(options: StreamingStackOptions, body: (stack: StreamingStack) => Promise<void>): Promise<void> {
  const stack = await startStreamingStack(options);
  try {
    await body(stack);
  } finally {
    await stack.close();
  }
}

/** Waits until every queue is streamed (`genesys_exporter_streaming_active` is 1). */
export const untilStreamingActive = (exporter: RunningExporter, what = 'every queue streamed') =>
  until(what, async () => ((await metric(exporter, 'genesys_exporter_streaming_active')) === 1 ? true : undefined));

/** A fallback counter by reason, 0 before the first of that reason. */
export const fallbacks = async (exporter: RunningExporter, reason: string) =>
  (await metric(exporter, 'genesys_exporter_streaming_fallbacks_total', { reason })) ?? 0;

/** Channels the notification service created (answered 200). */
export const channelPosts = async (sim: SimulatorClient) =>
  (await sim.requests()).requests.filter((r) => r.method === 'POST' && r.path === '/api/v2/notifications/channels' && r.status === 200).length;

/**
 * A surge in `queue` (15 simulated minutes at 40×), then waits until its first media's depth on /metrics is the
 * org's: for a queue that is polled, the 1 s poll interval brings it.
 */
export async function untilPolledDepthAfterSurge(exporter: RunningExporter, sim: SimulatorClient, queue: SimQueue): Promise<void> {
  await sim.startScenario({ scenario: 'surge', queueId: queue.id, factor: 40 });
  await sim.advanceBy(15 * 60_000);
  const media = queue.media[0]!;
  const waiting = (await sim.truthNow()).queues.find((q) => q.queueId === queue.id)!.media.find((m) => m.mediaType === media)!.waiting;
  await until('the polled depth', async () =>
    (await metric(exporter, 'genesys_queue_depth', { queue_id: queue.id, media_type: media })) === waiting ? true : undefined,
  );
}

/**
 * The fault suites' stack (streaming-faults*.test.ts): four queues with some traffic, every queue streamed
 * before the first test.
 */
export async function startFaultsStack(): Promise<StreamingStack> {
  const stack = await startStreamingStack({ seed: 8, heartbeatSeconds: 0.5, orgSize: { queues: 4, divisions: 1, arrivalsPerMinute: 20, agents: 20 } });
  try {
    await untilStreamingActive(stack.exporter);
  } catch (error) {
    await stack.close();
    throw error;
  }
  return stack;
}
