// What travels on a notification WebSocket: the envelope every message shares and the bodies the
// simulator sends (queue observations, heartbeat, pong, the closing warning). Field names follow the
// official SDK's models (see docs/genesys-api.md, "The notification service").

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

interface MetricStats {
  readonly metric: string;
  readonly qualifier?: string;
  readonly stats: { readonly count: number };
}

/** The 30-minute interval `now` falls in, as Genesys writes intervals (start/end). */
function halfHourInterval(now: number): string {
  const start = Math.floor(now / 1_800_000) * 1_800_000;
  return `${new Date(start).toISOString()}/${new Date(start + 1_800_000).toISOString()}`;
}

/**
 * The eventBodies of one queue's observations (StatEventQueueTopicStatsNotification: one group each): a
 * `{queueId, mediaType}` group per media with traffic (waiting, interacting, alerting) and a `{queueId}`
 * group for its members (routing statuses, on/off queue, members, active).
 */
export function observationBodies(snapshot: QueueSnapshot, now: number): { readonly key: string; readonly body: unknown }[] {
  const interval = halfHourInterval(now);
  const bodies: { key: string; body: unknown }[] = snapshot.media.map((m) => {
    const metrics: MetricStats[] = [
      { metric: 'oWaiting', stats: { count: m.waiting } },
      { metric: 'oInteracting', stats: { count: m.interacting } },
      { metric: 'oAlerting', stats: { count: m.alerting } },
    ];
    return { key: m.mediaType, body: { group: { queueId: snapshot.queueId, mediaType: m.mediaType }, data: [{ interval, metrics }] } };
  });
  const users: MetricStats[] = [
    ...ROUTING_STATUSES.map((status) => ({ metric: 'oUserRoutingStatuses', qualifier: status, stats: { count: snapshot.agents[status] } })),
    { metric: 'oOnQueueUsers', stats: { count: snapshot.onQueue } },
    { metric: 'oOffQueueUsers', stats: { count: snapshot.offQueue } },
    { metric: 'oMemberUsers', stats: { count: snapshot.members } },
    { metric: 'oActiveUsers', stats: { count: snapshot.active } },
  ];
  bodies.push({ key: '', body: { group: { queueId: snapshot.queueId }, data: [{ interval, metrics: users }] } });
  return bodies;
}

export function envelope(topicName: string, eventBody: unknown): NotificationMessage {
  return { topicName, version: '2', eventBody, metadata: { CorrelationId: randomUUID() } };
}
