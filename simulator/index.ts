// startSimulator: a simulated Genesys Cloud org served over HTTP (login and API on one base URL), with
// in-process access to the same control and ground-truth functions as /sim/... (see README.md).

import { randomBytes } from 'node:crypto';
import type { Logger } from '../exporter/log.ts';
import { silentLogger } from '../exporter/log.ts';
import type {
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
import { ControlInputError } from './control-parse.ts';
import type { ClockMode } from './clock.ts';
import { createSimulatorServer, listen } from './http/server.ts';
import { parseOrgDefinition, type OrgDefinition, type OrgSize } from './org/definition.ts';
import { loadOrgFile } from './org/load.ts';
import type { Org } from './org/model.ts';
import { resolveOrg } from './org/resolve.ts';
import { createRandom } from './random.ts';
import { Simulation } from './simulation.ts';

export type * from './control-types.ts';
export type { OrgDefinition, OrgSize } from './org/definition.ts';
export { OrgDefinitionError } from './org/definition.ts';

export interface SimulatorOptions {
  /** TCP port; 0 (default) picks a free one. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Seed of the org (ids, names) and of the traffic. Default 1. */
  readonly seed?: number | string;
  /** An org definition, or the path of a YAML/JSON file holding one. Default: a generated org (`orgSize`). */
  readonly org?: OrgDefinition | string;
  /** Sizes of the generated org when `org` is not given (default 8 queues, 2 divisions, 5 arrivals/min, ~40 agents). */
  readonly orgSize?: Partial<OrgSize>;
  /** Lifetime of issued tokens (default 86400). */
  readonly tokenLifetimeSeconds?: number;
  /** Requests per minute per token (default 300). */
  readonly rateLimitPerMinute?: number;
  /** OAuth client credentials the simulator accepts (default: generated). */
  readonly clientId?: string;
  readonly clientSecret?: string;
  /** 'realtime' (default): the model follows the wall clock. 'manual': time moves only by advanceTo/advanceBy. */
  readonly clock?: ClockMode;
  /** Simulated seconds per wall second in realtime mode (default 1). */
  readonly speed?: number;
  /** Model time at start (default: now; with a manual clock, now rounded down to the minute). */
  readonly startTime?: Date | string | number;
  /** Traffic simulated before the start, so queues and history are busy from the first request (default 1800). */
  readonly warmupSeconds?: number;
  /** How long ground truth (every contact) is kept, in simulated hours (default 3). */
  readonly truthRetentionHours?: number;
  /** Interval of heartbeats on notification WebSockets, seconds (default 30, as Genesys). */
  readonly notificationHeartbeatSeconds?: number;
  /** Where unexpected server errors are logged (default: nowhere). */
  readonly logger?: Logger;
}

export interface SimulatorHandle {
  /** Base URL of login (`/oauth/token`) and API (`/api/v2/...`), e.g. http://127.0.0.1:40123. */
  readonly url: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The generated org (queue ids, names, divisions, agents). */
  readonly org: Org;
  readonly clock: ClockMode;
  /** Stops the server (held connections included). */
  close(): Promise<void>;
  /** The simulator's time. */
  now(): Date;
  /** Manual clock only: runs the model up to `time` / by `ms`. */
  advanceTo(time: Date | string | number): Date;
  advanceBy(ms: number): Date;
  truthNow(): TruthNow;
  truthContacts(query: TruthContactsQuery): TruthContacts;
  queues(): SimQueue[];
  startScenario(request: ScenarioRequest): ScenarioInfo;
  endScenario(id: string): boolean;
  endScenarios(): number;
  scenarios(): ScenarioInfo[];
  injectFault(request: FaultRequest): FaultInfo;
  clearFault(id: string): boolean;
  clearFaults(): number;
  faults(): FaultInfo[];
  requests(since?: Date | string | number): RequestLog;
}

function positive(name: string, value: number | undefined, fallback: number, min = Number.MIN_VALUE): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min)
    throw new ControlInputError(`simulator option ${name} must be a number >= ${min}, got ${String(value)}`);
  return v;
}

function startTimeOf(options: SimulatorOptions, clock: ClockMode): number {
  if (options.startTime === undefined) return clock === 'manual' ? Math.floor(Date.now() / 60_000) * 60_000 : Date.now();
  const ms =
    options.startTime instanceof Date ? options.startTime.getTime() : typeof options.startTime === 'number' ? options.startTime : Date.parse(options.startTime);
  if (!Number.isFinite(ms)) throw new ControlInputError(`simulator option startTime ${JSON.stringify(options.startTime)} is not a valid time`);
  return ms;
}

/** Builds the simulation without serving it (what startSimulator serves). */
export function createSimulation(options: SimulatorOptions = {}): Simulation {
  const seed = options.seed ?? 1;
  const random = createRandom(seed);
  const clock = options.clock ?? 'realtime';
  if (clock !== 'realtime' && clock !== 'manual')
    throw new ControlInputError(`simulator option clock must be "realtime" or "manual", got ${JSON.stringify(clock)}`);
  const startTime = startTimeOf(options, clock);
  const definition: OrgDefinition =
    typeof options.org === 'string'
      ? loadOrgFile(options.org)
      : options.org !== undefined
        ? parseOrgDefinition(options.org, 'the org option')
        : parseOrgDefinition({ generate: { ...options.orgSize } }, 'the orgSize option');
  const org = resolveOrg(definition, random.fork('org'), startTime, typeof options.org === 'string' ? options.org : 'the org option');
  return new Simulation({
    org,
    random,
    clock,
    startTime,
    warmupMs: positive('warmupSeconds', options.warmupSeconds, 1800, 0) * 1000,
    speed: positive('speed', options.speed, 1),
    retentionMs: positive('truthRetentionHours', options.truthRetentionHours, 3) * 3_600_000,
    tokenLifetimeSeconds: positive('tokenLifetimeSeconds', options.tokenLifetimeSeconds, 86_400, 1),
    rateLimitPerMinute: Math.floor(positive('rateLimitPerMinute', options.rateLimitPerMinute, 300, 1)),
    notificationHeartbeatMs: positive('notificationHeartbeatSeconds', options.notificationHeartbeatSeconds, 30, 0.01) * 1000,
  });
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const sim = createSimulation(options);
  const clientId = options.clientId ?? `sim-${randomBytes(8).toString('hex')}`;
  const clientSecret = options.clientSecret ?? randomBytes(24).toString('base64url');
  const logger = options.logger ?? silentLogger;
  const server = createSimulatorServer(sim, { clientId, clientSecret }, (message, error) =>
    logger.error(message, { error: error instanceof Error ? error.message : String(error) }),
  );
  const url = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  sim.notifications.setBaseUrl(url);
  // Keeps the model close to the wall clock between requests (each request also catches it up).
  const ticker = sim.clockMode === 'realtime' ? setInterval(() => sim.sync(), 1000) : undefined;
  ticker?.unref();
  let closing: Promise<void> | undefined;
  return {
    url,
    clientId,
    clientSecret,
    org: sim.model.org,
    clock: sim.clockMode,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        if (ticker !== undefined) clearInterval(ticker);
        sim.notifications.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
    now: () => sim.now(),
    advanceTo: (time) => sim.advanceTo(time),
    advanceBy: (ms) => sim.advanceBy(ms),
    truthNow: () => sim.truthNow(),
    truthContacts: (query) => sim.truthContacts(query),
    queues: () => sim.queues(),
    startScenario: (request) => sim.startScenario(request),
    endScenario: (id) => sim.endScenario(id),
    endScenarios: () => sim.endScenarios(),
    scenarios: () => sim.listScenarios(),
    injectFault: (request) => sim.injectFault(request),
    clearFault: (id) => sim.clearFault(id),
    clearFaults: () => sim.clearFaults(),
    faults: () => sim.listFaults(),
    requests: (since) => sim.requests(since),
  };
}
