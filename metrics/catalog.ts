// The metric catalog: the contract between the exporter (which registers prom-client metrics from it)
// and the dashboards and alerts (which build PromQL from it). A query can only name a metric or label
// declared here; `npm run generate` checks the final strings again with the PromQL parser.
//
// Conventions (https://prometheus.io/docs/practices/naming/): base units (seconds, ratios 0–1),
// `_total` on counters, no timestamps or unbounded values in labels.

/**
 * `summary` is a Prometheus summary without quantiles: only `_sum` and `_count`, both monotonic, so
 * `rate(_sum) / rate(_count)` is the average over any window and survives restarts like a counter. Genesys
 * timers come as {sum, count} per interval, which is exactly that (quantiles cannot be derived from them).
 */
export type MetricType = 'gauge' | 'counter' | 'histogram' | 'summary';

/** What a metric is about, used to group the README's metrics table. */
export type MetricGroup = 'queue' | 'agents' | 'exporter';

export interface MetricDefinition {
  readonly type: MetricType;
  readonly help: string;
  readonly labels: readonly string[];
  readonly group: MetricGroup;
  /** Where the value comes from in the Genesys Cloud API (documentation only). */
  readonly source: string;
  /** Upper bounds (le) of a histogram's buckets, in the metric's unit. Histograms only. */
  readonly buckets?: readonly number[];
}

/** Labels every queue metric carries. `queue_name` is a convenience copy of genesys_queue_info's. */
const QUEUE = ['queue_id', 'queue_name', 'media_type'] as const;
/** Agent metrics are per queue, not per media type (Genesys reports users without mediaType). */
const QUEUE_AGENTS = ['queue_id', 'queue_name'] as const;

/**
 * Ten bounds, one rangeBound view each (aggregate queries allow ≤ 10 views), at the service-level times
 * teams set: 20 s and 30 s (voice), 60 s and 120 s (chat), 300 s (messaging), 600 s (callback), 1,800 s and
 * 3,600 s (email), so the share answered within such a target is exact from the buckets, not interpolated.
 * 10 s gives calls a bucket below their target; 14,400 s (4 h) reaches past twice the longest default target
 * (email 1 h), so an email p95 at its alert limit (2 × target) lies inside a bucket instead of saturating at
 * the top bound (a quantile in the +Inf bucket reads as the highest bound). See README "Wait-time histogram".
 */
export const WAIT_TIME_BUCKETS_SECONDS = [10, 20, 30, 60, 120, 300, 600, 1800, 3600, 14_400] as const;

export const API_REQUEST_DURATION_BUCKETS_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;

export const catalog = {
  // ---- queue: real time (observations query) ----
  genesys_queue_info: {
    type: 'gauge',
    group: 'queue',
    help: 'Always 1 for every exported queue; carries the queue name and division for joins.',
    labels: ['queue_id', 'queue_name', 'division_id', 'division_name'],
    source: 'GET /api/v2/routing/queues',
  },
  genesys_queue_depth: {
    type: 'gauge',
    group: 'queue',
    help: 'Contacts waiting in the queue now.',
    labels: QUEUE,
    source: 'observations oWaiting',
  },
  genesys_queue_interacting: {
    type: 'gauge',
    group: 'queue',
    help: 'Contacts from the queue being handled by an agent now.',
    labels: QUEUE,
    source: 'observations oInteracting',
  },
  genesys_queue_alerting: {
    type: 'gauge',
    group: 'queue',
    help: 'Contacts from the queue ringing at an agent now.',
    labels: QUEUE,
    source: 'observations oAlerting',
  },
  genesys_queue_longest_wait_seconds: {
    type: 'gauge',
    group: 'queue',
    help: 'How long the oldest contact now waiting in the queue has waited, in seconds (0 when none waits).',
    labels: QUEUE,
    source: 'observations oWaiting detail (oldest observationDate)',
  },
  // ---- queue: history (conversation aggregates query) ----
  genesys_queue_offer_total: {
    type: 'counter',
    group: 'queue',
    help: 'Contacts offered to the queue.',
    labels: QUEUE,
    source: 'aggregates nOffered',
  },
  genesys_queue_answered_total: {
    type: 'counter',
    group: 'queue',
    help: 'Contacts answered by an agent of the queue.',
    labels: QUEUE,
    source: 'aggregates tAnswered count',
  },
  genesys_queue_abandoned_total: {
    type: 'counter',
    group: 'queue',
    help: 'Contacts that hung up while waiting in the queue.',
    labels: QUEUE,
    source: 'aggregates tAbandon count',
  },
  genesys_queue_sla_breach_total: {
    type: 'counter',
    group: 'queue',
    help: "Contacts not answered within the queue's service-level target: answered after it, or abandoned.",
    labels: [...QUEUE, 'sla_target_seconds'],
    source: 'aggregates nOverSla + tAbandon count (abandons count against the service level, as in oServiceLevel)',
  },
  genesys_queue_wait_time_seconds: {
    type: 'histogram',
    group: 'queue',
    help: 'Time contacts waited in the queue before being answered or abandoning, in seconds.',
    labels: QUEUE,
    buckets: WAIT_TIME_BUCKETS_SECONDS,
    source: 'aggregates tWait (count, sum) and rangeBound views on tWait (buckets)',
  },
  // Timers (t… metrics) post when the activity completes (tHandle when after-call work ends, tAnswered at
  // answer…), so the sums and counts grow for intervals that have already ended; counted exactly once like
  // the counters above (see exporter/collectors/aggregates.ts).
  genesys_queue_handle_time_seconds: {
    type: 'summary',
    group: 'queue',
    help: 'Handle time of contacts handled by agents of the queue (talk + hold + after-call work), in seconds; rate(_sum) / rate(_count) is the average handle time (AHT).',
    labels: QUEUE,
    source: 'aggregates tHandle (sum, count)',
  },
  genesys_queue_talk_time_seconds: {
    type: 'summary',
    group: 'queue',
    help: 'Time agents of the queue spent talking with (or actively working) contacts, hold excluded, in seconds.',
    labels: QUEUE,
    source: 'aggregates tTalk (sum, count)',
  },
  genesys_queue_hold_time_seconds: {
    type: 'summary',
    group: 'queue',
    help: 'Time contacts of the queue spent on hold, in seconds; _count is the number of holds.',
    labels: QUEUE,
    source: 'aggregates tHeld (sum, count)',
  },
  genesys_queue_after_call_work_seconds: {
    type: 'summary',
    group: 'queue',
    help: 'After-call work (wrap-up) time of agents of the queue, in seconds.',
    labels: QUEUE,
    source: 'aggregates tAcw (sum, count)',
  },
  genesys_queue_answer_time_seconds: {
    type: 'summary',
    group: 'queue',
    help: 'Time answered contacts waited in the queue before an agent answered, in seconds; rate(_sum) / rate(_count) is the average speed of answer (ASA).',
    labels: QUEUE,
    source: 'aggregates tAnswered (sum, count)',
  },
  genesys_queue_abandon_time_seconds: {
    type: 'summary',
    group: 'queue',
    help: 'Time abandoned contacts waited in the queue before hanging up, in seconds.',
    labels: QUEUE,
    source: 'aggregates tAbandon (sum, count)',
  },
  genesys_queue_transferred_total: {
    type: 'counter',
    group: 'queue',
    help: 'Contacts an agent of the queue transferred (blind or consult).',
    labels: QUEUE,
    source: 'aggregates nTransferred',
  },
  genesys_queue_blind_transferred_total: {
    type: 'counter',
    group: 'queue',
    help: 'Contacts an agent of the queue transferred blind (without speaking to the target first).',
    labels: QUEUE,
    source: 'aggregates nBlindTransferred',
  },
  genesys_queue_consult_transferred_total: {
    type: 'counter',
    group: 'queue',
    help: 'Contacts an agent of the queue transferred after consulting the target.',
    labels: QUEUE,
    source: 'aggregates nConsultTransferred',
  },
  // Flow-outs: the conversation aggregates have no nOverflow or nFlowOutOffered (not in the metrics enum of
  // the official SDKs' ConversationAggregationQuery); a flow-out is a tFlowOut timer, so its count is the
  // number of contacts that left the queue unanswered to another queue or flow (in-queue transfer, overflow).
  genesys_queue_flow_out_total: {
    type: 'counter',
    group: 'queue',
    help: 'Contacts that left the queue without being answered or abandoning: moved to another queue or flow (overflow, in-queue transfer).',
    labels: QUEUE,
    source: 'aggregates tFlowOut count',
  },
  genesys_queue_short_abandoned_total: {
    type: 'counter',
    group: 'queue',
    help: "Abandoned contacts that hung up within the org's short-abandon threshold (a subset of genesys_queue_abandoned_total; many centers leave them out of service level).",
    labels: QUEUE,
    source: 'aggregates tShortAbandon count',
  },
  genesys_queue_sla_target_ratio: {
    type: 'gauge',
    group: 'queue',
    help: "The queue's service-level target: share of contacts to answer within the target time (0–1).",
    labels: QUEUE,
    source: 'routing queue mediaSettings.<media>.serviceLevel.percentage',
  },
  genesys_queue_sla_target_seconds: {
    type: 'gauge',
    group: 'queue',
    help: "The queue's service-level target time, in seconds.",
    labels: QUEUE,
    source: 'routing queue mediaSettings.<media>.serviceLevel.durationMs',
  },
  // ---- agents (observations query, user metrics) ----
  genesys_queue_members: {
    type: 'gauge',
    group: 'agents',
    help: 'Agents who are members of the queue.',
    labels: QUEUE_AGENTS,
    source: 'observations oMemberUsers',
  },
  genesys_queue_agents_on_queue: {
    type: 'gauge',
    group: 'agents',
    help: 'Member agents who are on queue (ready to take contacts, busy or not).',
    labels: QUEUE_AGENTS,
    source: 'observations oOnQueueUsers',
  },
  genesys_queue_agents_off_queue: {
    type: 'gauge',
    group: 'agents',
    help: 'Member agents who are logged in but off queue.',
    labels: QUEUE_AGENTS,
    source: 'observations oOffQueueUsers',
  },
  genesys_queue_agents: {
    type: 'gauge',
    group: 'agents',
    help: 'Member agents by routing status (idle = available for a contact).',
    labels: [...QUEUE_AGENTS, 'routing_status'],
    source: 'observations oUserRoutingStatuses (qualifier, lower-cased)',
  },
  genesys_queue_members_by_presence: {
    type: 'gauge',
    group: 'agents',
    help: 'Member agents by system presence (available, on_queue, break, meal, meeting, training, away, busy, idle, offline; other: an org presence the response does not map).',
    labels: [...QUEUE_AGENTS, 'presence'],
    source: 'observations oUserPresences (org presence id qualifiers mapped through systemToOrganizationMappings, lower snake case)',
  },
  // ---- the exporter's own health ----
  genesys_up: {
    type: 'gauge',
    group: 'exporter',
    help: 'Whether the last poll of the Genesys Cloud API succeeded for every collector (1) or not (0). About the API only: whether any queue is watched is genesys_exporter_queues.',
    labels: [],
    source: 'exporter',
  },
  genesys_exporter_build_info: {
    type: 'gauge',
    group: 'exporter',
    help: 'Always 1; the exporter version, its git revision and the Node.js version as labels.',
    labels: ['version', 'revision', 'nodejs_version'],
    source: 'exporter',
  },
  genesys_exporter_collector_success: {
    type: 'gauge',
    group: 'exporter',
    help: "Whether the collector's last run succeeded (1) or failed (0).",
    labels: ['collector'],
    source: 'exporter',
  },
  genesys_exporter_collector_duration_seconds: {
    type: 'gauge',
    group: 'exporter',
    help: "How long the collector's last run took, in seconds.",
    labels: ['collector'],
    source: 'exporter',
  },
  genesys_exporter_collector_last_success_timestamp_seconds: {
    type: 'gauge',
    group: 'exporter',
    help: "Unix time of the collector's last successful run (data freshness).",
    labels: ['collector'],
    source: 'exporter',
  },
  genesys_exporter_collector_data_age_seconds: {
    type: 'gauge',
    group: 'exporter',
    help: 'Age of the oldest value the collector serves (values dropped as stale included), in seconds: at most about the poll interval plus one batch while every batch succeeds.',
    labels: ['collector'],
    source: 'exporter',
  },
  genesys_exporter_poll_interval_seconds: {
    type: 'gauge',
    group: 'exporter',
    help: 'Effective interval between runs of the collector, after stretching to fit the rate budget.',
    labels: ['collector'],
    source: 'exporter',
  },
  genesys_exporter_poll_schedule_stretched: {
    type: 'gauge',
    group: 'exporter',
    help: 'Whether the configured poll interval was stretched (1) because it would exceed the rate budget.',
    labels: ['collector'],
    source: 'exporter',
  },
  genesys_exporter_api_requests_total: {
    type: 'counter',
    group: 'exporter',
    help: 'Requests sent to the Genesys Cloud API, by endpoint and HTTP status code (or "timeout", "network_error", "too_large": the body passed the size limit).',
    labels: ['endpoint', 'status_code'],
    source: 'exporter',
  },
  genesys_exporter_api_request_duration_seconds: {
    type: 'histogram',
    group: 'exporter',
    help: 'Latency of requests to the Genesys Cloud API, in seconds.',
    labels: ['endpoint'],
    buckets: API_REQUEST_DURATION_BUCKETS_SECONDS,
    source: 'exporter',
  },
  genesys_exporter_api_rate_limited_total: {
    type: 'counter',
    group: 'exporter',
    help: 'Responses with status 429 (rate limited) from the Genesys Cloud API, by endpoint.',
    labels: ['endpoint'],
    source: 'exporter',
  },
  genesys_exporter_rate_budget_requests_per_minute: {
    type: 'gauge',
    group: 'exporter',
    help: 'The request budget per minute the exporter keeps to (below the org limit of 300 per token).',
    labels: [],
    source: 'exporter',
  },
  genesys_exporter_token_refreshes_total: {
    type: 'counter',
    group: 'exporter',
    help: 'OAuth client-credentials grants, by result (success, failure).',
    labels: ['result'],
    source: 'exporter',
  },
  genesys_exporter_token_expiry_timestamp_seconds: {
    type: 'gauge',
    group: 'exporter',
    help: 'Unix time at which the current access token expires.',
    labels: [],
    source: 'exporter',
  },
  genesys_exporter_login_circuit_open: {
    type: 'gauge',
    group: 'exporter',
    help: 'Whether the circuit breaker on the login endpoint is open (1: not calling it, backing off).',
    labels: [],
    source: 'exporter',
  },
  genesys_exporter_queues: {
    type: 'gauge',
    group: 'exporter',
    help: 'Queues exported after the division and include/exclude filters and the cap (0: nothing is watched; /-/ready is 503 then).',
    labels: [],
    source: 'exporter',
  },
  genesys_exporter_queues_dropped_by_cap: {
    type: 'gauge',
    group: 'exporter',
    help: 'Queues that matched the filters but were not exported because of --collector.queues.max (queues already exported keep their place).',
    labels: [],
    source: 'exporter',
  },
  genesys_exporter_shard_index: {
    type: 'gauge',
    group: 'exporter',
    help: "This replica's shard i of --collector.queues.shard=i/N (0 when not sharded): it exports the queues whose id hashes to i.",
    labels: [],
    source: 'exporter',
  },
  genesys_exporter_shards: {
    type: 'gauge',
    group: 'exporter',
    help: 'N of --collector.queues.shard=i/N: how many replicas share the queues (1 when not sharded). Under one job, fewer distinct values of genesys_exporter_shard_index than this means a shard is not scraped.',
    labels: [],
    source: 'exporter',
  },
  genesys_exporter_observations_mode: {
    type: 'gauge',
    group: 'exporter',
    help: 'The configured --collector.observations.mode: 1 for the mode in use (polling, streaming or auto), 0 for the others. With streaming or auto, genesys_exporter_streaming_active says whether every queue streams now.',
    labels: ['mode'],
    source: 'exporter',
  },
  genesys_exporter_streaming_active: {
    type: 'gauge',
    group: 'exporter',
    help: 'Streaming mode (--collector.observations.mode=streaming|auto) receives the observations of every exported queue through the notification service (1), or polls some or all of them (0; always 0 in polling mode).',
    labels: [],
    source: 'exporter',
  },
  genesys_exporter_streaming_queues: {
    type: 'gauge',
    group: 'exporter',
    help: 'Exported queues whose observations arrive through the notification service now (the others are polled).',
    labels: [],
    source: 'exporter',
  },
  genesys_exporter_streaming_fallbacks_total: {
    type: 'counter',
    group: 'exporter',
    help: 'Times streaming stopped for some queues and they were polled instead, by reason (channel_unavailable, socket_failed, heartbeat_missed, channel_expired, topic_rejected, message_unreadable).',
    labels: ['reason'],
    source: 'exporter',
  },
  genesys_exporter_streaming_messages_total: {
    type: 'counter',
    group: 'exporter',
    help: 'Queue observation messages received from the notification service.',
    labels: [],
    source: 'exporter',
  },
  genesys_exporter_simulated: {
    type: 'gauge',
    group: 'exporter',
    help: 'Whether the exporter serves data from its embedded simulated org (1, demo mode) instead of Genesys Cloud (0).',
    labels: [],
    source: 'exporter',
  },
} as const satisfies Record<string, MetricDefinition>;

export type Catalog = typeof catalog;
export type MetricName = keyof Catalog;
export type MetricOfType<T extends MetricType> = {
  [N in MetricName]: Catalog[N]['type'] extends T ? N : never;
}[MetricName];
export type HistogramName = MetricOfType<'histogram'>;
export type CounterName = MetricOfType<'counter'>;
export type GaugeName = MetricOfType<'gauge'>;
export type SummaryName = MetricOfType<'summary'>;

/** Labels Prometheus attaches to every scraped series (from the scrape config's target labels). */
export const TARGET_LABELS = ['job', 'instance', 'cluster'] as const;
export type TargetLabel = (typeof TARGET_LABELS)[number];

/** Label names of a metric as declared in the catalog. */
export type DeclaredLabel<N extends MetricName> = Catalog[N]['labels'][number];

export function metricNames(): MetricName[] {
  return Object.keys(catalog).sort() as MetricName[];
}
