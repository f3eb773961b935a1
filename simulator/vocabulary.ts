// The Genesys vocabularies the simulator speaks: media types and routing statuses (declared once, with the
// metrics, in metrics/vocabulary.ts) and system presences.

export { MEDIA_TYPES, type MediaType, QUEUE_MEDIA_SETTING_KEY, ROUTING_STATUSES, type RoutingStatus } from '../metrics/vocabulary.ts';

/** System presences; each org maps them to its own presence ids (`systemToOrganizationMappings`). */
export const SYSTEM_PRESENCES = ['AVAILABLE', 'AWAY', 'BUSY', 'BREAK', 'MEAL', 'MEETING', 'TRAINING', 'ON_QUEUE', 'OFFLINE', 'IDLE'] as const;
export type SystemPresence = (typeof SYSTEM_PRESENCES)[number];

/** Presences an agent who is logged in but off queue may be in. */
export const OFF_QUEUE_PRESENCES: readonly SystemPresence[] = ['AVAILABLE', 'AWAY', 'BREAK', 'MEAL', 'MEETING', 'TRAINING'];
