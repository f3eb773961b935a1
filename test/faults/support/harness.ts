// A real exporter (in process, real timers) against a real simulator on loopback, for fault tests. The
// simulator's fault injection shapes the API; its request log records what reached it and when.
import { startExporter, type RunningExporter } from '../../../exporter/app.ts';
import type { BackoffOptions } from '../../../exporter/genesys/backoff.ts';
import { parseConfig } from '../../../exporter/config.ts';
import { createLogger } from '../../../exporter/log.ts';
import { startSimulator, type SimulatorHandle } from '../../../simulator/index.ts';
import { valueIn } from '../../support/exposition.ts';
import type { MetricName } from '../../../metrics/catalog.ts';
import { get } from '../../support/http-client.ts';
import { waitFor } from '../../../stack/wait-for.ts';
import { SimulatorClient } from '../../../stack/simulator-client.ts';
import { startFaultProxy, type FaultProxy } from './fault-proxy.ts';
import { simulatorArgs, simulatorCredentials } from '../../support/simulator-target.ts';

export interface FaultRig {
  readonly simulator: SimulatorHandle;
  readonly sim: SimulatorClient;
  readonly exporter: RunningExporter;
  /** The fault proxy between exporter and simulator (with `withProxy`). */
  readonly proxy: FaultProxy | undefined;
  readonly logLines: string[];
  /** Value of a metric on /metrics right now (undefined when absent). */
  metric(name: MetricName, labels?: Record<string, string>): Promise<number | undefined>;
  close(): Promise<void>;
}

export interface RigOptions {
  /** Extra exporter flags (they win over the defaults below). */
  readonly args?: readonly string[];
  readonly orgSize?: { queues: number; divisions: number; arrivalsPerMinute: number; agents?: number };
  readonly tokenLifetimeSeconds?: number;
  /** Put a fault proxy between the exporter and the simulator (API and login). */
  readonly withProxy?: boolean;
  /** The API client's retry backoff (default the product's, 0.5 s doubling): a run under a fault ends sooner. */
  readonly apiBackoff?: BackoffOptions;
}

export async function startRig(options: RigOptions = {}): Promise<FaultRig> {
  const simulator = await startSimulator({
    port: 0,
    seed: 7,
    orgSize: options.orgSize ?? { queues: 4, divisions: 1, arrivalsPerMinute: 5 },
    ...(options.tokenLifetimeSeconds === undefined ? {} : { tokenLifetimeSeconds: options.tokenLifetimeSeconds }),
  });
  const proxy = options.withProxy === true ? await startFaultProxy(simulator.url) : undefined;
  const target = proxy?.url ?? simulator.url;
  const logLines: string[] = [];
  const config = parseConfig(
    simulatorArgs(target, { queues: '1s', observations: '300ms', aggregates: '300ms' }, [
      '--collector.staleness=30s',
      '--genesys.requests-per-minute=300',
      ...(options.args ?? []),
    ]),
    simulatorCredentials(simulator),
  );
  let exporter: RunningExporter;
  try {
    exporter = await startExporter(config, {
      logger: createLogger({ level: 'debug', write: (line) => logLines.push(line) }),
      apiBackoff: options.apiBackoff,
    });
  } catch (error) {
    await proxy?.close();
    await simulator.close();
    throw error;
  }
  // Tests probe this many times while they wait: only the metric's lines of the page are parsed.
  const metric = async (name: MetricName, labels: Record<string, string> = {}): Promise<number | undefined> =>
    valueIn((await get(`${exporter.url}/metrics`)).body, name, labels);
  return {
    simulator,
    sim: new SimulatorClient(simulator.url),
    exporter,
    proxy,
    logLines,
    metric,
    async close() {
      await exporter.close();
      await proxy?.close();
      await simulator.close();
    },
  };
}

/** Waits until every collector has succeeded once (the exporter is ready). */
export async function untilReady(rig: FaultRig): Promise<void> {
  await waitFor('the exporter to be ready', async () => ((await get(`${rig.exporter.url}/-/ready`)).status === 200 ? true : undefined), {
    timeoutMs: 30_000,
    intervalMs: 50,
  });
}

/** Resolves with `promise`'s settle time in ms, or with Infinity if it does not settle within `limitMs`. */
export async function settleTimeMs(promise: Promise<unknown>, limitMs: number): Promise<number> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), limitMs))),
  ]);
  clearTimeout(timer);
  return settled ? performance.now() - started : Number.POSITIVE_INFINITY;
}
