// Runs each collector on its own schedule and isolates failures: a collector that throws keeps its last
// good snapshot (until older than the staleness limit) and reports collector_success 0, while the others
// go on. The queue catalog runs first; collectors that need the queue list start once it has loaded.
// After every catalog run the schedule is re-planned against the request budget (queue counts change).
// Within a run, batches start evenly across the interval (planBatchStarts) and each is served as soon as
// it returns, so a value is never older than its interval plus one batch; runs are due one interval apart
// and a late run keeps its due phases (runAnchorMs), so an overrun is caught up instead of carried into
// every later run. The age of the oldest value of each collector is exported
// (genesys_exporter_collector_data_age_seconds).
import type { Logger } from '../log.ts';
import type { Readiness } from '../readiness.ts';
import type { ExporterRegistry } from '../registry.ts';
import { firstRunIntervalMs, nextRunDueMs, planBatchStarts, planSchedule, runAnchorMs } from './budget.ts';
import type { BatchLayout, SchedulePlan } from './budget.ts';
import type { Collector, CollectorName, CollectorRun } from './collector.ts';
import type { QueueDirectory } from './queue-directory.ts';

export interface ScheduledCollector {
  readonly collector: Collector;
  readonly intervalMs: number;
}

export interface RunnerOptions {
  readonly collectors: readonly ScheduledCollector[];
  readonly registry: ExporterRegistry;
  readonly directory: QueueDirectory;
  readonly requestsPerMinute: number;
  /** Minimum time a failing collector's last good values stay (at least two of its intervals). */
  readonly stalenessMs: number;
  readonly logger: Logger;
}

/** How often the data-age gauges are brought up to date (between runs, data only gets older). */
const DATA_AGE_REFRESH_MS = 1000;

/** Rejection of a batch slot when the exporter stops under a run. */
class RunnerStoppedError extends Error {
  constructor() {
    super('the collector runner stopped');
  }
}

interface CollectorState {
  readonly scheduled: ScheduledCollector;
  timer: NodeJS.Timeout | undefined;
  /** When the next run is due (performance.now() clock); its batch phases count from here (runAnchorMs). */
  dueAtMs: number;
  /** How the running run lays out its batches (the largest count it asked slots for). */
  layout: BatchLayout | undefined;
  inFlight: Promise<void> | undefined;
  /** Aborted when the runner stops, so a run waiting for its next batch slot ends at once. */
  abort: AbortController | undefined;
  lastRunSucceeded: boolean | undefined;
  everSucceeded: boolean;
}

export class CollectorRunner {
  readonly #options: RunnerOptions;
  readonly #states: Map<CollectorName, CollectorState>;
  #plan: SchedulePlan;
  #stopped = false;
  #dependentsStarted = false;
  /** The first collector that needs the queue list: its first run goes alone (see #startDependents). */
  #lead: CollectorState | undefined;
  /** The other collectors that need the queue list, until the lead's first run is over. */
  #waiting: CollectorState[] = [];
  #ageTimer: NodeJS.Timeout | undefined;

  constructor(options: RunnerOptions) {
    this.#options = options;
    this.#states = new Map(
      options.collectors.map((scheduled) => [
        scheduled.collector.name,
        {
          scheduled,
          timer: undefined,
          dueAtMs: 0,
          layout: undefined,
          inFlight: undefined,
          abort: undefined,
          lastRunSucceeded: undefined,
          everSucceeded: false,
        },
      ]),
    );
    this.#plan = this.#replan();
    options.registry.gauge('genesys_exporter_rate_budget_requests_per_minute').set(options.requestsPerMinute);
  }

  start(): void {
    const independent = [...this.#states.values()].filter((s) => !s.scheduled.collector.needsQueues);
    for (const state of independent) this.#schedule(state, 0);
    if (independent.length === 0 || this.#options.directory.loaded) this.#startDependents();
    this.#ageTimer = setInterval(() => this.#updateDataAge(), DATA_AGE_REFRESH_MS);
    this.#ageTimer.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#ageTimer);
    for (const state of this.#states.values()) {
      clearTimeout(state.timer);
      state.abort?.abort();
    }
    await Promise.allSettled([...this.#states.values()].map((s) => s.inFlight));
  }

  /**
   * Ready once the queue list has loaded and one data collector has succeeded (/metrics has queue data),
   * and the queue selection is sound: filters that match no queue or name an unknown division are not
   * ready, with the reason. (genesys_up stays about the API's health; this is about what is watched.)
   */
  readiness(): Readiness {
    const problem = this.#options.directory.loaded ? this.#options.directory.problem : undefined;
    if (problem !== undefined) return { ready: false, reason: problem };
    const succeeded = [...this.#states.values()].filter((s) => s.everSucceeded);
    const catalogLoaded = succeeded.some((s) => !s.scheduled.collector.needsQueues);
    const dataLoaded = succeeded.some((s) => s.scheduled.collector.needsQueues);
    if (catalogLoaded && (dataLoaded || ![...this.#states.values()].some((s) => s.scheduled.collector.needsQueues))) return { ready: true };
    return { ready: false, reason: 'waiting for the first successful poll of the Genesys Cloud API' };
  }

  get plan(): SchedulePlan {
    return this.#plan;
  }

  /**
   * Starts the collectors that need the queue list. The first of them (observations, in the exporter's
   * order) runs its first poll alone, at the pace of the whole planned budget, and the others start once
   * it is over: the exporter has queue data (and is ready) as soon as the budget allows, instead of
   * sharing the budget with a first aggregates poll nobody waits for.
   */
  #startDependents(): void {
    if (this.#dependentsStarted) return;
    this.#dependentsStarted = true;
    const [lead, ...rest] = [...this.#states.values()].filter((s) => s.scheduled.collector.needsQueues);
    if (lead === undefined) return;
    this.#lead = lead;
    this.#waiting = rest;
    this.#schedule(lead, 0);
  }

  /** Runs the collector in `delayMs`; its batches keep the phases of `dueAtMs` (default: then). */
  #schedule(state: CollectorState, delayMs: number, dueAtMs = performance.now() + delayMs): void {
    if (this.#stopped) return;
    state.dueAtMs = dueAtMs;
    state.timer = setTimeout(() => {
      state.inFlight = this.#run(state).finally(() => (state.inFlight = undefined));
    }, delayMs);
  }

  async #run(state: CollectorState): Promise<void> {
    const { collector } = state.scheduled;
    const { registry, logger } = this.#options;
    const labels = { collector: collector.name };
    const started = performance.now();
    const startedAtMs = registry.store.now();
    const abort = new AbortController();
    state.abort = abort;
    const anchor = runAnchorMs(state.dueAtMs, started, this.#plan.intervals.get(collector.name)?.intervalMs ?? state.scheduled.intervalMs);
    state.layout = undefined;
    let succeeded = false;
    try {
      const snapshot = await collector.collect(this.#runOf(state, anchor, abort.signal));
      if (this.#stopped) return;
      // A run that published batch by batch has now published every queue it has: what is older
      // belongs to queues it no longer has (the batches were laid out differently before).
      if (snapshot === undefined) registry.store.forgetOlderThan(collector.name, startedAtMs);
      else registry.store.publish(collector.name, snapshot, this.#stalenessOf(collector.name));
      registry.gauge('genesys_exporter_collector_last_success_timestamp_seconds').set(labels, Date.now() / 1000);
      succeeded = true;
    } catch (error) {
      if (this.#stopped) return; // the client was closed under a running collector: not a failure
      logger.warn('collector run failed; keeping its last good values until they are stale', {
        collector: collector.name,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    const elapsedMs = performance.now() - started;
    if (state.lastRunSucceeded === false && succeeded) logger.info('collector recovered', { collector: collector.name });
    state.lastRunSucceeded = succeeded;
    state.everSucceeded ||= succeeded;
    registry.gauge('genesys_exporter_collector_success').set(labels, succeeded ? 1 : 0);
    registry.gauge('genesys_exporter_collector_duration_seconds').set(labels, elapsedMs / 1000);
    registry.gauge('genesys_up').set([...this.#states.values()].every((s) => s.lastRunSucceeded === true) ? 1 : 0);
    for (const owner of registry.store.expire()) logger.warn('dropped stale values of a failing collector', { collector: owner });
    this.#updateDataAge();
    if (state === this.#lead && this.#waiting.length > 0) {
      for (const waiting of this.#waiting) this.#schedule(waiting, 0);
      this.#waiting = [];
    }

    if (!collector.needsQueues) {
      // The queue list was read again: which series may be served can have changed.
      registry.store.queueFilterChanged();
      this.#plan = this.#replan();
      if (succeeded) this.#startDependents();
    }
    const intervalMs = this.#plan.intervals.get(collector.name)?.intervalMs ?? state.scheduled.intervalMs;
    // Until the queue list has loaded once, retry it sooner than its (minutes-long) refresh interval.
    const nextMs = !collector.needsQueues && !this.#options.directory.loaded ? Math.min(intervalMs, 10_000) : intervalMs;
    // One interval after this run's phases began (right after a compressed first run: nextRunDueMs); a run
    // that overran starts at once and catches up.
    const dueAtMs = nextRunDueMs(anchor, nextMs, state.layout, this.#options.requestsPerMinute);
    this.#schedule(state, Math.max(0, dueAtMs - performance.now()), dueAtMs);
  }

  /**
   * The run's pacing and per-batch publishing: batch i of n starts at its phase of the interval. A first
   * run has no values to keep fresh yet: the lead's goes alone as fast as the planned budget allows, the
   * others' are compressed into the budget's headroom (firstRunIntervalMs), so the exporter is ready
   * sooner; the second run follows right after it (nextRunDueMs), and from then on each batch keeps its
   * phase. `anchorMs` is where the phases count from (the run's due time, runAnchorMs).
   */
  #runOf(state: CollectorState, anchorMs: number, signal: AbortSignal): CollectorRun {
    const { collector } = state.scheduled;
    const plannedMs = this.#plan.intervals.get(collector.name)?.intervalMs ?? state.scheduled.intervalMs;
    const firstRun = state.lastRunSucceeded === undefined;
    const alone = state === this.#lead && this.#waiting.length > 0;
    // 0: batches as close as the planned budget allows (planBatchStarts).
    const intervalMs = !firstRun ? plannedMs : alone ? 0 : firstRunIntervalMs(this.#plan, plannedMs);
    const spacing = new Map<number, number>();
    // One abort listener per run for all its waiting batches (a run may have hundreds).
    const pending = new Set<{ readonly timer: NodeJS.Timeout; readonly reject: (error: Error) => void }>();
    signal.addEventListener(
      'abort',
      () => {
        for (const waiting of pending) {
          clearTimeout(waiting.timer);
          waiting.reject(new RunnerStoppedError());
        }
        pending.clear();
      },
      { once: true },
    );
    return {
      batchSlot: (index, count) => {
        if (signal.aborted) return Promise.reject(new RunnerStoppedError());
        const spacingMs = spacing.get(count) ?? planBatchStarts(count, intervalMs, this.#options.requestsPerMinute).spacingMs;
        spacing.set(count, spacingMs);
        if (count > (state.layout?.count ?? 0)) state.layout = { count, spacingMs };
        const delayMs = anchorMs + index * spacingMs - performance.now();
        if (delayMs <= 0) return Promise.resolve();
        return new Promise<void>((resolve, reject) => {
          const waiting = {
            timer: setTimeout(() => {
              pending.delete(waiting);
              resolve();
            }, delayMs),
            reject,
          };
          pending.add(waiting);
        });
      },
      publishBatch: (queueIds, snapshot) => {
        if (this.#stopped) return;
        this.#options.registry.store.publishPart(collector.name, queueIds, snapshot, this.#stalenessOf(collector.name));
      },
    };
  }

  /** The age of each collector's oldest value (absent until it has published). */
  #updateDataAge(): void {
    const { registry } = this.#options;
    for (const name of this.#states.keys()) {
      const age = registry.store.dataAgeSeconds(name);
      if (age !== undefined) registry.gauge('genesys_exporter_collector_data_age_seconds').set({ collector: name }, age);
    }
  }

  #stalenessOf(name: CollectorName): number {
    const intervalMs = this.#plan.intervals.get(name)?.intervalMs ?? 0;
    return Math.max(this.#options.stalenessMs, 2 * intervalMs);
  }

  #replan(): SchedulePlan {
    const { registry, logger, requestsPerMinute } = this.#options;
    const plan = planSchedule(
      [...this.#states.values()].map(({ scheduled }) => ({
        name: scheduled.collector.name,
        configuredIntervalMs: scheduled.intervalMs,
        requestsPerRun: scheduled.collector.requestsPerRun(),
      })),
      requestsPerMinute,
    );
    const previousFactor = this.#plan?.stretchFactor ?? 1;
    if (plan.stretchFactor !== previousFactor) {
      const fields = {
        demand_requests_per_minute: Math.round(plan.demandPerMinute),
        budget_requests_per_minute: requestsPerMinute,
        stretch_factor: Number(plan.stretchFactor.toFixed(2)),
      };
      if (plan.stretchFactor > 1) logger.warn('configured polling exceeds the request budget; stretching every poll interval', fields);
      else logger.info('configured polling fits the request budget again; intervals back to configured', fields);
    }
    for (const [name, planned] of plan.intervals) {
      registry.gauge('genesys_exporter_poll_interval_seconds').set({ collector: name }, planned.intervalMs / 1000);
      registry.gauge('genesys_exporter_poll_schedule_stretched').set({ collector: name }, planned.stretched ? 1 : 0);
    }
    return plan;
  }
}
