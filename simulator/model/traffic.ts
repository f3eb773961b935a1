// The contact-center traffic model: a seeded discrete-event simulation on a virtual clock. Poisson
// arrivals per queue and media, routing to the longest-idle member agent, alerting, handling, customer
// patience, and agents cycling through routing statuses. `advanceTo` processes every event up to a time;
// the same seed and the same calls give the same history however the time steps are cut.

import type { Agent, Org, Queue } from '../org/model.ts';
import type { Random } from '../random.ts';
import { OFF_QUEUE_PRESENCES, type MediaType, type RoutingStatus, type SystemPresence } from '../vocabulary.ts';
import type { Contact, TransferKind } from './contact.ts';
import { EventQueue } from './event-queue.ts';
import { WaitingLine, type AgentState, type MediaState, type QueueState } from './runtime.ts';
import { TruthStore } from './truth-store.ts';

type ModelEvent =
  | { readonly kind: 'arrival'; readonly queue: QueueState; readonly media: MediaState; readonly generation: number }
  | { readonly kind: 'abandon'; readonly contact: Contact; readonly media: MediaState }
  | {
      readonly kind: 'alert-end';
      readonly agent: AgentState;
      readonly contact: Contact;
      readonly queue: QueueState;
      readonly media: MediaState;
      readonly answered: boolean;
    }
  | { readonly kind: 'flow-out'; readonly contact: Contact; readonly media: MediaState }
  | { readonly kind: 'hold-end'; readonly contact: Contact; readonly heldMs: number }
  | {
      readonly kind: 'talk-end';
      readonly agent: AgentState;
      readonly contact: Contact;
      readonly media: MediaState;
      readonly talkMs: number;
      readonly acwMs: number;
      readonly transfer: TransferKind | undefined;
    }
  | { readonly kind: 'handle-end'; readonly agent: AgentState; readonly contact: Contact; readonly media: MediaState; readonly acwMs: number }
  | { readonly kind: 'shift'; readonly agent: AgentState; readonly shiftVersion: number }
  | { readonly kind: 'status'; readonly agent: AgentState; readonly version: number; readonly to: 'COMMUNICATING' | 'AVAILABLE' }
  | { readonly kind: 'call'; readonly run: () => void };

const MINUTE = 60_000;
const DELETED_QUEUE_LINGER_MS = 12 * 3_600_000;

export interface TrafficModelOptions {
  /** How long ground truth is kept (ms of simulated time). */
  readonly retentionMs: number;
}

export class TrafficModel {
  private readonly events = new EventQueue<ModelEvent>();
  private readonly queueStates = new Map<string, QueueState>();
  private readonly agentStates: AgentState[];
  private readonly maxHourlyFactor: number;
  private quietCount = 0;
  private nowMs: number;
  readonly truth: TruthStore;

  constructor(
    readonly org: Org,
    private readonly random: Random,
    startTime: number,
    options: TrafficModelOptions,
  ) {
    this.nowMs = startTime;
    this.truth = new TruthStore(options.retentionMs);
    this.maxHourlyFactor = Math.max(0, ...org.hourlyFactors);
    for (const queue of org.queues) this.addQueueState(queue, undefined);
    this.agentStates = org.agents.map((agent) => this.createAgentState(agent));
    const b = org.behaviour;
    const onShare = b.meanOnQueueMinutes / (b.meanOnQueueMinutes + b.meanOffQueueMinutes);
    for (const agent of this.agentStates) {
      if (this.random.chance(onShare)) this.goOnQueue(agent);
      else this.goOff(agent, this.random.pick(OFF_QUEUE_PRESENCES));
    }
    for (const state of this.queueStates.values()) for (const media of state.media.values()) this.scheduleArrival(state, media);
  }

  get now(): number {
    return this.nowMs;
  }

  /** Processes every event up to `time` (epoch ms). A time in the past is a no-op: the clock never goes back. */
  advanceTo(time: number): void {
    for (let next = this.events.peekTime(); next !== undefined && next <= time; next = this.events.peekTime()) {
      const { time: at, event } = this.events.pop()!;
      this.nowMs = at;
      this.handle(event);
    }
    if (time > this.nowMs) this.nowMs = time;
    this.truth.prune(this.nowMs);
  }

  /** Runs `run` at `time` in model order (scenario ends, campaign waves). */
  schedule(time: number, run: () => void): void {
    this.events.push(Math.max(time, this.nowMs), { kind: 'call', run });
  }

  /** Live queues in creation order. */
  liveQueues(): QueueState[] {
    return [...this.queueStates.values()].filter((q) => !q.deleted);
  }

  queueState(queueId: string): QueueState | undefined {
    const state = this.queueStates.get(queueId);
    return state?.deleted === false ? state : undefined;
  }

  agents(): readonly AgentState[] {
    return this.agentStates;
  }

  // ---- levers for scenarios ------------------------------------------------------------------------

  /** Multiplies (or, with 1/factor, restores) the arrival rate of a queue's media. */
  scaleArrivals(queue: QueueState, mediaType: MediaType | undefined, factor: number): void {
    for (const media of queue.media.values()) {
      if (mediaType !== undefined && media.traffic.mediaType !== mediaType) continue;
      media.surge *= factor;
      this.rescheduleArrival(queue, media);
    }
  }

  setQuiet(on: boolean): void {
    this.quietCount += on ? 1 : -1;
    for (const state of this.queueStates.values()) for (const media of state.media.values()) this.rescheduleArrival(state, media);
  }

  logOff(agent: AgentState): void {
    agent.loggedOffBy++;
    if (agent.loggedOffBy === 1 && agent.status !== 'INTERACTING') this.goOff(agent, 'OFFLINE');
  }

  logOn(agent: AgentState): void {
    agent.loggedOffBy = Math.max(0, agent.loggedOffBy - 1);
    if (agent.loggedOffBy === 0 && agent.status === 'OFF_QUEUE' && agent.presence === 'OFFLINE') this.goOnQueue(agent);
  }

  /** Adds a queue with traffic and member agents (campaigns). */
  addQueue(queue: Queue, members: readonly AgentState[], campaignScenarioId: string): QueueState {
    const state = this.addQueueState(queue, campaignScenarioId);
    for (const agent of members) {
      agent.queues.push(state);
      state.members.push(agent);
    }
    for (const media of state.media.values()) this.scheduleArrival(state, media);
    for (const agent of members) if (agent.status === 'IDLE') this.takeWork(agent);
    return state;
  }

  /** Deletes a queue: it leaves the API, gets no arrivals, and the contacts still waiting are disconnected
   * (recorded as abandoned); conversations already at an agent finish normally. */
  deleteQueue(state: QueueState): void {
    if (state.deleted) return;
    state.deleted = true;
    for (const agent of state.members) agent.queues = agent.queues.filter((q) => q !== state);
    for (const media of state.media.values()) {
      media.generation++;
      for (const contact of [...media.line.waiting()]) this.abandon(contact, media);
    }
    // Forget it once its conversations in progress have surely ended, so endless campaigns stay bounded.
    this.schedule(this.nowMs + DELETED_QUEUE_LINGER_MS, () => this.queueStates.delete(state.queue.id));
  }

  // ---- events ----------------------------------------------------------------------------------------

  private handle(event: ModelEvent): void {
    switch (event.kind) {
      case 'arrival':
        this.onArrival(event.queue, event.media, event.generation);
        return;
      case 'abandon':
        if (event.contact.state === 'waiting') this.abandon(event.contact, event.media);
        return;
      case 'alert-end':
        this.onAlertEnd(event.agent, event.contact, event.queue, event.media, event.answered);
        return;
      case 'flow-out':
        if (event.contact.state === 'waiting') {
          this.flowOut(event.contact);
          event.media.line.count--;
        }
        return;
      case 'hold-end':
        event.contact.heldMs = event.heldMs;
        event.contact.holdEndedAt = this.nowMs;
        return;
      case 'talk-end':
        this.onTalkEnd(event.agent, event.contact, event.media, event.talkMs, event.acwMs, event.transfer);
        return;
      case 'handle-end':
        this.onHandleEnd(event.agent, event.contact, event.media, event.acwMs);
        return;
      case 'shift':
        this.onShift(event.agent, event.shiftVersion);
        return;
      case 'status':
        this.onStatusTimer(event.agent, event.version, event.to);
        return;
      case 'call':
        event.run();
        return;
    }
  }

  private onArrival(queue: QueueState, media: MediaState, generation: number): void {
    if (generation !== media.generation || queue.deleted) return;
    // Thinning: candidates come at the peak rate, and are kept with probability rate(t) / peak rate.
    const hourly = this.org.hourlyFactors[Math.floor(this.nowMs / 3_600_000) % 24] ?? 1;
    if (this.random.next() * this.maxHourlyFactor < hourly) this.arrive(queue, media);
    this.scheduleArrival(queue, media);
  }

  private arrive(queue: QueueState, media: MediaState): void {
    const setting = queue.queue.mediaSettings[media.traffic.mediaType];
    const b = this.org.behaviour;
    const flowOutAt = this.random.chance(b.flowOutProbability) ? Math.round(this.nowMs + this.random.exponential(b.meanFlowOutSeconds * 1000)) : undefined;
    const contact: Contact = {
      id: this.random.uuid(),
      sessionId: this.random.uuid(),
      queueId: queue.queue.id,
      divisionId: queue.queue.division.id,
      mediaType: media.traffic.mediaType,
      arrivedAt: this.nowMs,
      abandonAt: Math.round(this.nowMs + this.random.exponential(media.traffic.meanPatienceMs)),
      slaTargetMs: setting.serviceLevel.durationMs,
      slaPercentage: setting.serviceLevel.percentage,
      flowOutAt,
      state: 'waiting',
    };
    this.truth.add(contact);
    media.line.push(contact);
    this.events.push(contact.abandonAt, { kind: 'abandon', contact, media });
    if (flowOutAt !== undefined && flowOutAt < contact.abandonAt) this.events.push(flowOutAt, { kind: 'flow-out', contact, media });
    this.routeLine(queue, media);
  }

  private onAlertEnd(agent: AgentState, contact: Contact, queue: QueueState, media: MediaState, answered: boolean): void {
    media.alerting--;
    if (answered) {
      contact.state = 'interacting';
      contact.answeredAt = this.nowMs;
      contact.agentId = agent.agent.id;
      media.interacting++;
      this.planHandling(agent, contact, media);
      return;
    }
    agent.contact = undefined;
    this.setStatus(agent, 'NOT_RESPONDING');
    this.events.push(this.nowMs + this.random.exponential(this.org.behaviour.meanNotRespondingSeconds * 1000), {
      kind: 'status',
      agent,
      version: agent.version,
      to: 'AVAILABLE',
    });
    if (queue.deleted || this.nowMs >= contact.abandonAt) {
      this.markAbandoned(contact);
      return;
    }
    if (contact.flowOutAt !== undefined && this.nowMs >= contact.flowOutAt) {
      this.flowOut(contact);
      return;
    }
    contact.state = 'waiting';
    media.line.reinsert(contact);
    this.routeLine(queue, media);
  }

  /**
   * Splits the handle time (the media's mean, as before) into talk, an optional hold in the middle of the
   * talk, and after-call work, and schedules their ends; whole milliseconds, as Genesys timers are.
   */
  private planHandling(agent: AgentState, contact: Contact, media: MediaState): void {
    const b = this.org.behaviour;
    const half = media.traffic.meanHandleMs / 2;
    const handleMs = Math.max(3, Math.round(this.random.exponential(half) + this.random.exponential(half)));
    const acwMs = Math.max(1, Math.round(handleMs * this.random.uniform(0.05, 0.25)));
    const heldMs = this.random.chance(b.holdProbability) ? Math.max(1, Math.round(handleMs * this.random.uniform(0.05, 0.3))) : 0;
    const talkMs = handleMs - acwMs - heldMs;
    const transfer: TransferKind | undefined = this.random.chance(b.transferProbability)
      ? this.random.chance(b.blindTransferShare)
        ? 'blind'
        : 'consult'
      : undefined;
    if (heldMs > 0) this.events.push(this.nowMs + Math.floor(talkMs / 2) + heldMs, { kind: 'hold-end', contact, heldMs });
    this.events.push(this.nowMs + talkMs + heldMs, { kind: 'talk-end', agent, contact, media, talkMs, acwMs, transfer });
  }

  /** The customer is gone (hung up, or transferred away): the talk posts, after-call work begins. */
  private onTalkEnd(agent: AgentState, contact: Contact, media: MediaState, talkMs: number, acwMs: number, transfer: TransferKind | undefined): void {
    contact.state = 'wrap-up';
    contact.talkMs = talkMs;
    contact.disconnectedAt = this.nowMs;
    if (transfer !== undefined) contact.transfer = transfer;
    this.events.push(this.nowMs + acwMs, { kind: 'handle-end', agent, contact, media, acwMs });
  }

  private onHandleEnd(agent: AgentState, contact: Contact, media: MediaState, acwMs: number): void {
    contact.state = 'ended';
    contact.acwMs = acwMs;
    contact.endedAt = this.nowMs;
    media.interacting--;
    agent.contact = undefined;
    this.agentFree(agent);
  }

  private onShift(agent: AgentState, shiftVersion: number): void {
    if (shiftVersion !== agent.shiftVersion || agent.loggedOffBy > 0) return;
    if (agent.status === 'OFF_QUEUE') this.goOnQueue(agent);
    else if (agent.status === 'INTERACTING') agent.offAfterContact = true;
    else this.goOff(agent, this.random.pick(OFF_QUEUE_PRESENCES));
  }

  private onStatusTimer(agent: AgentState, version: number, to: 'COMMUNICATING' | 'AVAILABLE'): void {
    if (version !== agent.version) return;
    if (to === 'AVAILABLE') {
      this.agentFree(agent);
      return;
    }
    if (agent.status !== 'IDLE') return;
    this.setStatus(agent, 'COMMUNICATING');
    this.events.push(this.nowMs + this.random.exponential(this.org.behaviour.meanNonAcdSeconds * 1000), {
      kind: 'status',
      agent,
      version: agent.version,
      to: 'AVAILABLE',
    });
  }

  // ---- routing and agents ----------------------------------------------------------------------------

  private abandon(contact: Contact, media: MediaState): void {
    this.markAbandoned(contact);
    media.line.count--;
  }

  private markAbandoned(contact: Contact): void {
    contact.state = 'abandoned';
    contact.abandonedAt = this.nowMs;
    // Shorter than the org's threshold (an abandon exactly at it is not short).
    contact.shortAbandon = contact.abandonedAt - contact.arrivedAt < this.org.behaviour.shortAbandonSeconds * 1000;
  }

  /** The in-queue flow moves a waiting (or just unanswered) contact out of the queue. */
  private flowOut(contact: Contact): void {
    contact.state = 'flowed-out';
    contact.flowedOutAt = this.nowMs;
  }

  /** Offers the oldest waiting contacts of a line to idle members while there are both. */
  private routeLine(queue: QueueState, media: MediaState): void {
    for (let contact = media.line.oldest(); contact !== undefined; contact = media.line.oldest()) {
      const agent = this.longestIdleAgent(queue, media.traffic.mediaType);
      if (agent === undefined) return;
      this.offer(agent, contact, queue, media);
    }
  }

  private longestIdleAgent(queue: QueueState, mediaType: MediaType): AgentState | undefined {
    let best: AgentState | undefined;
    for (const agent of queue.members) {
      if (agent.status === 'IDLE' && agent.media.has(mediaType) && (best === undefined || agent.idleSince < best.idleSince)) best = agent;
    }
    return best;
  }

  private offer(agent: AgentState, contact: Contact, queue: QueueState, media: MediaState): void {
    media.line.take(contact);
    contact.state = 'alerting';
    media.alerting++;
    agent.contact = contact;
    this.setStatus(agent, 'INTERACTING');
    const timeoutMs = queue.queue.mediaSettings[contact.mediaType].alertingTimeoutSeconds * 1000;
    const answered = !this.random.chance(this.org.behaviour.notRespondingProbability);
    const ringMs = answered ? Math.min(300 + this.random.exponential(this.org.behaviour.meanAlertSeconds * 1000), timeoutMs - 100) : timeoutMs;
    this.events.push(this.nowMs + ringMs, { kind: 'alert-end', agent, contact, queue, media, answered });
  }

  /** An agent whose interaction or status timer ended: idle, or off queue if that was pending. */
  private agentFree(agent: AgentState): void {
    if (agent.loggedOffBy > 0) this.goOff(agent, 'OFFLINE');
    else if (agent.offAfterContact) this.goOff(agent, this.random.pick(OFF_QUEUE_PRESENCES));
    else this.becomeIdle(agent);
  }

  private becomeIdle(agent: AgentState): void {
    this.setStatus(agent, 'IDLE');
    this.setPresence(agent, 'ON_QUEUE');
    agent.idleSince = this.nowMs;
    if (this.takeWork(agent)) return;
    this.events.push(this.nowMs + this.random.exponential(this.org.behaviour.meanMinutesBetweenNonAcdCalls * MINUTE), {
      kind: 'status',
      agent,
      version: agent.version,
      to: 'COMMUNICATING',
    });
  }

  /** Offers the agent the oldest contact waiting in any of its queues and media. */
  private takeWork(agent: AgentState): boolean {
    let best: { contact: Contact; queue: QueueState; media: MediaState } | undefined;
    for (const queue of agent.queues) {
      for (const media of queue.media.values()) {
        if (!agent.media.has(media.traffic.mediaType)) continue;
        const contact = media.line.oldest();
        if (contact !== undefined && (best === undefined || contact.arrivedAt < best.contact.arrivedAt)) best = { contact, queue, media };
      }
    }
    if (best === undefined) return false;
    this.offer(agent, best.contact, best.queue, best.media);
    return true;
  }

  private goOnQueue(agent: AgentState): void {
    agent.shiftVersion++;
    agent.offAfterContact = false;
    this.becomeIdle(agent);
    this.events.push(this.nowMs + this.random.exponential(this.org.behaviour.meanOnQueueMinutes * MINUTE), {
      kind: 'shift',
      agent,
      shiftVersion: agent.shiftVersion,
    });
  }

  private goOff(agent: AgentState, presence: SystemPresence): void {
    this.setStatus(agent, 'OFF_QUEUE');
    this.setPresence(agent, presence);
    agent.offAfterContact = false;
    agent.shiftVersion++;
    if (presence === 'OFFLINE') return; // back only when the logoff scenario ends
    this.events.push(this.nowMs + this.random.exponential(this.org.behaviour.meanOffQueueMinutes * MINUTE), {
      kind: 'shift',
      agent,
      shiftVersion: agent.shiftVersion,
    });
  }

  /** An agent picks one of the org's presences under the system presence (a secondary one, such as "Coffee" for BREAK, at random). */
  private setPresence(agent: AgentState, presence: SystemPresence): void {
    const ids = this.org.presenceIds[presence];
    agent.presence = presence;
    agent.presenceId = ids.length === 1 ? ids[0] : this.random.pick(ids);
  }

  private setStatus(agent: AgentState, status: RoutingStatus): void {
    agent.status = status;
    agent.version++;
  }

  // ---- arrivals --------------------------------------------------------------------------------------

  private peakRatePerMs(media: MediaState): number {
    if (this.quietCount > 0) return 0;
    return (media.traffic.arrivalsPerMinute / MINUTE) * this.maxHourlyFactor * media.surge;
  }

  private scheduleArrival(queue: QueueState, media: MediaState): void {
    const rate = this.peakRatePerMs(media);
    if (rate <= 0 || queue.deleted) return;
    this.events.push(this.nowMs + this.random.exponential(1 / rate), { kind: 'arrival', queue, media, generation: media.generation });
  }

  /** Arrivals are memoryless, so after a rate change the next one is simply drawn again from now. */
  private rescheduleArrival(queue: QueueState, media: MediaState): void {
    media.generation++;
    this.scheduleArrival(queue, media);
  }

  private addQueueState(queue: Queue, campaignScenarioId: string | undefined): QueueState {
    const media = new Map<MediaType, MediaState>();
    for (const traffic of queue.traffic)
      media.set(traffic.mediaType, { traffic, line: new WaitingLine(), alerting: 0, interacting: 0, surge: 1, generation: 0 });
    const state: QueueState = { queue, media, members: [], deleted: false, ...(campaignScenarioId === undefined ? {} : { campaignScenarioId }) };
    this.queueStates.set(queue.id, state);
    return state;
  }

  private createAgentState(agent: Agent): AgentState {
    const queues = agent.queueIds.map((id) => this.queueStates.get(id)!);
    const state: AgentState = {
      agent,
      media: new Set(agent.media),
      queues,
      status: 'OFF_QUEUE',
      presence: 'OFFLINE',
      presenceId: this.org.presenceIds.OFFLINE[0],
      version: 0,
      shiftVersion: 0,
      idleSince: this.nowMs,
      offAfterContact: false,
      loggedOffBy: 0,
    };
    for (const queue of queues) queue.members.push(state);
    return state;
  }
}
