// The stack the e2e tests run, with the intervals of test/support/panels/timing.ts (every tolerance of the
// panel checks is derived from them).
import { fileURLToPath } from 'node:url';
import { processRegistry } from '../../../stack/processes.ts';
import { startStack, type Stack } from '../../../stack/stack.ts';
import { AGGREGATES_POLL_SECONDS, EVALUATION_SECONDS, OBSERVATIONS_POLL_SECONDS, SCRAPE_SECONDS } from '../../support/panels/timing.ts';

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
    WaitTimeDegradation: { for: '10s', maxP95WaitSeconds: { voice: 30, callback: 30, chat: 30, message: 30, email: 30 } },
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
  // The tests wait a few group intervals for a notification that must not come: short, so those waits are.
  alertmanager: { groupWait: '1s', groupInterval: '2s', repeatInterval: '1h' },
  // GenesysExporterDown.for + the 1-minute margin alerts/queue-alerts.ts requires.
  queueAlertsKeepFiringFor: '70s',
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
      // Polling, not the default streaming: the ground truth a gauge is compared with is the window of the
      // observation poll behind it (the run telemetry says when it queried); streaming is checked against the
      // simulator's truth by test/exporter/streaming*.test.ts.
      '--collector.observations.mode=polling',
    ],
  });
}
