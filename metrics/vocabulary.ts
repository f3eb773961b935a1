// The Genesys Cloud vocabularies the metrics speak, declared once for the exporter (which reads them from
// the API), the simulator (which serves them), and the dashboards and alerts (which select on them).

/** Media types as analytics names them (observation and aggregate groups); the `media_type` label values. */
export const MEDIA_TYPES = ['voice', 'chat', 'email', 'message', 'callback'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

export function isMediaType(value: unknown): value is MediaType {
  return typeof value === 'string' && (MEDIA_TYPES as readonly string[]).includes(value);
}

/** The routing API names the voice media `call` in a queue's mediaSettings; analytics says `voice`. */
export const QUEUE_MEDIA_SETTING_KEY: Readonly<Record<MediaType, string>> = {
  voice: 'call',
  chat: 'chat',
  email: 'email',
  message: 'message',
  callback: 'callback',
};

/** Agent routing statuses, the `oUserRoutingStatuses` qualifiers. */
export const ROUTING_STATUSES = ['OFF_QUEUE', 'IDLE', 'INTERACTING', 'NOT_RESPONDING', 'COMMUNICATING'] as const;
export type RoutingStatus = (typeof ROUTING_STATUSES)[number];

/** A routing status as the `routing_status` label carries it: lower case ('idle' = available for a contact). */
export type RoutingStatusLabel = Lowercase<RoutingStatus>;

export function routingStatusLabel(status: RoutingStatus): RoutingStatusLabel {
  return status.toLowerCase() as RoutingStatusLabel;
}

/**
 * System presences: every org presence (`oUserPresences` qualifiers are org presence ids) belongs to one of
 * these, as the observation answer's `systemToOrganizationMappings` says (system presence → org ids).
 */
export const SYSTEM_PRESENCES = ['AVAILABLE', 'AWAY', 'BREAK', 'BUSY', 'IDLE', 'MEAL', 'MEETING', 'OFFLINE', 'ON_QUEUE', 'TRAINING'] as const;
export type SystemPresence = (typeof SYSTEM_PRESENCES)[number];

export function isSystemPresence(value: unknown): value is SystemPresence {
  return typeof value === 'string' && (SYSTEM_PRESENCES as readonly string[]).includes(value);
}

/**
 * The `presence` label values: each system presence in lower snake case, and `other` for an org presence
 * id the answer's mappings do not place under a system presence we know (counted, never dropped, so the
 * presence series of a queue always add up to its members).
 */
export const PRESENCE_LABELS = [...SYSTEM_PRESENCES.map((p) => p.toLowerCase() as Lowercase<SystemPresence>), 'other'] as const;
export type PresenceLabel = Lowercase<SystemPresence> | 'other';

export function presenceLabel(presence: SystemPresence | undefined): PresenceLabel {
  return presence === undefined ? 'other' : (presence.toLowerCase() as Lowercase<SystemPresence>);
}
