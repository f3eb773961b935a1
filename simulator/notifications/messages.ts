// What travels on a notification WebSocket: the envelope every message shares and the bodies the
// simulator sends (queue observations, heartbeat, pong, the closing warning). Field names follow the
// official SDK's models (see docs/genesys-api.md, "The notification service"). An observations message
// carries the metrics of its group that changed since the group's last message (all of them the first
// time on a socket): live messages seen in public examples carry only some metrics, and a client must
// cope with that, so the simulator sends the harder case.

import { randomUUID } from 'node:crypto';
import type { QueueSnapshot } from '../model/snapshot.ts';
import { ROUTING_STATUSES } from '../vocabulary.ts';

export const HEARTBEAT_TOPIC = 'channel.metadata';
export const SOCKET_CLOSING_TOPIC = 'v2.system.socket_closing';
const OBSERVATION_TOPIC = /^v2\.analytics\.queues\.([^.]+)\.observations$/;

/** The queue id a queue-observations topic names, or undefined for any other topic. */
export function observationTopicQueue(topic: string): string | undefined {
  return OBSERVATION_TOPIC.exec(topic)?.[1];
}

export interface NotificationMessage {
  readonly topicName: string;
  readonly version?: string;
  readonly eventBody: unknown;
  readonly metadata?: { readonly CorrelationId: string };
}

export const heartbeat = (): NotificationMessage => ({ topicName: HEARTBEAT_TOPIC, eventBody: { message: 'WebSocket Heartbeat' } });
export const pong = (): NotificationMessage => ({ topicName: HEARTBEAT_TOPIC, eventBody: { message: 'pong' } });
export const socketClosing = (): NotificationMessage => ({ topicName: SOCKET_CLOSING_TOPIC, eventBody: { message: 'Socket closing' } });

export interface MetricStats {
  readonly metric: string;
  readonly qualifier?: string;
  readonly stats: { readonly count: number };
}

/** One observation group of a queue: `{queueId, mediaType}` (conversation metrics) or `{queueId}` (its members). */
export interface ObservationGroup {
  /** The group's key within its topic ('' for the members group). */
  readonly key: string;
  readonly group: { readonly queueId: string; readonly mediaType?: string };
  readonly metrics: readonly MetricStats[];
}

/** A metric's identity within its group (a routing status is a qualifier of oUserRoutingStatuses). */
export const metricKey = (m: MetricStats): string => `${m.metric}|${m.qualifier ?? ''}`;

/**
 * A queue's observation groups: one per media with traffic (waiting, interacting, alerting) and one for its
 * members (routing statuses, on/off queue, members, active).
 */
export function observationGroups(snapshot: QueueSnapshot): ObservationGroup[] {
  const groups: ObservationGroup[] = snapshot.media.map((m) => ({
    key: m.mediaType,
    group: { queueId: snapshot.queueId, mediaType: m.mediaType },
    metrics: [
      { metric: 'oWaiting', stats: { count: m.waiting } },
      { metric: 'oInteracting', stats: { count: m.interacting } },
      { metric: 'oAlerting', stats: { count: m.alerting } },
    ],
  }));
  groups.push({
    key: '',
    group: { queueId: snapshot.queueId },
    metrics: [
      ...ROUTING_STATUSES.map((status) => ({ metric: 'oUserRoutingStatuses', qualifier: status, stats: { count: snapshot.agents[status] } })),
      { metric: 'oOnQueueUsers', stats: { count: snapshot.onQueue } },
      { metric: 'oOffQueueUsers', stats: { count: snapshot.offQueue } },
      { metric: 'oMemberUsers', stats: { count: snapshot.members } },
      { metric: 'oActiveUsers', stats: { count: snapshot.active } },
    ],
  });
  return groups;
}

/**
 * The eventBody of an observations message (StatEventQueueTopicStatsNotification): the group and one
 * data entry whose interval is the instant observed (`<now>/<now>`, as live messages show it).
 */
export function observationBody(group: ObservationGroup['group'], metrics: readonly MetricStats[], now: number): unknown {
  const instant = new Date(now).toISOString();
  return { group, data: [{ interval: `${instant}/${instant}`, metrics }] };
}

export function envelope(topicName: string, eventBody: unknown): NotificationMessage {
  return { topicName, version: '2', eventBody, metadata: { CorrelationId: randomUUID() } };
}
