// Fits the configured polling into the client's request budget. When the collectors together would send
// more requests per minute than the budget allows, every interval is stretched by the same factor: the
// exporter polls less often instead of collecting 429s.
import type { CollectorName } from './collector.ts';

/** Share of the budget polling may plan for; the rest absorbs retries and token grants. */
export const PLANNED_SHARE_OF_BUDGET = 0.9;

export interface PlanInput {
  readonly name: CollectorName;
  readonly configuredIntervalMs: number;
  readonly requestsPerRun: number;
}

export interface PlannedInterval {
  readonly intervalMs: number;
  readonly stretched: boolean;
}

export interface SchedulePlan {
  readonly intervals: ReadonlyMap<CollectorName, PlannedInterval>;
  /** Requests per minute the configured intervals would need. */
  readonly demandPerMinute: number;
  readonly plannedBudgetPerMinute: number;
  readonly stretchFactor: number;
}

export function planSchedule(collectors: readonly PlanInput[], requestsPerMinute: number): SchedulePlan {
  const demandPerMinute = collectors.reduce((sum, c) => sum + (c.requestsPerRun * 60_000) / c.configuredIntervalMs, 0);
  const plannedBudgetPerMinute = requestsPerMinute * PLANNED_SHARE_OF_BUDGET;
  const stretchFactor = demandPerMinute > plannedBudgetPerMinute ? demandPerMinute / plannedBudgetPerMinute : 1;
  const intervals = new Map(
    collectors.map((c) => [c.name, { intervalMs: Math.ceil(c.configuredIntervalMs * stretchFactor), stretched: stretchFactor > 1 }] as const),
  );
  return { intervals, demandPerMinute, plannedBudgetPerMinute, stretchFactor };
}

export interface BatchSchedule {
  /** When each batch of a run starts, from the run's start. */
  readonly offsetsMs: readonly number[];
  /** Time between two batch starts. */
  readonly spacingMs: number;
}

/**
 * When the batches of one run start: evenly across the interval, batch i always at the same phase, so a
 * queue's value is replaced every `intervalMs` and is never older than the interval plus the time its
 * batch takes. Never closer together than the planned share of `requestsPerMinute` allows (a plan from
 * planSchedule always leaves them at least that far apart; this guards a caller that did not plan), so an
 * `intervalMs` of 0 means "as fast as the budget allows" (a collector's first run).
 */
export function planBatchStarts(batchCount: number, intervalMs: number, requestsPerMinute: number): BatchSchedule {
  if (batchCount <= 0) return { offsetsMs: [], spacingMs: intervalMs };
  const budgetSpacingMs = 60_000 / (requestsPerMinute * PLANNED_SHARE_OF_BUDGET);
  const spacingMs = Math.max(intervalMs / batchCount, budgetSpacingMs);
  return { offsetsMs: Array.from({ length: batchCount }, (_, index) => index * spacingMs), spacingMs };
}

/**
 * The interval a collector's first run spreads its batches over: there are no values to keep fresh yet, so
 * the run is compressed into the budget's headroom. Every collector is compressed by the same factor
 * (demand / planned budget), so their first runs together use the whole planned budget and no more; a
 * stretched plan has no headroom and keeps the interval.
 */
export function firstRunIntervalMs(plan: SchedulePlan, intervalMs: number): number {
  return intervalMs * Math.min(1, plan.demandPerMinute / plan.plannedBudgetPerMinute);
}

/**
 * Where a run's batch phases count from (batch i is due at the result + i × spacing). A run that starts
 * after its due time (the previous run overran: a slow answer, a stall of the API or of this process)
 * keeps the phases of its due time: the batches whose phase has passed go at once, as fast as the rate
 * limiter allows, and the rest at their phase. Counted from its actual start instead, every batch of the
 * run and of every later run would be late by the overrun, and overruns would add up. A run later than a
 * whole interval (after a long pause) starts a new cycle rather than sending every batch at once.
 */
export function runAnchorMs(dueAtMs: number, startedAtMs: number, intervalMs: number): number {
  return startedAtMs - dueAtMs < intervalMs ? Math.min(dueAtMs, startedAtMs) : startedAtMs;
}

/** How a run laid out its batches: how many, and how far apart they started. */
export interface BatchLayout {
  readonly count: number;
  readonly spacingMs: number;
}

/**
 * When the next run is due, from where this run's phases began. A run at the planned spacing ends its
 * cycle one interval on. A compressed first run (firstRunIntervalMs, or a lead alone at the budget's pace)
 * is followed one planned spacing after its last batch, so the next run's batches continue its phases:
 * waiting a whole interval would leave its last batch older than interval + one batch by the time the
 * first run was shortened (at 10,000 queues 12 s). Never later than `intervalMs`.
 */
export function nextRunDueMs(anchorMs: number, intervalMs: number, layout: BatchLayout | undefined, requestsPerMinute: number): number {
  if (layout === undefined || layout.count === 0) return anchorMs + intervalMs;
  const { spacingMs } = planBatchStarts(layout.count, intervalMs, requestsPerMinute);
  return anchorMs + Math.min(intervalMs, (layout.count - 1) * layout.spacingMs + spacingMs);
}
