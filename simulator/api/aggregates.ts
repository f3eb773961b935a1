// POST /api/v2/analytics/conversations/aggregates/query: history of contacts grouped by dimensions and
// cut into granularity buckets from the interval start. A contact belongs to the bucket in which it
// arrived at the queue; nOffered counts at arrival, timers and SLA numbers only once the activity they
// time completes (tAnswered at answer, tAbandon and tShortAbandon at abandon, tFlowOut at the flow-out,
// tHeld when the hold ends, tTalk and the transfer counts when the talk ends, tAcw and tHandle when the
// after-call work ends), so a past bucket keeps growing. Metrics without data are left out.

import { contactHandleMs, type Contact } from '../model/contact.ts';
import type { TruthStore } from '../model/truth-store.ts';
import { badRequest } from './errors.ts';
import { compileFilter, type Dimensions } from './filter.ts';
import { iso, parseDuration, parseInterval } from './iso.ts';
import { isPlainObject as isObject } from '../../lib/plain-object.ts';
import { getOrInsertComputed } from '../../lib/map.ts';

const TIMER_METRICS = ['tAnswered', 'tAbandon', 'tWait', 'tHandle', 'tTalk', 'tHeld', 'tAcw', 'tFlowOut', 'tShortAbandon'] as const;
type TimerMetric = (typeof TIMER_METRICS)[number];
const TRANSFER_METRICS = ['nTransferred', 'nBlindTransferred', 'nConsultTransferred'] as const;
type TransferMetric = (typeof TRANSFER_METRICS)[number];
const AGGREGATE_METRICS = ['nOffered', 'nOverSla', 'oServiceLevel', ...TRANSFER_METRICS, ...TIMER_METRICS] as const;
type AggregateMetric = (typeof AGGREGATE_METRICS)[number];
const GROUP_BY_DIMENSIONS = ['queueId', 'mediaType', 'divisionId', 'direction'] as const;
const FILTER_DIMENSIONS = [...GROUP_BY_DIMENSIONS, 'userId', 'wrapUpCode', 'requestedRoutingSkillId'];
const MAX_VIEWS = 10;
/** Buckets one query may ask for (interval / granularity). */
const MAX_BUCKETS = 10_000;

interface View {
  readonly name: string;
  readonly target: TimerMetric;
  readonly gte: number;
  readonly lt: number;
}

interface TimerStats {
  max: number;
  min: number;
  count: number;
  sum: number;
}

interface Bucket {
  offered: number;
  overSla: number;
  answered: number;
  answeredWithin: number;
  abandoned: number;
  /** Transfers by the agents who answered (nTransferred and its blind and consult parts). */
  readonly transfers: Record<TransferMetric, number>;
  /** Service-level targets seen (oServiceLevel.target is shown when they agree). */
  targets: Set<number>;
  readonly timers: Partial<Record<TimerMetric, TimerStats>>;
  readonly views: number[];
}

function parseViews(value: unknown): View[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw badRequest('views must be an array');
  if (value.length > MAX_VIEWS) throw badRequest(`views: ${value.length} views requested, the maximum is ${MAX_VIEWS}`);
  const names = new Set<string>();
  return value.map((view: unknown, i) => {
    const at = `views[${i}]`;
    if (!isObject(view)) throw badRequest(`${at} must be an object`);
    const { name, target, function: fn, range } = view;
    if (typeof name !== 'string' || name === '') throw badRequest(`${at}.name must be a non-empty string`);
    if (names.has(name)) throw badRequest(`${at}.name ${JSON.stringify(name)} is used twice`);
    names.add(name);
    if (!(TIMER_METRICS as readonly unknown[]).includes(target))
      throw badRequest(`${at}.target ${JSON.stringify(target)} must be a timer metric (${TIMER_METRICS.join(', ')})`);
    if (fn !== 'rangeBound') throw badRequest(`${at}.function ${JSON.stringify(fn)} is not supported (only "rangeBound")`);
    if (!isObject(range)) throw badRequest(`${at}.range must be an object with gte and/or lt (milliseconds)`);
    const bound = (key: 'gte' | 'lt'): number | undefined => {
      const v = range[key];
      if (v === undefined) return undefined;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw badRequest(`${at}.range.${key} must be a number of milliseconds >= 0`);
      return v;
    };
    const gte = bound('gte');
    const lt = bound('lt');
    if (gte === undefined && lt === undefined) throw badRequest(`${at}.range needs gte, lt or both`);
    if (gte !== undefined && lt !== undefined && gte >= lt) throw badRequest(`${at}.range.gte must be below range.lt`);
    return { name, target: target as TimerMetric, gte: gte ?? 0, lt: lt ?? Infinity };
  });
}

function parseMetrics(value: unknown): AggregateMetric[] {
  if (!Array.isArray(value) || value.length === 0) throw badRequest('metrics must be a non-empty array of metric names');
  for (const [i, metric] of value.entries()) {
    if (!(AGGREGATE_METRICS as readonly unknown[]).includes(metric)) {
      throw badRequest(`metrics[${i}]: ${JSON.stringify(metric)} is not supported (supported: ${AGGREGATE_METRICS.join(', ')})`);
    }
  }
  return value as AggregateMetric[];
}

function parseGroupBy(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw badRequest('groupBy must be an array of dimension names');
  for (const [i, dimension] of value.entries()) {
    if (!(GROUP_BY_DIMENSIONS as readonly unknown[]).includes(dimension)) {
      throw badRequest(`groupBy[${i}]: ${JSON.stringify(dimension)} is not supported (supported: ${GROUP_BY_DIMENSIONS.join(', ')})`);
    }
  }
  return value as string[];
}

function contactDimensions(contact: Contact): Dimensions {
  return (dimension) => {
    switch (dimension) {
      case 'queueId':
        return contact.queueId;
      case 'mediaType':
        return contact.mediaType;
      case 'divisionId':
        return contact.divisionId;
      case 'direction':
        return 'inbound';
      case 'userId':
        return contact.agentId;
      default:
        return undefined;
    }
  };
}

/** Timer values the contact has posted so far. */
function timerValue(contact: Contact, timer: TimerMetric): number | undefined {
  switch (timer) {
    case 'tAnswered':
      return contact.answeredAt === undefined ? undefined : contact.answeredAt - contact.arrivedAt;
    case 'tAbandon':
      return contact.abandonedAt === undefined ? undefined : contact.abandonedAt - contact.arrivedAt;
    case 'tWait':
      return (contact.answeredAt ?? contact.abandonedAt) === undefined ? undefined : (contact.answeredAt ?? contact.abandonedAt)! - contact.arrivedAt;
    case 'tHandle':
      return contactHandleMs(contact);
    case 'tTalk':
      return contact.talkMs;
    case 'tHeld':
      return contact.heldMs;
    case 'tAcw':
      return contact.acwMs;
    case 'tFlowOut':
      return contact.flowedOutAt === undefined ? undefined : contact.flowedOutAt - contact.arrivedAt;
    case 'tShortAbandon':
      return contact.shortAbandon === true ? contact.abandonedAt! - contact.arrivedAt : undefined;
  }
}

export function queryAggregates(body: unknown, truth: TruthStore) {
  if (!isObject(body)) throw badRequest('the request body must be a JSON object');
  const { start, end } = parseInterval(body['interval'], 'interval');
  const granularityMs = body['granularity'] === undefined ? end - start : parseDuration(body['granularity'], 'granularity');
  if ((end - start) % granularityMs !== 0)
    throw badRequest(`granularity ${String(body['granularity'])} does not evenly divide the interval ${String(body['interval'])}`);
  const bucketCount = (end - start) / granularityMs;
  if (bucketCount > MAX_BUCKETS) throw badRequest(`interval / granularity gives ${bucketCount} buckets, the maximum is ${MAX_BUCKETS}`);
  const groupBy = parseGroupBy(body['groupBy']);
  const metrics = parseMetrics(body['metrics']);
  const views = parseViews(body['views']);
  const filter = body['filter'] === undefined ? undefined : compileFilter(body['filter'], FILTER_DIMENSIONS);
  const timersNeeded = new Set<TimerMetric>([
    ...metrics.filter((m): m is TimerMetric => (TIMER_METRICS as readonly string[]).includes(m)),
    ...views.map((v) => v.target),
  ]);

  const groups = new Map<string, { group: Record<string, string>; buckets: Map<number, Bucket> }>();
  // A filter naming queues (the exporter's batches) reads those queues' contacts only, not the whole org's.
  const queueIds = filter?.restriction('queueId');
  for (const contact of queueIds === undefined ? truth.between(start, end) : truth.betweenQueues(queueIds, start, end)) {
    const dims = contactDimensions(contact);
    if (filter !== undefined && !filter.matches(dims)) continue;
    const groupValues: Record<string, string> = {};
    for (const dimension of groupBy) {
      const v = dims(dimension);
      if (v !== undefined) groupValues[dimension] = v;
    }
    const key = JSON.stringify(groupValues);
    const entry = getOrInsertComputed(groups, key, () => ({ group: groupValues, buckets: new Map() }));
    const index = Math.floor((contact.arrivedAt - start) / granularityMs);
    let bucket = entry.buckets.get(index);
    if (bucket === undefined) {
      bucket = {
        offered: 0,
        overSla: 0,
        answered: 0,
        answeredWithin: 0,
        abandoned: 0,
        transfers: { nTransferred: 0, nBlindTransferred: 0, nConsultTransferred: 0 },
        targets: new Set(),
        timers: {},
        views: views.map(() => 0),
      };
      entry.buckets.set(index, bucket);
    }
    addContact(bucket, contact, timersNeeded, views);
  }

  const results = [...groups.values()]
    .map(({ group, buckets }) => ({
      group,
      data: [...buckets.entries()]
        .sort(([a], [b]) => a - b)
        .map(([index, bucket]) => renderBucket(start + index * granularityMs, granularityMs, bucket, metrics, views))
        .filter((entry) => entry.metrics.length > 0 || entry.views !== undefined),
    }))
    .filter((result) => result.data.length > 0);
  // An empty answer is `{}`, as the platform gives it: no results key at all.
  return results.length === 0 ? {} : { results };
}

function addContact(bucket: Bucket, contact: Contact, timers: ReadonlySet<TimerMetric>, views: readonly View[]): void {
  bucket.offered++;
  if (contact.answeredAt !== undefined) {
    bucket.answered++;
    if (contact.answeredAt - contact.arrivedAt <= contact.slaTargetMs) bucket.answeredWithin++;
    else bucket.overSla++;
    bucket.targets.add(contact.slaPercentage);
  } else if (contact.abandonedAt !== undefined) {
    bucket.abandoned++;
    bucket.targets.add(contact.slaPercentage);
  }
  if (contact.transfer !== undefined) {
    bucket.transfers.nTransferred++;
    bucket.transfers[contact.transfer === 'blind' ? 'nBlindTransferred' : 'nConsultTransferred']++;
  }
  for (const timer of timers) {
    const value = timerValue(contact, timer);
    if (value === undefined) continue;
    const stats = bucket.timers[timer];
    if (stats === undefined) bucket.timers[timer] = { max: value, min: value, count: 1, sum: value };
    else {
      stats.max = Math.max(stats.max, value);
      stats.min = Math.min(stats.min, value);
      stats.count++;
      stats.sum += value;
    }
  }
  views.forEach((view, i) => {
    const value = timerValue(contact, view.target);
    if (value !== undefined && value >= view.gte && value < view.lt) bucket.views[i]!++;
  });
}

function renderBucket(from: number, granularityMs: number, bucket: Bucket, metrics: readonly AggregateMetric[], views: readonly View[]) {
  const rendered: { metric: string; stats: Record<string, number> }[] = [];
  for (const metric of metrics) {
    switch (metric) {
      case 'nOffered':
        if (bucket.offered > 0) rendered.push({ metric, stats: { count: bucket.offered } });
        break;
      case 'nOverSla':
        if (bucket.overSla > 0) rendered.push({ metric, stats: { count: bucket.overSla } });
        break;
      case 'nTransferred':
      case 'nBlindTransferred':
      case 'nConsultTransferred':
        if (bucket.transfers[metric] > 0) rendered.push({ metric, stats: { count: bucket.transfers[metric] } });
        break;
      case 'oServiceLevel': {
        const denominator = bucket.answered + bucket.abandoned;
        if (denominator === 0) break;
        const [target] = bucket.targets;
        rendered.push({
          metric,
          stats: {
            ratio: bucket.answeredWithin / denominator,
            numerator: bucket.answeredWithin,
            denominator,
            ...(bucket.targets.size === 1 ? { target: target! } : {}),
          },
        });
        break;
      }
      default: {
        const stats = bucket.timers[metric];
        if (stats !== undefined) rendered.push({ metric, stats: { ...stats } });
      }
    }
  }
  const shownViews = views.map((view, i) => ({ name: view.name, stats: { count: bucket.views[i]! } })).filter((v) => v.stats.count > 0);
  return {
    interval: `${iso(from)}/${iso(from + granularityMs)}`,
    metrics: rendered,
    ...(shownViews.length > 0 ? { views: shownViews } : {}),
  };
}
