// How a test points an exporter at a simulator: both base URLs at the simulator, a kernel-chosen port, the
// simulator's client credentials, and polling as fast as the test needs. Each test states only its intervals.
import type { BackoffOptions } from '../../exporter/genesys/backoff.ts';
import type { SimulatorHandle } from '../../simulator/index.ts';

/**
 * The API client's retry backoff in tests that switch upstream faults on (the product's default is 0.5 s
 * doubling): a failing call gives up after its retries in well under a second. The number of attempts, the
 * timeouts and the Retry-After handling stay the product's; what tests assert is the failure, not its pace.
 */
export const FAST_RETRIES: BackoffOptions = { baseMs: 20, maxMs: 200 };

export interface TestPolling {
  /** --collector.queues.refresh-interval */
  readonly queues: string;
  /** --collector.observations.interval */
  readonly observations: string;
  /** --collector.aggregates.interval */
  readonly aggregates: string;
}

/** Flags for an exporter on `simulatorUrl` (also a fault proxy in front of one), polling at `polling`, then `extra`. */
export function simulatorArgs(simulatorUrl: string, polling: TestPolling, extra: readonly string[] = []): string[] {
  return [
    `--genesys.api-url=${simulatorUrl}`,
    `--genesys.login-url=${simulatorUrl}`,
    '--web.listen-address=127.0.0.1:0',
    '--collector.unsafe-fast-polling',
    `--collector.queues.refresh-interval=${polling.queues}`,
    `--collector.observations.interval=${polling.observations}`,
    `--collector.aggregates.interval=${polling.aggregates}`,
    // Tests that time polls (intervals, batches, faults on the observations query) poll; streaming tests say so in `extra`.
    '--collector.observations.mode=polling',
    ...extra,
  ];
}

/** The environment that logs in as the simulator's OAuth client. */
export function simulatorCredentials(simulator: Pick<SimulatorHandle, 'clientId' | 'clientSecret'>): Record<string, string> {
  return { GENESYS_CLIENT_ID: simulator.clientId, GENESYS_CLIENT_SECRET: simulator.clientSecret };
}
