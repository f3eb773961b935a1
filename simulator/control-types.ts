// The simulator's control and ground-truth API (`/sim/...`, no auth): the types other slices and tests
// use, over HTTP (JSON) or in process (SimulatorHandle). Times are ISO-8601 strings, durations ms.

import type { MediaType, RoutingStatus, SystemPresence } from './vocabulary.ts';

export type { MediaType, RoutingStatus, SystemPresence } from './vocabulary.ts';

/** GET /sim/truth/now: conversations of one media in one queue right now. */
export interface MediaTruth {
  readonly mediaType: MediaType;
  /** In queue, not offered to an agent (oWaiting). */
  readonly waiting: number;
  /** Offered to an agent, ringing (oAlerting). */
  readonly alerting: number;
  /** Connected to an agent (oInteracting). */
  readonly interacting: number;
  /** Wait of the oldest waiting contact; null when nobody waits. */
  readonly longestWaitMs: number | null;
}

export interface QueueTruth {
  readonly queueId: string;
  readonly name: string;
  readonly divisionId: string;
  /** One entry per media the queue receives traffic on. */
  readonly media: readonly MediaTruth[];
  /** Member agents by routing status (oUserRoutingStatuses). */
  readonly agents: Readonly<Record<RoutingStatus, number>>;
  /** Members not OFF_QUEUE (oOnQueueUsers). */
  readonly onQueue: number;
  /** Members OFF_QUEUE, logged off included (oOffQueueUsers). */
  readonly offQueue: number;
  /** oMemberUsers. */
  readonly members: number;
  /** Members by system presence, every system presence listed (oUserPresences, its org ids mapped back). */
  readonly presences: Readonly<Record<SystemPresence, number>>;
}

export interface TruthNow {
  /** The simulator's clock. */
  readonly time: string;
  readonly queues: readonly QueueTruth[];
}

/** 'flowed_out': the in-queue flow moved the contact out of the queue (tFlowOut) before an answer or abandon. */
export type ContactOutcome = 'answered' | 'abandoned' | 'flowed_out' | 'waiting';

/** GET /sim/truth/contacts: one contact that arrived in the window. */
export interface ContactTruth {
  readonly id: string;
  readonly queueId: string;
  readonly mediaType: MediaType;
  readonly arrivedAt: string;
  readonly answeredAt?: string;
  readonly abandonedAt?: string;
  /** 'waiting' also covers a contact that is ringing at an agent. */
  readonly outcome: ContactOutcome;
  /** Time to answer or to abandon; absent while waiting. */
  readonly waitMs?: number;
  readonly slaTargetMs: number;
  readonly answeredWithinTarget: boolean;
  /** An abandon shorter than the org's short-abandon threshold (tShortAbandon). */
  readonly shortAbandon?: boolean;
  /** When the in-queue flow moved the contact out (tFlowOut posts then; its value is flowedOutAt - arrivedAt). */
  readonly flowedOutAt?: string;
  /** Hold time (tHeld), and when the hold ended (it posts then). */
  readonly heldMs?: number;
  readonly holdEndedAt?: string;
  /** Talk time without hold (tTalk), and when the talk ended (tTalk and the transfer counts post then). */
  readonly talkMs?: number;
  readonly disconnectedAt?: string;
  /** How the agent transferred the contact (nBlindTransferred / nConsultTransferred; both are nTransferred). */
  readonly transfer?: 'blind' | 'consult';
  /** After-call work (tAcw) and handle time (tHandle = talk + hold + after-call work), both posting at endedAt. */
  readonly acwMs?: number;
  readonly handleMs?: number;
  readonly endedAt?: string;
}

export interface TruthContacts {
  readonly time: string;
  readonly since: string;
  readonly until: string;
  readonly contacts: readonly ContactTruth[];
}

export interface TruthContactsQuery {
  readonly since: Date | string;
  readonly until: Date | string;
  readonly queueId?: string;
}

/** GET /sim/queues: the live queues (campaign queues included while they exist). */
export interface SimQueue {
  readonly id: string;
  readonly name: string;
  readonly division: { readonly id: string; readonly name: string };
  /** Media with traffic. */
  readonly media: readonly MediaType[];
  readonly serviceLevels: Readonly<Record<MediaType, { readonly percentage: number; readonly durationMs: number }>>;
  /** The campaign scenario that created the queue, if any. */
  readonly campaignScenarioId?: string;
}

interface ScenarioLimit {
  /** Ends the scenario after this many simulated seconds (default: until DELETE /sim/scenarios). */
  readonly durationSeconds?: number;
}

export type ScenarioRequest =
  /** Multiplies the arrival rate of one queue (one media, or all). */
  | ({ readonly scenario: 'surge'; readonly queueId: string; readonly factor: number; readonly mediaType?: MediaType } & ScenarioLimit)
  /** Logs agents off (OFF_QUEUE, presence OFFLINE): members of one queue, or everyone; busy agents finish first. */
  | ({ readonly scenario: 'agents-logoff'; readonly queueId?: string; readonly fraction?: number } & ScenarioLimit)
  /** No arrivals at all. */
  | ({ readonly scenario: 'quiet' } & ScenarioLimit)
  /** Creates `queues` short-lived queues (each deleted after lifetimeSeconds), again every `everySeconds` if given. */
  | ({
      readonly scenario: 'campaign';
      readonly queues: number;
      readonly lifetimeSeconds: number;
      readonly everySeconds?: number;
      readonly arrivalsPerMinute?: number;
      readonly mediaType?: MediaType;
      readonly agentsPerQueue?: number;
    } & ScenarioLimit);

export type ScenarioName = ScenarioRequest['scenario'];

export interface ScenarioInfo {
  readonly id: string;
  readonly request: ScenarioRequest;
  readonly startedAt: string;
  readonly endsAt?: string;
}

/** Endpoint names, as the exporter's telemetry spells them. */
export type SimEndpoint = 'oauth_token' | 'routing_queues' | 'queue_observations' | 'conversation_aggregates' | 'notifications';
export type ApiEndpoint = Exclude<SimEndpoint, 'oauth_token'>;

interface FaultLimit {
  /** Ends the fault after this many seconds. */
  readonly durationSeconds?: number;
  /** Ends the fault after it has hit this many requests. */
  readonly count?: number;
}

export type FaultRequest =
  /** Every API request (of `endpoint`, or all) gets 429 with Retry-After. */
  | ({ readonly fault: 'rate-limit-storm'; readonly retryAfterSeconds?: number; readonly endpoint?: ApiEndpoint } & FaultLimit)
  /** POST /oauth/token answers 5xx (HTML body, as a gateway would). */
  | ({ readonly fault: 'login-5xx'; readonly status?: number } & FaultLimit)
  /** POST /oauth/token never answers (the connection stays open until the client gives up). */
  | ({ readonly fault: 'login-timeout' } & FaultLimit)
  /** API requests answer 5xx with the generic error body. */
  | ({ readonly fault: 'api-5xx'; readonly endpoint?: ApiEndpoint; readonly status?: number } & FaultLimit)
  /** Responses are delayed by delayMs (login too unless an API endpoint is named). */
  | ({ readonly fault: 'slow'; readonly delayMs: number; readonly endpoint?: SimEndpoint } & FaultLimit)
  /** 200 with a body that is not JSON. */
  | ({ readonly fault: 'malformed-json'; readonly endpoint?: ApiEndpoint } & FaultLimit)
  /** 200 with the first half of the real JSON body (Content-Length matches what is sent). */
  | ({ readonly fault: 'truncated-json'; readonly endpoint?: ApiEndpoint } & FaultLimit)
  /** Revokes every token issued so far (one shot). */
  | { readonly fault: 'revoke-tokens' }
  /** Shifts the clock the API shows (Date header, observationDate) by `seconds`. */
  | ({ readonly fault: 'clock-offset'; readonly seconds: number } & FaultLimit)
  /**
   * Notification service, one shot: every WebSocket is cut without a close frame (a reset); for
   * refuseSeconds after it (default 0) new connections are refused with HTTP 503 (the streaming host down).
   * A later drop replaces that window: one with refuseSeconds 0 brings the host back at once.
   */
  | { readonly fault: 'notification-socket-drop'; readonly refuseSeconds?: number }
  /** Notification service, one shot: v2.system.socket_closing on every socket, closed graceSeconds later (default 5). */
  | { readonly fault: 'notification-socket-closing'; readonly graceSeconds?: number }
  /** Notification service, one shot: one message per subscribed topic whose eventBody has a wrong shape (a count that is a string). */
  | { readonly fault: 'notification-malformed-message' }
  /** Notification service, one shot: every channel expires now (sockets closed, channel routes 404). */
  | { readonly fault: 'notification-channel-expire' }
  /** Notification service: subscribing to the observations topic of `queueId` (or of any queue) is rejected. */
  | { readonly fault: 'notification-topic-reject'; readonly queueId?: string; readonly durationSeconds?: number };

export type FaultName = FaultRequest['fault'];

export interface FaultInfo {
  readonly id: string;
  readonly request: FaultRequest;
  readonly startedAt: string;
  readonly endsAt?: string;
  /** Requests left before a `count`-limited fault ends. */
  readonly remaining?: number;
}

/** GET /sim/requests: one API or login request the simulator received. */
export interface RequestLogEntry {
  /** When it arrived (simulator clock). */
  readonly time: string;
  readonly method: string;
  /** Path with query string. */
  readonly path: string;
  readonly endpoint: SimEndpoint | null;
  /** null while unanswered (e.g. held by login-timeout). */
  status: number | null;
  /** A bearer token was presented. */
  readonly tokenPresented: boolean;
  /** Short hash of the presented token (never the token). */
  readonly tokenHash?: string;
  /** Short hash of the token a successful login issued. */
  issuedTokenHash?: string;
  readonly correlationId: string;
  /** The fault that shaped the answer, if any. */
  fault?: FaultName;
}

export interface RequestLog {
  readonly time: string;
  readonly requests: readonly RequestLogEntry[];
}

/** Body of every /sim/ error (400/404, 413 for a body above the limit). */
export interface ControlError {
  readonly error: string;
}
