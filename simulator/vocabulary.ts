// The Genesys vocabularies the simulator speaks: media types, routing statuses and system presences.

/** Media types as analytics names them (observation and aggregate groups). */
export const MEDIA_TYPES = ['voice', 'chat', 'email', 'message', 'callback'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

/** The routing API names the voice media `call` in a queue's mediaSettings; analytics says `voice`. */
export const QUEUE_MEDIA_SETTING_KEY: Readonly<Record<MediaType, string>> = {
  voice: 'call',
  chat: 'chat',
  email: 'email',
  message: 'message',
  callback: 'callback',
};

export function isMediaType(value: unknown): value is MediaType {
  return typeof value === 'string' && (MEDIA_TYPES as readonly string[]).includes(value);
}

/** `oUserRoutingStatuses` qualifiers. */
export const ROUTING_STATUSES = ['OFF_QUEUE', 'IDLE', 'INTERACTING', 'NOT_RESPONDING', 'COMMUNICATING'] as const;
export type RoutingStatus = (typeof ROUTING_STATUSES)[number];

/** System presences; each org maps them to its own presence ids (`systemToOrganizationMappings`). */
export const SYSTEM_PRESENCES = ['AVAILABLE', 'AWAY', 'BUSY', 'BREAK', 'MEAL', 'MEETING', 'TRAINING', 'ON_QUEUE', 'OFFLINE', 'IDLE'] as const;
export type SystemPresence = (typeof SYSTEM_PRESENCES)[number];

/** Presences an agent who is logged in but off queue may be in. */
export const OFF_QUEUE_PRESENCES: readonly SystemPresence[] = ['AVAILABLE', 'AWAY', 'BREAK', 'MEAL', 'MEETING', 'TRAINING'];
