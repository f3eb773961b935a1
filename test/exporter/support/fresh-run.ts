// Waiting for a collector run that saw the state as it is now: after a step of the simulator's manual clock
// (or a fault switched on), only a run that STARTED after the step read the new clock and the new upstream.
import { waitFor } from '../../../stack/wait-for.ts';
import { parseExposition, valueIn } from '../../support/exposition.ts';
import type { ParsedSample } from '../../support/exposition.ts';
import { get } from '../../support/http-client.ts';

/**
 * Slack for the start computed below: Date.now() has whole milliseconds, so the call's time and the run's end
 * stamp are each up to 1 ms early. (The duration is measured after the stamp is taken, so the computed start
 * is never later than the real one otherwise.)
 */
const CLOCK_SLACK_SECONDS = 0.002;

/**
 * The scrape in which `collector` has finished a successful run that started after this call. The runner sets
 * a run's success, last-success stamp (wall clock at its end) and duration together when it ends, so in one
 * scrape with success 1 the stamp minus the duration is when that run started: one run's wait (the next run
 * plus its duration) instead of two whole runs. Probes every 100 ms, parsing only the three gauges' lines.
 */
export async function freshRun(exporterUrl: string, collector: string): Promise<ParsedSample[]> {
  const calledAt = Date.now() / 1000;
  const where = { collector };
  const body = await waitFor(
    `a successful ${collector} run that started after ${new Date(calledAt * 1000).toISOString()}`,
    async () => {
      const text = (await get(`${exporterUrl}/metrics`)).body;
      if (valueIn(text, 'genesys_exporter_collector_success', where) !== 1) return undefined;
      const endedAt = valueIn(text, 'genesys_exporter_collector_last_success_timestamp_seconds', where);
      const took = valueIn(text, 'genesys_exporter_collector_duration_seconds', where);
      return endedAt !== undefined && took !== undefined && endedAt - took > calledAt + CLOCK_SLACK_SECONDS ? text : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );
  return parseExposition(body);
}
