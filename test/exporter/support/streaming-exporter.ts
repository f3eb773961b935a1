// Shared by the streaming tests (test/exporter/streaming*.test.ts): a real exporter in streaming mode against
// the real simulator's notification service (HTTP and WebSocket on loopback), on the simulator's manual
// clock, with short timings so every path runs in seconds.
import { startExporter, type RunningExporter } from '../../../exporter/app.ts';
import { parseConfig } from '../../../exporter/config.ts';
import { createLogger } from '../../../exporter/log.ts';
import type { SimulatorHandle } from '../../../simulator/index.ts';
import { waitFor } from '../../../stack/wait-for.ts';
import type { SimulatorClient } from '../../../stack/simulator-client.ts';
import { parseExposition, sampleValue } from '../../support/exposition.ts';
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

export async function startStreamingExporter(
  simulator: SimulatorHandle,
  sim: SimulatorClient,
  observationsInterval: string,
  logLines: string[],
  mode = 'streaming',
  tuning: { timings?: Partial<typeof TIMINGS>; topicsPerChannel?: number; args?: readonly string[] } = {},
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
    },
  });
}

export const scrape = async (exporter: RunningExporter) => parseExposition((await get(`${exporter.url}/metrics`)).body);
export const metric = async (exporter: RunningExporter, name: string, labels: Record<string, string> = {}) => sampleValue(await scrape(exporter), name, labels);
export const until = <T>(what: string, check: () => Promise<T | undefined>) => waitFor(what, check, { timeoutMs: 20_000, intervalMs: 50 });
