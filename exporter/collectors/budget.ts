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
