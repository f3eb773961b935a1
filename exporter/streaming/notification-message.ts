// Reads one message of a notification WebSocket. Queue observations are checked with the same parser as
// the observation query's answers (exporter/genesys/queue-observations.ts): the same field checks, the
// same dropping of unknown media types and routing statuses. Shapes: docs/genesys-api.md, "The
// notification service".
import { parseObservationResponse, type ObservationResult } from '../genesys/queue-observations.ts';
import { ShapeError } from '../genesys/response-shape.ts';

export const HEARTBEAT_TOPIC = 'channel.metadata';
export const SOCKET_CLOSING_TOPIC = 'v2.system.socket_closing';
const OBSERVATION_TOPIC = /^v2\.analytics\.queues\.([^.]+)\.observations$/;

export const observationTopic = (queueId: string): string => `v2.analytics.queues.${queueId}.observations`;

export type NotificationEvent =
  | { readonly kind: 'heartbeat' }
  | { readonly kind: 'closing' }
  | { readonly kind: 'observations'; readonly queueId: string; readonly results: readonly ObservationResult[] }
  /** Another topic (no problem), or a message without the expected shape (with why, and its queue if known). */
  | { readonly kind: 'ignored'; readonly problem?: string; readonly queueId?: string };

export function readNotification(text: string): NotificationEvent {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return { kind: 'ignored', problem: 'not JSON' };
  }
  if (typeof message !== 'object' || message === null) return { kind: 'ignored', problem: 'not an object' };
  const { topicName, eventBody } = message as { topicName?: unknown; eventBody?: unknown };
  if (topicName === HEARTBEAT_TOPIC) return { kind: 'heartbeat' };
  if (topicName === SOCKET_CLOSING_TOPIC) return { kind: 'closing' };
  const queueId = typeof topicName === 'string' ? OBSERVATION_TOPIC.exec(topicName)?.[1] : undefined;
  if (queueId === undefined) return { kind: 'ignored' };
  // StatEventQueueTopicStatsNotification: {group, data: [{interval, metrics: [{metric, qualifier, stats}]}]};
  // the latest interval's metrics are the group's data, as in an observation query answer.
  const body = eventBody as { group?: unknown; data?: unknown } | undefined;
  const intervals = Array.isArray(body?.data) ? (body.data as { metrics?: unknown }[]) : [];
  const latest = intervals.at(-1);
  try {
    const parsed = parseObservationResponse({ results: [{ group: body?.group, data: latest?.metrics ?? [] }] }, new Set([queueId]));
    return { kind: 'observations', queueId, results: parsed.results };
  } catch (error) {
    if (error instanceof ShapeError) return { kind: 'ignored', problem: `${topicName}: ${error.message}`, queueId };
    throw error;
  }
}
