// Runs one dashboard query's ground-truth check (panel-checks.ts) against Prometheus' answer, or
// against the values a panel shows (grafana.ts), and returns the problems found, each naming the
// query, the series, the value and what the truth allows.
import type { InstantSample } from '../../../stack/prometheus-api.ts';
import { sampleValue } from '../../../stack/prometheus-api.ts';
import type { PanelQuery } from './dashboards.ts';
import { queryKey } from './dashboards.ts';
import type { MediaType } from '../../../simulator/control-types.ts';
import {
  complianceCandidates,
  countBounds,
  gaugeRange,
  quantileInterval,
  ratioBounds,
  secondsBounds,
  type ObservedWindow,
  type PanelCheck,
  type RatioTerm,
  type TruthContext,
} from './panel-checks.ts';
import { selectEvents } from './truth.ts';

/** 1 percentage point: the issue's tolerance for SLA compliance. */
export const SLA_TOLERANCE = 0.01;
/** Float slack for comparisons of values that are exact in principle (sums of integers, ratios). */
const EPSILON = 1e-9;

const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(4));

export interface Evaluation {
  readonly query: PanelQuery;
  /**
   * Instant results at each evaluation time (gauges use several). `observed`: when the observation poll
   * behind the samples queried the simulator (unix ms), from the exporter's own run telemetry.
   */
  readonly results: readonly { readonly T: number; readonly samples: readonly InstantSample[]; readonly observed?: ObservedWindow }[];
}

function queueIdOf(ctx: TruthContext, sample: InstantSample): string | undefined {
  const name = sample.metric.queue_name;
  if (name === undefined) return undefined;
  return ctx.queuesByName.get(name)?.id;
}

/** The media types a sample describes: its media_type label (a panel per media type), or every selected one. */
export function mediaOf(ctx: TruthContext, sample: InstantSample): readonly MediaType[] {
  const selected = typeof ctx.mediaType === 'string' ? [ctx.mediaType] : ctx.mediaType;
  const label = sample.metric.media_type;
  return label === undefined ? selected : selected.filter((m) => m === label);
}

/** The queues a sample describes: its queue_name's, or every queue in scope (a sum over them). */
function queuesOf(ctx: TruthContext, sample: InstantSample): ReadonlySet<string> {
  if (sample.metric.queue_name === undefined) return ctx.queueIds;
  const id = queueIdOf(ctx, sample);
  return new Set(id === undefined ? [] : [id]);
}

/** Told, for each sample a check can bound, the range of values the truth allows (for colour checks). */
export type TruthRange = (sample: InstantSample, low: number, high: number) => void;

export function checkQuery(check: PanelCheck, evaluation: Evaluation, ctx: TruthContext, truthRange: TruthRange = () => {}): string[] {
  const problems: string[] = [];
  const where = (sample: InstantSample | undefined, T: number): string =>
    `${queryKey(evaluation.query)} (${evaluation.query.panelTitle})${sample === undefined ? '' : ` ${JSON.stringify(sample.metric)}`} at ${T}`;

  /** Runs `each` for every sample of a known queue; no data and unknown queues are problems. */
  const perQueue = (samples: readonly InstantSample[], T: number, each: (sample: InstantSample, queueId: string) => void): void => {
    if (samples.length === 0) problems.push(`${where(undefined, T)}: no data`);
    for (const sample of samples) {
      const queueId = queueIdOf(ctx, sample);
      if (queueId === undefined) problems.push(`${where(sample, T)}: a series for an unknown queue`);
      else each(sample, queueId);
    }
  };

  for (const { T, samples, observed } of evaluation.results) {
    switch (check.kind) {
      case 'gauge': {
        perQueue(samples, T, (sample, queueId) => {
          const range = gaugeRange(
            ctx.recorder,
            T,
            observed,
            (truth) => {
              const queue = truth.queues.find((q) => q.queueId === queueId);
              return queue === undefined ? Number.NaN : check.read(queue, mediaOf(ctx, sample));
            },
            check.growsWithTime === true,
          );
          const value = sampleValue(sample);
          if (range !== undefined) truthRange(sample, range.min, range.max);
          if (range === undefined) problems.push(`${where(sample, T)}: no ground-truth reading in the window (recorder not running?)`);
          else if (value < range.min - EPSILON || value > range.max + EPSILON) {
            problems.push(`${where(sample, T)}: ${fmt(value)}, but the simulator had ${fmt(range.min)}…${fmt(range.max)} (${range.readings} readings)`);
          }
        });
        // Every queue in scope must be there (a true 0 when nothing waits), not only the busy ones.
        const seen = new Set(samples.map((s) => queueIdOf(ctx, s)));
        for (const id of ctx.queueIds) if (!seen.has(id)) problems.push(`${where(undefined, T)}: queue ${id} is missing (expected a value, 0 if idle)`);
        break;
      }
      case 'agentsByStatus': {
        const [queueId] = [...ctx.queueIds];
        for (const sample of samples) {
          const status = (sample.metric.routing_status ?? '').toUpperCase();
          const range = gaugeRange(ctx.recorder, T, observed, (truth) => {
            const agents = truth.queues.find((q) => q.queueId === queueId)?.agents as Record<string, number> | undefined;
            return agents?.[status] ?? 0;
          });
          const value = sampleValue(sample);
          if (range === undefined || value < range.min || value > range.max) {
            problems.push(`${where(sample, T)}: ${fmt(value)}, but the simulator had ${range === undefined ? 'no reading' : `${range.min}…${range.max}`}`);
          }
        }
        if (samples.length === 0) problems.push(`${where(undefined, T)}: no data`);
        break;
      }
      case 'count': {
        const W = ctx.windowSeconds;
        if (samples.length === 0) problems.push(`${where(undefined, T)}: no data`);
        for (const sample of samples) {
          const le = sample.metric.le;
          const waitBelowMs = check.byLe === true && le !== undefined && le !== '+Inf' ? Number(le) * 1000 : undefined;
          const events = selectEvents(ctx.events, { kind: check.event, queueIds: queuesOf(ctx, sample), mediaType: mediaOf(ctx, sample), waitBelowMs });
          const bounds = countBounds(events, T, W);
          const counted = sampleValue(sample) * (check.per === 'second' ? W : 1);
          if (counted < bounds.low - EPSILON || counted > bounds.high + EPSILON) {
            problems.push(
              `${where(sample, T)}: ${fmt(counted)} ${check.event} in ${W} s, but the simulator's events allow ${fmt(bounds.low)}…${fmt(bounds.high)}`,
            );
          }
        }
        break;
      }
      case 'ratio': {
        const W = ctx.windowSeconds;
        const bounds = (sample: InstantSample | undefined, term: RatioTerm) => {
          const events = selectEvents(ctx.events, {
            kind: term.event,
            queueIds: sample === undefined ? ctx.queueIds : queuesOf(ctx, sample),
            mediaType: sample === undefined ? ctx.mediaType : mediaOf(ctx, sample),
          });
          return term.measure === 'seconds' ? secondsBounds(events, T, W) : countBounds(events, T, W);
        };
        const denominatorOf = (sample: InstantSample | undefined) => {
          const whole = bounds(sample, check.denominator);
          if (check.denominatorMinus === undefined) return whole;
          const minus = bounds(sample, check.denominatorMinus);
          return { low: whole.low - minus.high, high: whole.high - minus.low };
        };
        perQueue(samples.length === 0 ? [] : samples, T, (sample) => {
          const { low, high } = ratioBounds(bounds(sample, check.numerator), denominatorOf(sample));
          const value = sampleValue(sample);
          if (Number.isFinite(high)) truthRange(sample, low, high);
          if (value < low - EPSILON || value > high + EPSILON)
            problems.push(`${where(sample, T)}: ${fmt(value)}, but the events allow ${fmt(low)}…${fmt(high)}`);
        });
        // Every queue and media type whose denominator surely grew must have a value (perQueue reported "no data"
        // for none at all; this names the missing ones).
        const seen = new Set(samples.map((s) => `${queueIdOf(ctx, s)}/${s.metric.media_type}`));
        const selected = typeof ctx.mediaType === 'string' ? [ctx.mediaType] : ctx.mediaType;
        for (const queueId of ctx.queueIds) {
          for (const media of selected) {
            const probe: InstantSample = {
              metric: { queue_name: [...ctx.queuesByName].find(([, q]) => q.id === queueId)?.[0] ?? '', media_type: media },
              value: [T, '0'],
            };
            if (ratioBounds(bounds(probe, check.numerator), denominatorOf(probe)).mustExist && !seen.has(`${queueId}/${media}`))
              problems.push(`${where(undefined, T)}: no value for queue ${queueId} (${media}) although the events say there must be one`);
          }
        }
        break;
      }
      case 'presence': {
        if (samples.length === 0) problems.push(`${where(undefined, T)}: no data`);
        for (const sample of samples) {
          const presence = (sample.metric.presence ?? '').toUpperCase();
          const range = gaugeRange(ctx.recorder, T, observed, (truth) =>
            truth.queues.filter((q) => ctx.queueIds.has(q.queueId)).reduce((n, q) => n + ((q.presences as Readonly<Record<string, number>>)[presence] ?? 0), 0),
          );
          const value = sampleValue(sample);
          if (range !== undefined) truthRange(sample, range.min, range.max);
          if (range === undefined || value < range.min || value > range.max) {
            problems.push(`${where(sample, T)}: ${fmt(value)}, but the simulator had ${range === undefined ? 'no reading' : `${range.min}…${range.max}`}`);
          }
        }
        break;
      }
      case 'compliance': {
        const judge = (sample: InstantSample, queueIds: ReadonlySet<string>): void => {
          const media = mediaOf(ctx, sample);
          const [only] = media;
          const target =
            check.minusTarget !== true
              ? 0
              : media.length === 1 && only !== undefined
                ? (ctx.queuesByName.get(sample.metric.queue_name ?? '')?.serviceLevels[only]?.percentage ?? Number.NaN)
                : Number.NaN; // a margin over several media types has no one target
          const candidates = complianceCandidates(ctx.events, queueIds, media, ctx.countedSpans, T).map((c) => c - target);
          if (candidates.length > 0) truthRange(sample, Math.min(...candidates) - SLA_TOLERANCE, Math.max(...candidates) + SLA_TOLERANCE);
          problems.push(...complianceProblems(where(sample, T), sampleValue(sample), candidates));
        };
        if (check.allQueues === true) {
          if (samples.length === 0) problems.push(`${where(undefined, T)}: no data`);
          for (const sample of samples) judge(sample, ctx.queueIds);
        } else perQueue(samples, T, (sample, queueId) => judge(sample, new Set([queueId])));
        break;
      }
      case 'quantile': {
        perQueue(samples, T, (sample, queueId) => {
          const waited = selectEvents(ctx.events, { kind: 'waited', queueIds: new Set([queueId]), mediaType: mediaOf(ctx, sample) });
          const interval = quantileInterval(waited, check.q, T, ctx.windowSeconds);
          const value = sampleValue(sample);
          if (interval === undefined) problems.push(`${where(sample, T)}: ${fmt(value)} s, but no contact finished waiting in the window`);
          else if (value < interval.lower - EPSILON || value > interval.upper + EPSILON) {
            problems.push(
              `${where(sample, T)}: p${check.q * 100} ${fmt(value)} s, but the true quantile's bucket allows ${interval.lower}…${interval.upper} s`,
            );
          }
        });
        break;
      }
      case 'slaTarget': {
        if (samples.length === 0) problems.push(`${where(undefined, T)}: no data`);
        for (const sample of samples) {
          const [media, ...others] = mediaOf(ctx, sample);
          const level = media === undefined || others.length > 0 ? undefined : ctx.queuesByName.get(sample.metric.queue_name ?? '')?.serviceLevels[media];
          const expected = level === undefined ? Number.NaN : check.field === 'ratio' ? level.percentage : level.durationMs / 1000;
          truthRange(sample, expected, expected);
          if (Math.abs(sampleValue(sample) - expected) > EPSILON)
            problems.push(`${where(sample, T)}: ${fmt(sampleValue(sample))}, but the queue's target is ${fmt(expected)}`);
        }
        break;
      }
      case 'known': {
        if (samples.length === 0) problems.push(`${where(undefined, T)}: no data`);
        for (const sample of samples) {
          if (!check.accept(sampleValue(sample), sample.metric, T))
            problems.push(`${where(sample, T)}: ${fmt(sampleValue(sample))} contradicts "${check.reason}"`);
        }
        break;
      }
      case 'dataOnly':
        if (samples.length === 0) problems.push(`${where(undefined, T)}: no data`);
        break;
    }
  }
  return problems;
}

export function complianceProblems(where: string, value: number, candidates: readonly number[]): string[] {
  if (candidates.length === 0) return [`${where}: ${fmt(value)}, but no contact was offered since the exporter started`];
  const closest = candidates.reduce((best, c) => (Math.abs(c - value) < Math.abs(best - value) ? c : best));
  if (Math.abs(closest - value) > SLA_TOLERANCE + EPSILON) {
    return [`${where}: ${fmt(value)}, but the truth was ${fmt(Math.min(...candidates))}…${fmt(Math.max(...candidates))} (tolerance 1 pp)`];
  }
  return [];
}
