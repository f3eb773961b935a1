// Synthetic inputs for the exporter benchmarks: a large org's queue list and the observation and
// aggregate responses Genesys would send for it, shaped as docs/genesys-api.md describes them (the same shapes the
// client's parsers accept). A GenesysPort over them feeds the real collectors in process, so the
// benchmarks time our code and not HTTP or the simulator.
import { AGGREGATE_GRANULARITIES, aggregateQuery, type AggregateGranularity } from '../exporter/collectors/aggregates.ts';
import type { GenesysPort } from '../exporter/collectors/genesys-port.ts';
import type { AggregateInterval, AggregationQueryResponse } from '../exporter/genesys/conversation-aggregates.ts';
import type { ObservationQueryResponse, ObservationResult } from '../exporter/genesys/queue-observations.ts';
import { type MediaType, ROUTING_STATUSES } from '../metrics/vocabulary.ts';
import type { RoutingQueue } from '../exporter/genesys/routing-queues.ts';

/** A fixed "now" in the middle of a 15-minute interval, so every run sees the same window. */
export const BENCH_NOW_MS = Date.UTC(2026, 10, 29, 15, 7, 30);
/** Two media per queue, as in the brief: queue + agent metrics for voice and chat. */
export const BENCH_MEDIA: readonly MediaType[] = ['voice', 'chat'];

const DIVISIONS = ['Home', 'Europe', 'Americas', 'APAC'];
const iso = (ms: number): string => new Date(ms).toISOString();

export function syntheticQueues(count: number): RoutingQueue[] {
  return Array.from({ length: count }, (_, index) => {
    const division = index % DIVISIONS.length;
    return {
      id: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
      name: `Queue ${String(index).padStart(5, '0')} ${DIVISIONS[division]}`,
      division: { id: `division-${division}`, name: DIVISIONS[division]! },
      mediaSettings: {
        call: { serviceLevel: { percentage: 0.8, durationMs: 20_000 } },
        chat: { serviceLevel: { percentage: 0.8, durationMs: 60_000 } },
      },
    };
  });
}

/** The queue ids a batched query asks for (its OR-ed queueId predicates). */
export function queriedQueueIds(query: { readonly filter?: { readonly predicates?: readonly { readonly value?: string }[] } }): string[] {
  return (query.filter?.predicates ?? []).flatMap((predicate) => (predicate.value === undefined ? [] : [predicate.value]));
}

/** Every queue busy: waiting contacts with detail observations, agents in every routing status. */
export function observationResponse(queueIds: readonly string[], nowMs: number): ObservationQueryResponse {
  const results: ObservationResult[] = [];
  queueIds.forEach((queueId, q) => {
    for (const mediaType of BENCH_MEDIA) {
      const waiting = 1 + (q % 4);
      results.push({
        group: { queueId, mediaType },
        data: [
          { metric: 'oWaiting', stats: { count: waiting } },
          {
            metric: 'oWaiting',
            stats: { count: waiting },
            observations: Array.from({ length: waiting }, (_, w) => ({ observationDate: iso(nowMs - (w + 1) * 7_000), conversationId: `c-${q}-${w}` })),
          },
          { metric: 'oInteracting', stats: { count: 3 + (q % 5) } },
          { metric: 'oAlerting', stats: { count: q % 2 } },
        ],
      });
    }
    results.push({
      group: { queueId },
      data: [
        { metric: 'oMemberUsers', stats: { count: 20 } },
        { metric: 'oOnQueueUsers', stats: { count: 15 } },
        { metric: 'oOffQueueUsers', stats: { count: 5 } },
        ...ROUTING_STATUSES.map((qualifier, s) => ({ metric: 'oUserRoutingStatuses' as const, qualifier, stats: { count: 1 + s } })),
      ],
    });
  });
  return { results };
}

export interface AggregateWindow {
  readonly granularity: AggregateGranularity;
  readonly windowMs: number;
  readonly nowMs: number;
}

/** The intervals the aggregates collector asks for at `nowMs` (the same arithmetic as its window). */
export function windowIntervals({ granularity, windowMs, nowMs }: AggregateWindow): number[] {
  const granularityMs = AGGREGATE_GRANULARITIES[granularity];
  const endMs = Math.floor(nowMs / granularityMs) * granularityMs + granularityMs;
  return Array.from({ length: windowMs / granularityMs }, (_, i) => endMs - windowMs + i * granularityMs);
}

/** The rangeBound view names the collector's query declares (a response names its views so). */
export function waitViewNames(): string[] {
  return (aggregateQuery([], 0, 0, 'PT15M').views ?? []).map((view) => view.name);
}

/**
 * All five metrics and ten rangeBound views for every (queue, media, interval). `poll` makes the two
 * newest intervals grow from one poll to the next (the current one fills, the previous one gets late
 * timers), as in a live org, so each poll has real increases to count.
 */
export function aggregateResponse(queueIds: readonly string[], window: AggregateWindow, poll: number): AggregationQueryResponse {
  const views = waitViewNames();
  const granularityMs = AGGREGATE_GRANULARITIES[window.granularity];
  const starts = windowIntervals(window);
  return {
    results: queueIds.flatMap((queueId, q) =>
      BENCH_MEDIA.map((mediaType) => ({
        group: { queueId, mediaType },
        data: starts.map((startMs, i): AggregateInterval => {
          const offered = 5 + ((q * 7 + i * 3) % 20) + (i >= starts.length - 2 ? poll : 0);
          const answered = Math.floor(offered * 0.85);
          return {
            interval: `${iso(startMs)}/${iso(startMs + granularityMs)}`,
            metrics: [
              { metric: 'nOffered', stats: { count: offered } },
              { metric: 'tAnswered', stats: { count: answered, sum: answered * 18_000 } },
              { metric: 'tAbandon', stats: { count: offered - answered, sum: (offered - answered) * 40_000 } },
              { metric: 'tWait', stats: { count: offered, sum: offered * 21_000 } },
              { metric: 'nOverSla', stats: { count: Math.floor(offered / 10) } },
            ],
            // Cumulative counts: more contacts under each higher bound, all of them under 64 s.
            views: views.map((name, b) => ({ name, stats: { count: Math.floor((offered * Math.min(b + 1, 7)) / 7) } })),
          };
        }),
      })),
    ),
  };
}

export interface SyntheticApi {
  readonly queues: readonly RoutingQueue[];
  observations(queueIds: readonly string[]): ObservationQueryResponse;
  aggregates(queueIds: readonly string[]): AggregationQueryResponse;
}

/** The collectors' view of the Genesys client, answered from `api` in process. */
export function syntheticPort(api: SyntheticApi): GenesysPort {
  return {
    requestsPerMinute: 300,
    listQueues: async () => api.queues,
    queryQueueObservations: async (query) => api.observations(queriedQueueIds(query)),
    queryConversationAggregates: async (query) => api.aggregates(queriedQueueIds(query)),
  };
}
