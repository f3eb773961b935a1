// One simulated org: the traffic model, scenarios, tokens, rate limit, faults and request log, with the
// control and ground-truth functions that GET/POST /sim/... serve and SimulatorHandle exposes in process.

import type {
  ContactTruth,
  FaultInfo,
  FaultRequest,
  RequestLog,
  ScenarioInfo,
  ScenarioRequest,
  SimQueue,
  TruthContacts,
  TruthContactsQuery,
  TruthNow,
} from './control-types.ts';
import { ControlInputError, parseFaultRequest, parseScenarioRequest } from './control-parse.ts';
import { parseInstant } from './api/iso.ts';
import { RateLimiter } from './api/rate-limit.ts';
import { TokenStore } from './api/tokens.ts';
import { manualClock, realtimeClock, type ClockMode, type SimClock } from './clock.ts';
import { FaultBoard } from './faults.ts';
import { contactHandleMs, contactWaitMs, answeredWithinTarget, type Contact } from './model/contact.ts';
import { ScenarioEngine } from './model/scenarios.ts';
import { snapshotQueue } from './model/snapshot.ts';
import { TrafficModel } from './model/traffic.ts';
import type { Org } from './org/model.ts';
import type { Random } from './random.ts';
import { NotificationService } from './notifications/service.ts';
import { RequestLogBook } from './request-log.ts';
import { MEDIA_TYPES } from './vocabulary.ts';

export interface SimulationSettings {
  readonly org: Org;
  readonly random: Random;
  readonly clock: ClockMode;
  /** Epoch ms the model (after warm-up) starts at. */
  readonly startTime: number;
  readonly warmupMs: number;
  readonly speed: number;
  readonly retentionMs: number;
  readonly tokenLifetimeSeconds: number;
  readonly rateLimitPerMinute: number;
  /** Interval of heartbeats on notification sockets (Genesys: about 30 s). */
  readonly notificationHeartbeatMs: number;
}

const toMs = (time: Date | string | number, what: string): number => {
  const ms = time instanceof Date ? time.getTime() : typeof time === 'number' ? time : parseInstant(time);
  if (ms === undefined || !Number.isFinite(ms))
    throw new ControlInputError(`${what}: ${JSON.stringify(time)} is not an ISO-8601 instant with a zone (e.g. 2026-11-29T15:00:00Z)`);
  return ms;
};
const iso = (ms: number): string => new Date(ms).toISOString();

export class Simulation {
  readonly model: TrafficModel;
  readonly scenarios: ScenarioEngine;
  readonly tokens: TokenStore;
  readonly limiter: RateLimiter;
  readonly faults = new FaultBoard();
  readonly requestLog = new RequestLogBook();
  readonly notifications: NotificationService;
  private readonly clock: SimClock;

  constructor(settings: SimulationSettings) {
    // The clock before the warm-up: warming a busy org up takes wall time (seconds on a loaded machine), which the
    // model then catches up on at its first sync. A clock started after it would keep the model behind the wall
    // clock by the warm-up's duration for the whole run, so the truth would lag what clients observe.
    this.clock = settings.clock === 'manual' ? manualClock : realtimeClock(settings.startTime, settings.speed);
    this.model = new TrafficModel(settings.org, settings.random.fork('traffic'), settings.startTime - settings.warmupMs, { retentionMs: settings.retentionMs });
    this.model.advanceTo(settings.startTime);
    this.scenarios = new ScenarioEngine(this.model, settings.random.fork('scenarios'));
    this.tokens = new TokenStore(settings.tokenLifetimeSeconds);
    this.limiter = new RateLimiter(settings.rateLimitPerMinute);
    this.notifications = new NotificationService({
      now: () => this.serviceNow(),
      modelNow: () => this.model.now,
      queue: (queueId) => this.model.queueState(queueId),
      sync: () => this.sync(),
      rejectionFault: (queueId) => {
        const fault = this.faults.all('notification-topic-reject', this.serviceNow()).find((f) => f.queueId === undefined || f.queueId === queueId);
        return fault === undefined ? undefined : `Subscription to queue ${queueId} was rejected (simulated fault notification-topic-reject)`;
      },
      heartbeatMs: settings.notificationHeartbeatMs,
    });
  }

  get clockMode(): ClockMode {
    return this.clock.mode;
  }

  /** Brings the model up to the clock (real time); a no-op with a manual clock. */
  sync(): void {
    this.model.advanceTo(this.clock.modelTarget(this.model.now));
  }

  /** The model's time (simulated). */
  now(): Date {
    this.sync();
    return new Date(this.model.now);
  }

  /** Service time: tokens, rate limit, faults, request log. */
  serviceNow(): number {
    return this.clock.serviceNow(this.model.now);
  }

  advanceTo(time: Date | string | number): Date {
    if (this.clock.mode !== 'manual') throw new ControlInputError('advanceTo/advanceBy need clock: "manual"; this simulator follows the wall clock');
    const target = toMs(time, 'advanceTo');
    if (target < this.model.now)
      throw new ControlInputError(`advanceTo: ${iso(target)} is before the simulator's time ${iso(this.model.now)}; the clock never goes back`);
    this.model.advanceTo(target);
    return new Date(this.model.now);
  }

  advanceBy(ms: number): Date {
    if (!Number.isFinite(ms) || ms < 0) throw new ControlInputError(`advanceBy: ${ms} must be a number of milliseconds >= 0`);
    return this.advanceTo(this.model.now + ms);
  }

  truthNow(): TruthNow {
    this.sync();
    const now = this.model.now;
    return {
      time: iso(now),
      queues: this.model.liveQueues().map((state) => {
        const { presenceIdCounts: _presenceIdCounts, active: _active, ...truth } = snapshotQueue(state, now);
        return truth;
      }),
    };
  }

  truthContacts(query: TruthContactsQuery): TruthContacts {
    this.sync();
    const since = toMs(query.since, 'since');
    const until = toMs(query.until, 'until');
    if (until < since) throw new ControlInputError(`until (${iso(until)}) is before since (${iso(since)})`);
    const contacts: ContactTruth[] = [];
    for (const contact of this.model.truth.between(since, until)) {
      if (query.queueId === undefined || contact.queueId === query.queueId) contacts.push(contactTruth(contact));
    }
    return { time: iso(this.model.now), since: iso(since), until: iso(until), contacts };
  }

  queues(): SimQueue[] {
    this.sync();
    return this.model.liveQueues().map((state) => {
      const q = state.queue;
      return {
        id: q.id,
        name: q.name,
        division: { id: q.division.id, name: q.division.name },
        media: q.traffic.map((t) => t.mediaType),
        serviceLevels: Object.fromEntries(MEDIA_TYPES.map((m) => [m, { ...q.mediaSettings[m].serviceLevel }])) as SimQueue['serviceLevels'],
        ...(state.campaignScenarioId === undefined ? {} : { campaignScenarioId: state.campaignScenarioId }),
      };
    });
  }

  startScenario(request: ScenarioRequest | unknown): ScenarioInfo {
    this.sync();
    return this.scenarios.start(parseScenarioRequest(request));
  }

  endScenario(id: string): boolean {
    this.sync();
    return this.scenarios.end(id);
  }

  endScenarios(): number {
    this.sync();
    return this.scenarios.endAll();
  }

  listScenarios(): ScenarioInfo[] {
    this.sync();
    return this.scenarios.list();
  }

  injectFault(request: FaultRequest | unknown): FaultInfo {
    const parsed = parseFaultRequest(request);
    const now = this.serviceNow();
    if (parsed.fault === 'revoke-tokens') this.tokens.revokeAll(now);
    if (parsed.fault === 'notification-socket-drop') this.notifications.dropSockets((parsed.refuseSeconds ?? 0) * 1000);
    if (parsed.fault === 'notification-socket-closing') this.notifications.warnClosing((parsed.graceSeconds ?? 5) * 1000);
    if (parsed.fault === 'notification-channel-expire') this.notifications.expireAll();
    if (parsed.fault === 'notification-malformed-message') this.notifications.sendMalformed();
    return this.faults.add(parsed, now);
  }

  clearFault(id: string): boolean {
    return this.faults.remove(id);
  }

  clearFaults(): number {
    return this.faults.clear();
  }

  listFaults(): FaultInfo[] {
    return this.faults.list(this.serviceNow());
  }

  requests(since?: Date | string | number): RequestLog {
    return { time: iso(this.serviceNow()), requests: this.requestLog.since(since === undefined ? undefined : toMs(since, 'since')) };
  }
}

function contactTruth(contact: Contact): ContactTruth {
  const waitMs = contactWaitMs(contact);
  return {
    id: contact.id,
    queueId: contact.queueId,
    mediaType: contact.mediaType,
    arrivedAt: iso(contact.arrivedAt),
    ...(contact.answeredAt === undefined ? {} : { answeredAt: iso(contact.answeredAt) }),
    ...(contact.abandonedAt === undefined ? {} : { abandonedAt: iso(contact.abandonedAt) }),
    outcome:
      contact.answeredAt !== undefined
        ? 'answered'
        : contact.abandonedAt !== undefined
          ? 'abandoned'
          : contact.flowedOutAt !== undefined
            ? 'flowed_out'
            : 'waiting',
    ...(waitMs === undefined ? {} : { waitMs }),
    slaTargetMs: contact.slaTargetMs,
    answeredWithinTarget: answeredWithinTarget(contact),
    ...(contact.shortAbandon === undefined ? {} : { shortAbandon: contact.shortAbandon }),
    ...(contact.flowedOutAt === undefined ? {} : { flowedOutAt: iso(contact.flowedOutAt) }),
    ...(contact.heldMs === undefined ? {} : { heldMs: contact.heldMs, holdEndedAt: iso(contact.holdEndedAt!) }),
    ...(contact.talkMs === undefined ? {} : { talkMs: contact.talkMs, disconnectedAt: iso(contact.disconnectedAt!) }),
    ...(contact.transfer === undefined ? {} : { transfer: contact.transfer }),
    ...(contact.endedAt === undefined ? {} : { acwMs: contact.acwMs!, handleMs: contactHandleMs(contact)!, endedAt: iso(contact.endedAt) }),
  };
}
