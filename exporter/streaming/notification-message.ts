// Reads one message of a notification WebSocket. Queue observations are checked with the same parser as
// the observation query's answers (exporter/genesys/queue-observations.ts): the same field checks, the
// same dropping of unknown media types and routing statuses. Shapes: docs/genesys-api.md, "The
// notification service".
import { OBSERVATION_METRICS, parseObservationResponse, type ObservationResult } from '../genesys/queue-observations.ts';
import { ShapeError } from '../genesys/response-shape.ts';

export const HEARTBEAT_TOPIC = 'channel.metadata';
export const SOCKET_CLOSING_TOPIC = 'v2.system.socket_closing';
const OBSERVATION_TOPIC = /^v2\.analytics\.queues\.([^.]+)\.observations$/;
const OBSERVATION_METRIC_NAMES: ReadonlySet<string> = new Set(OBSERVATION_METRICS);

export const observationTopic = (queueId: string): string => `v2.analytics.queues.${queueId}.observations`;

export type NotificationEvent =
  | { readonly kind: 'heartbeat' }
  | { readonly kind: 'closing' }
  /**
   * Some observation metrics of one queue group: the ones that changed. Metrics the message leaves out keep
   * their value (a message may carry only what changed; see mergeStreamed in streaming-collector.ts).
   */
  | { readonly kind: 'observations'; readonly queueId: string; readonly results: readonly ObservationResult[] }
  /** Another topic or a message with nothing to read (no problem), or one without the expected shape (with why, and its queue if known). */
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
  try {
    const metrics = observationMetrics(eventBody);
    // The same topic carries the queue's conversation aggregates (nOffered, tAnswered, oServiceLevel… per
    // 30-minute interval): not observations, and not read in streaming mode (the aggregates collector polls).
    if (metrics.length === 0) return { kind: 'ignored' };
    const group = (eventBody as { group?: unknown }).group;
    const parsed = parseObservationResponse({ results: [{ group, data: metrics }] }, new Set([queueId]));
    return { kind: 'observations', queueId, results: parsed.results };
  } catch (error) {
    if (error instanceof ShapeError) return { kind: 'ignored', problem: `${topicName}: ${error.message}`, queueId };
    throw error;
  }
}

/**
 * The observation metrics (o… names the observations query knows) of a StatEventQueueTopicStatsNotification
 * body, `{group, data: [{interval, metrics: [{metric, qualifier, stats}]}]}`, over all its intervals; a
 * later entry for the same metric and qualifier wins. Structural problems are ShapeErrors.
 */
function observationMetrics(eventBody: unknown): unknown[] {
  if (typeof eventBody !== 'object' || eventBody === null) throw new ShapeError('eventBody should be an object');
  const data = (eventBody as { data?: unknown }).data;
  if (!Array.isArray(data)) throw new ShapeError('eventBody.data should be an array of intervals');
  const latest = new Map<string, unknown>();
  data.forEach((interval, i) => {
    const metrics = (interval as { metrics?: unknown } | null)?.metrics;
    if (!Array.isArray(metrics)) throw new ShapeError(`eventBody.data[${i}].metrics should be an array`);
    for (const entry of metrics) {
      const { metric, qualifier } = (entry ?? {}) as { metric?: unknown; qualifier?: unknown };
      if (typeof metric === 'string' && OBSERVATION_METRIC_NAMES.has(metric)) latest.set(`${metric}|${String(qualifier ?? '')}`, entry);
    }
  });
  return [...latest.values()];
}
