// The stack the e2e tests run, and the timing facts every tolerance in them is derived from.
import { fileURLToPath } from 'node:url';
import { processRegistry } from '../../../stack/processes.ts';
import { startStack, type Stack } from '../../../stack/stack.ts';

/** Prometheus scrapes the exporter every second (production: 15 s; see stack/prometheus.ts, change 2). */
export const SCRAPE_SECONDS = 1;
export const EVALUATION_SECONDS = 1;
/** The exporter polls observations and aggregates every second (--collector.unsafe-fast-polling). */
export const OBSERVATIONS_POLL_SECONDS = 1;
export const AGGREGATES_POLL_SECONDS = 1;
/**
 * A scrape lands up to this long after its nominal time (scrape duration, scheduling on a shared machine);
 * a poll's values are served up to this long after the poll was sent (simulator response + exporter update).
 * Both are generous margins for a busy 2-CPU machine, not measured from passing runs.
 */
export const SCRAPE_MARGIN_SECONDS = 0.5;
export const POLL_MARGIN_SECONDS = 1.5;
/**
 * The oldest moment a sample evaluated at T can describe: the last scrape is up to one scrape interval
 * (plus margin) old, and what it read was polled up to one poll interval (plus margin) before that.
 */
export const AGGREGATES_LAG_SECONDS = SCRAPE_SECONDS + SCRAPE_MARGIN_SECONDS + AGGREGATES_POLL_SECONDS + POLL_MARGIN_SECONDS;
export const OBSERVATIONS_LAG_SECONDS = SCRAPE_SECONDS + SCRAPE_MARGIN_SECONDS + OBSERVATIONS_POLL_SECONDS + POLL_MARGIN_SECONDS;

export const E2E_ORG_FILE = fileURLToPath(new URL('../fixtures/org.yaml', import.meta.url));

/**
 * Alert timings shortened through the generator's config (generated into the stack's temp folder): the
 * production `for` durations are covered by `promtool test rules`; here they only need to be long enough
 * to span several evaluations, and short enough that the whole e2e run stays within minutes.
 */
export const E2E_ALERTS_OVERRIDE = {
  rules: {
    QueueDepthCritical: { for: '10s', maxWaiting: 60 },
    // Below the waits of the busy queues (patience 30–40 s), so a queue alert built on a 5-minute window is
    // firing when the exporter-down test stops the exporter.
    WaitTimeDegradation: { for: '10s', maxP95WaitSeconds: 30 },
    QueueSlaBelowTarget: { for: '10s' },
    QueueNoAvailableAgents: { for: '10s' },
    GenesysExporterDown: { for: '5s' },
    GenesysExporterAbsent: { for: '5s' },
    // Not shorter than the queue catalog's 5-minute refresh: its collector is legitimately that old, and a
    // stale-data alert inhibits every queue alert.
    GenesysExporterDataStale: { for: '5s', missedPolls: 3, minAgeSeconds: 60 },
    GenesysExporterCollectorFailing: { for: '10s' },
    // Counter-based exporter alerts with windows and `for` short enough that a counter reset which
    // rate()/increase() mishandled would fire them within the restart test.
    GenesysApiRateLimited: { for: '5s', window: '1m', maxResponses: 10 },
    GenesysApiErrors: { for: '5s', window: '1m' },
    GenesysAuthenticationFailing: { for: '5s', window: '1m' },
  },
  alertmanager: { groupWait: '1s', groupInterval: '5s', repeatInterval: '1h' },
} as const;

export async function startE2eStack(): Promise<Stack> {
  processRegistry.exitOnSignals();
  return startStack({
    seed: 5,
    orgFile: E2E_ORG_FILE,
    alertsOverride: E2E_ALERTS_OVERRIDE,
    scrapeIntervalSeconds: SCRAPE_SECONDS,
    evaluationIntervalSeconds: EVALUATION_SECONDS,
    exporterFlags: [
      '--collector.unsafe-fast-polling',
      `--collector.observations.interval=${OBSERVATIONS_POLL_SECONDS}s`,
      `--collector.aggregates.interval=${AGGREGATES_POLL_SECONDS}s`,
    ],
  });
}
