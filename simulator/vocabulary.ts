// The Genesys vocabularies the simulator speaks: media types and routing statuses (declared once, with the
// metrics, in metrics/vocabulary.ts) and system presences.

// System presences: each org maps them to its own presence ids (`systemToOrganizationMappings`).
export {
  MEDIA_TYPES,
  type MediaType,
  QUEUE_MEDIA_SETTING_KEY,
  ROUTING_STATUSES,
  type RoutingStatus,
  SYSTEM_PRESENCES,
  type SystemPresence,
} from '../metrics/vocabulary.ts';
import type { SystemPresence } from '../metrics/vocabulary.ts';

/** Presences an agent who is logged in but off queue may be in. */
export const OFF_QUEUE_PRESENCES: readonly SystemPresence[] = ['AVAILABLE', 'AWAY', 'BREAK', 'MEAL', 'MEETING', 'TRAINING'];
