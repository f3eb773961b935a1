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

// ---- contact KPIs: handle time, speed of answer, abandon rate, transfer rate ----
// Each one is a ratio of two growths over the same window (rate or increase, grouped alike), so it is right
// across exporter restarts and for any window the caller picks; the caller passes `growth`, which selects
// a series as it needs (a rule by job, a panel by Grafana variables), takes rate()/increase() over its
// window and groups by its labels. No contact in the window → no value: never 0 s or 0 %.

/** The series the contact KPIs are computed from. */
export type ContactKpiSeries =
  | 'genesys_queue_offer_total'
  | 'genesys_queue_answered_total'
  | 'genesys_queue_abandoned_total'
  | 'genesys_queue_short_abandoned_total'
  | 'genesys_queue_transferred_total'
  | 'genesys_queue_handle_time_seconds_sum'
  | 'genesys_queue_handle_time_seconds_count'
  | 'genesys_queue_talk_time_seconds_sum'
  | 'genesys_queue_hold_time_seconds_sum'
  | 'genesys_queue_after_call_work_seconds_sum'
  | 'genesys_queue_answer_time_seconds_sum'
  | 'genesys_queue_answer_time_seconds_count';

/** How much a series grew over the caller's window, grouped by the caller's labels. */
export type Growth<L extends string> = (series: ContactKpiSeries) => Vector<L>;

/** `total / count` where something was counted: no contact, no average (rather than 0 s or NaN). */
function averageWhereCounted<L extends string>(total: Vector<L>, count: Vector<L>): Vector<L> {
  return raw(`${total} / (${count} > 0)`);
}

/** A counter's growth, or 0 where `reference` grew: a counter appears with its first event, so a queue with
 * offers and no abandon yet has 0 abandons, not "no data". */
function orZeroWhere<L extends string>(counter: Vector<L>, reference: Vector<L>): Vector<L> {
  return raw(`(${counter} or ${reference} * 0)`);
}

/** Average handle time (AHT): handle time (talk + hold + after-call work, Genesys' tHandle) per handled contact. */
export function averageHandleTime<L extends string>(growth: Growth<L>): Vector<L> {
  return averageWhereCounted(growth('genesys_queue_handle_time_seconds_sum'), growth('genesys_queue_handle_time_seconds_count'));
}

/** The parts of handle time, each per handled contact (tHandle's count), so talk + hold + ACW add up to AHT:
 * hold per contact, not per hold (a contact put on hold twice counts both, one never held counts 0). */
export type HandleTimePart = 'talk' | 'hold' | 'afterCallWork';
const HANDLE_PART_SERIES: Readonly<Record<HandleTimePart, ContactKpiSeries>> = {
  talk: 'genesys_queue_talk_time_seconds_sum',
  hold: 'genesys_queue_hold_time_seconds_sum',
  afterCallWork: 'genesys_queue_after_call_work_seconds_sum',
};
export function handleTimePartPerContact<L extends string>(part: HandleTimePart, growth: Growth<L>): Vector<L> {
  const handled = growth('genesys_queue_handle_time_seconds_count');
  return averageWhereCounted(orZeroWhere(growth(HANDLE_PART_SERIES[part]), handled), handled);
}

/** Average speed of answer (ASA): how long answered contacts waited (tAnswered), per answered contact. The
 * wait of contacts that abandoned is not in it (genesys_queue_abandon_time_seconds). */
export function averageSpeedOfAnswer<L extends string>(growth: Growth<L>): Vector<L> {
  return averageWhereCounted(growth('genesys_queue_answer_time_seconds_sum'), growth('genesys_queue_answer_time_seconds_count'));
}

/**
 * Abandon rate = (abandoned − short abandoned) / (offered − short abandoned) over the window. Short abandons
 * (hung up within the org's short-abandon threshold: misdials, callers who change their mind at once) are
 * left out of both sides, as most centers count it. No offers (other than short abandons) → no value.
 */
export function abandonRate<L extends string>(growth: Growth<L>): Vector<L> {
  const offers = growth('genesys_queue_offer_total');
  const short = orZeroWhere(growth('genesys_queue_short_abandoned_total'), offers);
  const abandons = orZeroWhere(growth('genesys_queue_abandoned_total'), offers);
  return raw(`(${abandons} - ${short}) / ((${offers} - ${short}) > 0)`);
}

/** Offers over the window that abandonRate divides by (short abandons left out): for a minimum-volume guard. */
export function offersCountedForAbandonRate<L extends string>(growth: Growth<L>): Vector<L> {
  const offers = growth('genesys_queue_offer_total');
  return raw(`(${offers} - ${orZeroWhere(growth('genesys_queue_short_abandoned_total'), offers)})`);
}

/** Transfer rate = contacts an agent transferred (blind or consult) / contacts answered, over the window. No
 * answer → no value. */
export function transferRate<L extends string>(growth: Growth<L>): Vector<L> {
  const answered = growth('genesys_queue_answered_total');
  return averageWhereCounted(orZeroWhere(growth('genesys_queue_transferred_total'), answered), answered);
}
