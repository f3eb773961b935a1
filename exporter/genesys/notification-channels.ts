// The notification service's REST side (streaming mode): create a channel, set its topics. These calls go
// through apiRequest like every other call, so they share the client's token, rate budget and retries.
// Shapes: the SDK's Channel and ChannelTopic models (see docs/genesys-api.md, "The notification service").

import { apiRequest, type ApiRequestContext } from './api-request.ts';
import { ENDPOINTS } from './endpoints.ts';
import { ShapeError, expectObject, expectOptionalArray, expectString, optionalString } from './response-shape.ts';

export interface NotificationChannel {
  readonly id: string;
  /** The channel's WebSocket address. */
  readonly connectUri: string;
  /** When the channel expires unless re-subscribed (epoch ms). */
  readonly expiresAt: number;
}

export interface ChannelTopic {
  readonly id: string;
  readonly state: string;
  readonly rejectionReason?: string;
}

const MAX_BYTES = 4 * 1024 * 1024;

function parseChannel(json: unknown): NotificationChannel {
  const body = expectObject(json, 'body');
  const id = expectString(body.id, 'id');
  const connectUri = expectString(body.connectUri, 'connectUri');
  if (!/^wss?:\/\//.test(connectUri)) throw new ShapeError('connectUri should be a ws:// or wss:// address');
  const expires = Date.parse(expectString(body.expires, 'expires'));
  return { id, connectUri, expiresAt: Number.isFinite(expires) ? expires : Date.now() + 24 * 3_600_000 };
}

function parseTopics(json: unknown): ChannelTopic[] {
  const body = expectObject(json, 'body');
  return expectOptionalArray(body.entities, 'entities').map((value, i) => {
    const topic = expectObject(value, `entities[${i}]`);
    const rejectionReason = optionalString(topic.rejectionReason, `entities[${i}].rejectionReason`);
    return {
      id: expectString(topic.id, `entities[${i}].id`),
      state: optionalString(topic.state, `entities[${i}].state`) ?? 'Permitted',
      ...(rejectionReason === undefined ? {} : { rejectionReason }),
    };
  });
}

export function createNotificationChannel(context: ApiRequestContext): Promise<NotificationChannel> {
  const url = new URL(ENDPOINTS.notifications.path, context.apiUrl);
  return apiRequest(context, { endpoint: 'notifications', method: 'POST', url, parse: parseChannel, maxResponseBytes: MAX_BYTES });
}

/** PUT replaces the channel's topics (and renews the channel); the answer says which were refused and why. */
export function setChannelTopics(context: ApiRequestContext, channelId: string, topics: readonly string[]): Promise<ChannelTopic[]> {
  const url = new URL(`${ENDPOINTS.notifications.path}/${encodeURIComponent(channelId)}/subscriptions`, context.apiUrl);
  return apiRequest(context, {
    endpoint: 'notifications',
    method: 'PUT',
    url,
    json: topics.map((id) => ({ id })),
    parse: parseTopics,
    maxResponseBytes: MAX_BYTES,
  });
}
