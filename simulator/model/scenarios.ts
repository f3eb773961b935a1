// Scenarios switched on at run time (surge, agents-logoff, quiet, campaign). Each one pulls a lever of the
// traffic model when it starts and releases it when it ends (DELETE, or its durationSeconds elapsed).

import type { ScenarioInfo, ScenarioRequest } from '../control-types.ts';
import { MEDIA_DEFAULTS, type MediaSetting, type Queue } from '../org/model.ts';
import type { Random } from '../random.ts';
import { MEDIA_TYPES, type MediaType } from '../vocabulary.ts';
import type { AgentState, QueueState } from './runtime.ts';
import type { TrafficModel } from './traffic.ts';

/** A scenario request that names something that does not exist (HTTP 400 / thrown in process). */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
}

interface ActiveScenario {
  readonly info: ScenarioInfo;
  readonly end: () => void;
}

export class ScenarioEngine {
  private readonly active = new Map<string, ActiveScenario>();
  private nextId = 1;

  constructor(
    private readonly model: TrafficModel,
    private readonly random: Random,
  ) {}

  list(): ScenarioInfo[] {
    return [...this.active.values()].map((s) => s.info);
  }

  start(request: ScenarioRequest): ScenarioInfo {
    const id = `scenario-${this.nextId++}`;
    const end = this.apply(id, request);
    const now = this.model.now;
    const info: ScenarioInfo = {
      id,
      request,
      startedAt: new Date(now).toISOString(),
      ...(request.durationSeconds === undefined ? {} : { endsAt: new Date(now + request.durationSeconds * 1000).toISOString() }),
    };
    this.active.set(id, { info, end });
    if (request.durationSeconds !== undefined) this.model.schedule(now + request.durationSeconds * 1000, () => this.end(id));
    return info;
  }

  /** Ends one scenario; false if it is not active (already ended or unknown). */
  end(id: string): boolean {
    const scenario = this.active.get(id);
    if (scenario === undefined) return false;
    this.active.delete(id);
    scenario.end();
    return true;
  }

  endAll(): number {
    const ids = [...this.active.keys()];
    for (const id of ids) this.end(id);
    return ids.length;
  }

  private apply(id: string, request: ScenarioRequest): () => void {
    switch (request.scenario) {
      case 'surge': {
        const queue = this.requireQueue(request.queueId);
        if (request.mediaType !== undefined && !queue.media.has(request.mediaType)) {
          throw new ScenarioError(`surge: queue ${request.queueId} has no ${request.mediaType} traffic (it has ${[...queue.media.keys()].join(', ')})`);
        }
        this.model.scaleArrivals(queue, request.mediaType, request.factor);
        return () => this.model.scaleArrivals(queue, request.mediaType, 1 / request.factor);
      }
      case 'quiet':
        this.model.setQuiet(true);
        return () => this.model.setQuiet(false);
      case 'agents-logoff': {
        const pool = request.queueId === undefined ? this.model.agents() : this.requireQueue(request.queueId).members;
        const chosen = pool.slice(0, Math.ceil((request.fraction ?? 1) * pool.length));
        for (const agent of chosen) this.model.logOff(agent);
        return () => {
          for (const agent of chosen) this.model.logOn(agent);
        };
      }
      case 'campaign':
        return this.startCampaign(id, request);
    }
  }

  private startCampaign(id: string, request: Extract<ScenarioRequest, { scenario: 'campaign' }>): () => void {
    const mediaType: MediaType = request.mediaType ?? 'voice';
    const eligible = this.model.agents().filter((a) => a.media.has(mediaType));
    const live = new Set<QueueState>();
    let wave = 0;
    let rotation = 0;
    let ended = false;
    const createWave = (): void => {
      if (ended) return;
      wave++;
      for (let n = 1; n <= request.queues; n++) {
        const queue = this.campaignQueue(`Campaign ${id} wave ${wave} #${String(n).padStart(3, '0')}`, mediaType, request.arrivalsPerMinute ?? 1);
        const members: AgentState[] = [];
        for (let k = 0; k < Math.min(request.agentsPerQueue ?? 3, eligible.length); k++) members.push(eligible[rotation++ % eligible.length]!);
        const state = this.model.addQueue(queue, members, id);
        live.add(state);
        this.model.schedule(this.model.now + request.lifetimeSeconds * 1000, () => {
          this.model.deleteQueue(state);
          live.delete(state);
        });
      }
      if (request.everySeconds !== undefined) this.model.schedule(this.model.now + request.everySeconds * 1000, createWave);
    };
    createWave();
    return () => {
      ended = true;
      for (const state of live) this.model.deleteQueue(state);
      live.clear();
    };
  }

  private campaignQueue(name: string, mediaType: MediaType, arrivalsPerMinute: number): Queue {
    const defaults = MEDIA_DEFAULTS[mediaType];
    const mediaSettings = Object.fromEntries(
      MEDIA_TYPES.map((m) => [m, { serviceLevel: MEDIA_DEFAULTS[m].serviceLevel, alertingTimeoutSeconds: MEDIA_DEFAULTS[m].alertingTimeoutSeconds }]),
    ) as Record<MediaType, MediaSetting>;
    return {
      id: this.random.uuid(),
      name,
      division: this.model.org.divisions[0]!,
      traffic: [{ mediaType, arrivalsPerMinute, meanHandleMs: defaults.meanHandleSeconds * 1000, meanPatienceMs: defaults.meanPatienceSeconds * 1000 }],
      mediaSettings,
      dateCreated: this.model.now,
    };
  }

  private requireQueue(queueId: string): QueueState {
    const queue = this.model.queueState(queueId);
    if (queue === undefined) throw new ScenarioError(`unknown queueId "${queueId}" (GET /sim/queues lists the live queues)`);
    return queue;
  }
}
