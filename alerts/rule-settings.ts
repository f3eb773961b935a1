// Each alert's settings, declared once: its name, every setting with its default and how an override of it
// is checked. The config's type (AlertsConfig['rules']), its defaults and its override schema are derived
// from this one table, so adding an alert is one entry here plus the rule itself. A setting wrapped in
// perQueue(…) can also be set per queue (alerts config queueOverrides / divisionOverrides): the override
// schema and type are derived from the same table.

import type { MediaType } from '../metrics/vocabulary.ts';
import type { LeafKind } from './config-override.ts';

/** One setting: its default, the kind an override is checked as, and whether a queue can have its own. */
export interface Setting<V, K extends LeafKind, Q extends boolean = boolean> {
  readonly default: V;
  readonly kind: K;
  /** True: queueOverrides / divisionOverrides may set it for some queues (the rule reads it per queue). */
  readonly perQueue: Q;
}

const setting =
  <K extends LeafKind, V>(kind: K) =>
  (value: V): Setting<V, K, false> => ({ default: value, kind, perQueue: false });

/** A Prometheus duration such as '30s', '5m' or '1h30m'. */
export const duration = setting<'duration', string>('duration');
/** A number of things (contacts, responses, polls); also plain factors. */
export const count = setting<'count', number>('count');
/** Seconds, more than 0. */
export const seconds = setting<'seconds', number>('seconds');
/** A share between 0 and 1. */
export const ratio = setting<'ratio', number>('ratio');
/** On or off (an alert that ships off by default has `enabled: flag(false)`). */
export const flag = setting<'flag', boolean>('flag');

/** One seconds setting per media type. */
export function secondsPerMedia(values: { readonly [M in MediaType]: number }): { readonly [M in MediaType]: Setting<number, 'seconds', false> } {
  return {
    voice: seconds(values.voice),
    callback: seconds(values.callback),
    chat: seconds(values.chat),
    message: seconds(values.message),
    email: seconds(values.email),
  };
}

type SettingTree = Setting<unknown, LeafKind> | { readonly [key: string]: SettingTree };

const isSetting = (node: SettingTree): node is Setting<unknown, LeafKind> => 'kind' in node && 'default' in node && typeof node.kind === 'string';

function mapTree(node: SettingTree, leaf: (setting: Setting<unknown, LeafKind>) => unknown): unknown {
  if (isSetting(node)) return leaf(node);
  return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, mapTree(child, leaf)]));
}

type PerQueueTree<T> = T extends Setting<infer V, infer K, boolean> ? Setting<V, K, true> : { readonly [P in keyof T]: PerQueueTree<T[P]> };

/**
 * A setting (or a tree of them, e.g. secondsPerMedia) that a queue can have its own value of. The rule must
 * then read it per queue (queueLimit in alerts/queue-alerts.ts), never as the plain default.
 */
export function perQueue<T extends SettingTree>(tree: T): PerQueueTree<T> {
  return mapTree(tree, (s) => ({ ...s, perQueue: true })) as PerQueueTree<T>;
}

/** Every alert needs at least `for`. */
type RuleDeclaration = { readonly for: Setting<string, 'duration'> } & { readonly [key: string]: SettingTree };

export const RULE_SETTINGS = {
  QueueDepthCritical: { for: duration('5m'), maxWaiting: perQueue(count(50)) },
  /** Per queue and media type: p95 wait above slaTargetFactor × the queue's own service-level time for that
   * media type (genesys_queue_sla_target_seconds), or above maxP95WaitSeconds of the media type where the
   * queue has no target. An email queue with a 1-hour target is not degraded at a 10-minute p95. */
  WaitTimeDegradation: {
    for: duration('10m'),
    slaTargetFactor: perQueue(count(2)),
    maxP95WaitSeconds: perQueue(secondsPerMedia({ voice: 120, callback: 3600, chat: 300, message: 3600, email: 7200 })),
  },
  /** Fires only when the queue had at least minOffers offers in the SLA window: a quiet queue never fires. */
  QueueSlaBelowTarget: { for: duration('15m'), minOffers: perQueue(count(10)) },
  /** Per queue and media type: at least minWaiting contacts of the media type waiting, no idle agent on the
   * queue, and the oldest of them already past the queue's service-level time for it (or
   * maxLongestWaitSeconds of the media type without a target): one email waiting in a closed inbox is not
   * an emergency, a caller on hold with nobody free is. */
  QueueNoAvailableAgents: {
    for: duration('5m'),
    minWaiting: perQueue(count(1)),
    maxLongestWaitSeconds: perQueue(secondsPerMedia({ voice: 30, callback: 1800, chat: 120, message: 1800, email: 7200 })),
  },
  // Short: while it is pending, a live queue incident is covered only by queueAlertsKeepFiringFor.
  GenesysExporterDown: { for: duration('2m') },
  GenesysExporterAbsent: { for: duration('5m') },
  /** A collector's data is stale when older than missedPolls of its own poll interval, and at least
   * minAgeSeconds (so a fast collector's scrape jitter never counts). Per collector, because the queue
   * catalog refreshes every few minutes while observations poll every few seconds: one fixed age limit
   * is either too tight for the first (flapping, and this alert inhibits every queue alert) or too loose
   * for the second. */
  GenesysExporterDataStale: { for: duration('5m'), missedPolls: count(3), minAgeSeconds: seconds(120) },
  GenesysExporterCollectorFailing: { for: duration('10m') },
  /** The exporter serves its embedded simulated org (demo mode): every queue number is made up. */
  GenesysExporterSimulatedData: { for: duration('1m') },
  /** The queue filters match no queue: the exporter runs, but watches nothing. */
  GenesysExporterNoQueues: { for: duration('5m') },
  /** Queues matched the filters but --collector.queues.max left them out: they are not watched. */
  GenesysExporterQueuesDroppedByCap: { for: duration('15m') },
  /** Streaming (or auto) mode polls some exported queues instead of streaming them (a fallback that lasts). */
  GenesysStreamingFallback: { for: duration('15m') },
  /** More than maxResponses 429s within window (the client retries a few; a steady stream means over budget). */
  GenesysApiRateLimited: { for: duration('10m'), window: duration('10m'), maxResponses: count(10) },
  /** Share of API requests failing (timeouts, network errors, 4xx/5xx other than 429) over window. */
  GenesysApiErrors: { for: duration('10m'), window: duration('10m'), maxErrorRatio: ratio(0.1) },
  /** Token grants failing with no success within window, or the login circuit breaker open. */
  GenesysAuthenticationFailing: { for: duration('5m'), window: duration('15m') },
  /** Off by default (enabled): what abandon rate a center accepts varies too much for one default to page
   * anyone. Per queue and media type: (abandoned − short abandoned) / (offered − short abandoned) over window
   * above maxAbandonRatio, with at least minOffers such offers in the window (a handful of contacts never fires). */
  QueueAbandonRateHigh: { enabled: flag(false), for: duration('15m'), window: duration('15m'), maxAbandonRatio: ratio(0.1), minOffers: count(20) },
  /** Off by default (enabled): some queues are staffed only from other queues on purpose. At least minPresent
   * members logged in (any presence but offline: break, meal, training, meeting, away, …) and none on queue. */
  QueueNoMembersOnQueue: { enabled: flag(false), for: duration('15m'), minPresent: count(1) },
} as const satisfies Readonly<Record<string, RuleDeclaration>>;

/** The values of a declaration tree (what the rule modules read). */
export type SettingValues<T> = T extends Setting<infer V, LeafKind> ? V : { readonly [K in keyof T]: SettingValues<T[K]> };
/** The override kinds of a declaration tree (the schema parseAlertsConfigOverride checks against). */
export type SettingKinds<T> = T extends Setting<unknown, infer K> ? K : { readonly [K in keyof T]: SettingKinds<T[K]> };

export type RuleSettings = SettingValues<typeof RULE_SETTINGS>;

/** The defaults of every alert's settings. */
export function ruleDefaults(): RuleSettings {
  return mapTree(RULE_SETTINGS, (s) => s.default) as RuleSettings;
}

/** How an override of every alert's settings is checked. */
export function ruleSchema(): SettingKinds<typeof RULE_SETTINGS> {
  return mapTree(RULE_SETTINGS, (s) => s.kind) as SettingKinds<typeof RULE_SETTINGS>;
}

/** Keys of a declaration tree that hold at least one per-queue setting. */
type PerQueueKeys<T> = { [K in keyof T]-?: [QueuePart<T[K]>] extends [never] ? never : K }[keyof T];

/** The per-queue part of a declaration tree, every key optional (an override sets only what it changes);
 * never where nothing in it is per queue. */
type QueuePart<T> =
  T extends Setting<infer V, LeafKind, infer Q>
    ? true extends Q
      ? V
      : never
    : [PerQueueKeys<T>] extends [never]
      ? never
      : { readonly [K in PerQueueKeys<T>]?: QueuePart<T[K]> };

/** What one queue-name pattern (or division) can change: per alert, its perQueue settings, e.g.
 * `{ QueueDepthCritical: { maxWaiting: 10 }, WaitTimeDegradation: { maxP95WaitSeconds: { voice: 60 } } }`. */
export type QueueOverride = QueuePart<typeof RULE_SETTINGS>;

/** The override kinds of the per-queue settings only (the schema of one queueOverrides entry), or undefined
 * where a subtree has none. */
function perQueueKinds(node: SettingTree): unknown {
  if (isSetting(node)) return node.perQueue ? node.kind : undefined;
  const entries = Object.entries(node).flatMap(([key, child]) => {
    const kinds = perQueueKinds(child);
    return kinds === undefined ? [] : [[key, kinds] as const];
  });
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

/** How one queueOverrides / divisionOverrides entry is checked: only per-queue settings are accepted, so a
 * typo or a setting that cannot vary per queue (a rule's `for`) is refused with the keys that can. */
export function queueOverrideSchema(): Record<string, unknown> {
  return (perQueueKinds(RULE_SETTINGS) ?? {}) as Record<string, unknown>;
}
