// The one definition of each KPI and limit that recording rules, alerts and panels share: SLA compliance
// and its window, the recorded wait quantile's window, and the stale-data limit. Callers choose the
// selectors (a rule selects by job, a panel by Grafana variables) and the grouping; the arithmetic, the
// windows and the edge cases (no offers, no breach yet) live here only, so a panel cannot drift from the
// alert it mirrors.

import { parseDurationMs } from '../config/duration.ts';
import { increase, range, raw, type Vector } from './promql.ts';

/** Rolling window of SLA compliance. Part of the definition (and of the recorded series' names), so not
 * configurable and not $__rate_interval. */
export const SLA_WINDOW = '15m';

/** Rate window of the recorded p95 wait (its series name ends in `_rate5m`). */
export const WAIT_RATE_WINDOW = '5m';

const minutes = (duration: string): number => (parseDurationMs(duration) ?? Number.NaN) / 60_000;

/** The windows in minutes, for titles and descriptions that must say what the queries compute. */
export const SLA_WINDOW_MINUTES = minutes(SLA_WINDOW);
export const WAIT_RATE_WINDOW_MINUTES = minutes(WAIT_RATE_WINDOW);

/** How much a counter grew over the SLA window. */
export function overSlaWindow<L extends string>(counter: Vector<L>): Vector<L> {
  return increase(range(counter, SLA_WINDOW));
}

/**
 * Breaches, or 0 where there were offers: the breach counter appears with the first breach, so a queue
 * with offers and none yet has 0 breaches, not "no data". Both sides must be grouped by the same labels.
 */
export function breachesOrZero<L extends string>(breaches: Vector<L>, offers: Vector<L>): Vector<L> {
  return raw(`(${breaches} or ${offers} * 0)`);
}

/** Offers where there were any: dividing by it leaves a quiet queue without a value instead of 0/0. */
export function offersIfAny<L extends string>(offers: Vector<L>): Vector<L> {
  return raw(`${offers} > 0`);
}

/**
 * SLA compliance = 1 − breaches / offers over the window (a breach: answered later than the queue's
 * target, or abandoned). Absent, never 0 % or NaN, where nothing was offered: a quiet queue is not failing.
 * `breaches` and `offers` are counts over SLA_WINDOW grouped by the same labels (see overSlaWindow).
 */
export function slaCompliance<L extends string>(breaches: Vector<L>, offers: Vector<L>): Vector<L> {
  return raw(`1 - (${breachesOrZero(breaches, offers)} / (${offersIfAny(offers)}))`);
}

/** GenesysExporterDataStale's limit: a collector's data is stale when older than missedPolls of its own
 * poll interval, and never before minAgeSeconds. */
export interface StaleLimit {
  readonly missedPolls: number;
  readonly minAgeSeconds: number;
}

/** The stale limit in seconds, per series of `pollInterval` (genesys_exporter_poll_interval_seconds). */
export function staleLimitSeconds<L extends string>(limit: StaleLimit, pollInterval: Vector<L>): Vector<L> {
  return raw(`clamp_min(${limit.missedPolls} * ${pollInterval}, ${limit.minAgeSeconds})`);
}

/** Seconds since a timestamp gauge (e.g. a collector's last success): grows while nothing refreshes it. */
export function secondsSince<L extends string>(timestamp: Vector<L>): Vector<L> {
  return raw(`time() - ${timestamp}`);
}
