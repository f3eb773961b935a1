// The timing facts of the e2e stack (test/e2e/support/e2e-stack.ts runs it with these intervals), from
// which every tolerance of the panel checks (panel-checks.ts) is derived.

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
// 1.5 s held until the body grew with the contact KPIs (twice the series) and polls started publishing per
// batch: a quiet-machine run then served a longest wait 16 ms and 143 ms older than 1.5 s allowed.
export const POLL_MARGIN_SECONDS = 2.5;
/**
 * The oldest moment a sample evaluated at T can describe: the last scrape is up to one scrape interval
 * (plus margin) old, and what it read was polled up to one poll interval (plus margin) before that.
 */
export const AGGREGATES_LAG_SECONDS = SCRAPE_SECONDS + SCRAPE_MARGIN_SECONDS + AGGREGATES_POLL_SECONDS + POLL_MARGIN_SECONDS;
export const OBSERVATIONS_LAG_SECONDS = SCRAPE_SECONDS + SCRAPE_MARGIN_SECONDS + OBSERVATIONS_POLL_SECONDS + POLL_MARGIN_SECONDS;
