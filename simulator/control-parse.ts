// Checks scenario and fault requests that arrive as JSON (POST /sim/scenarios, /sim/faults) or from
// TypeScript callers; every error names the key and what was wrong.

import type { ApiEndpoint, FaultName, FaultRequest, ScenarioName, ScenarioRequest, SimEndpoint } from './control-types.ts';
import { MEDIA_TYPES } from './vocabulary.ts';

export class ControlInputError extends Error {
  override readonly name = 'ControlInputError';
}

const SCENARIOS: readonly ScenarioName[] = ['surge', 'agents-logoff', 'quiet', 'campaign'];
const FAULTS: readonly FaultName[] = [
  'rate-limit-storm',
  'login-5xx',
  'login-timeout',
  'api-5xx',
  'slow',
  'malformed-json',
  'truncated-json',
  'revoke-tokens',
  'clock-offset',
  'notification-socket-drop',
  'notification-socket-closing',
  'notification-channel-expire',
  'notification-topic-reject',
  'notification-malformed-message',
];
const API_ENDPOINTS: readonly ApiEndpoint[] = ['routing_queues', 'queue_observations', 'conversation_aggregates', 'notifications'];
/** Faults that act once when injected and are not kept. */
export const ONE_SHOT_FAULTS: readonly FaultName[] = [
  'revoke-tokens',
  'notification-socket-drop',
  'notification-socket-closing',
  'notification-channel-expire',
  'notification-malformed-message',
];
const ALL_ENDPOINTS: readonly SimEndpoint[] = ['oauth_token', ...API_ENDPOINTS];

type Fields = Record<string, unknown>;

/** Reads typed fields of one request object, collecting the keys it knows so that others are refused. */
class FieldReader {
  private readonly known = new Set<string>();
  constructor(
    private readonly fields: Fields,
    private readonly what: string,
  ) {}

  number(key: string, opts: { min?: number; max?: number; integer?: boolean; required?: boolean } = {}): number | undefined {
    this.known.add(key);
    const value = this.fields[key];
    if (value === undefined) {
      if (opts.required === true) throw new ControlInputError(`${this.what}: "${key}" is required`);
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new ControlInputError(`${this.what}: "${key}" must be a number, got ${JSON.stringify(value)}`);
    if (opts.integer === true && !Number.isInteger(value)) throw new ControlInputError(`${this.what}: "${key}" must be an integer, got ${value}`);
    if (opts.min !== undefined && value < opts.min) throw new ControlInputError(`${this.what}: "${key}" must be >= ${opts.min}, got ${value}`);
    if (opts.max !== undefined && value > opts.max) throw new ControlInputError(`${this.what}: "${key}" must be <= ${opts.max}, got ${value}`);
    return value;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], required = false): T | undefined {
    this.known.add(key);
    const value = this.fields[key];
    if (value === undefined && !required) return undefined;
    if (!(allowed as readonly unknown[]).includes(value))
      throw new ControlInputError(`${this.what}: "${key}" must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
    return value as T;
  }

  string(key: string, required: boolean): string | undefined {
    this.known.add(key);
    const value = this.fields[key];
    if (value === undefined) {
      if (required) throw new ControlInputError(`${this.what}: "${key}" is required`);
      return undefined;
    }
    if (typeof value !== 'string' || value === '') throw new ControlInputError(`${this.what}: "${key}" must be a non-empty string`);
    return value;
  }

  /** Refuses keys no reader asked for (a typo must not silently do nothing). */
  done(): void {
    for (const key of Object.keys(this.fields)) if (!this.known.has(key)) throw new ControlInputError(`${this.what}: unknown key "${key}"`);
  }
}

function asFields(value: unknown, what: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ControlInputError(`${what}: the body must be a JSON object`);
  return value as Fields;
}

const defined = <T extends object>(object: T): T => Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as T;

export function parseScenarioRequest(value: unknown): ScenarioRequest {
  const fields = asFields(value, 'scenario');
  const scenario = new FieldReader(fields, 'scenario').oneOf('scenario', SCENARIOS, true)!;
  const reader = new FieldReader(fields, `scenario "${scenario}"`);
  reader.oneOf('scenario', SCENARIOS, true);
  const durationSeconds = reader.number('durationSeconds', { min: 0.001 });
  let request: ScenarioRequest;
  switch (scenario) {
    case 'surge':
      request = {
        scenario,
        queueId: reader.string('queueId', true)!,
        factor: reader.number('factor', { min: 0, max: 1000, required: true })!,
        mediaType: reader.oneOf('mediaType', MEDIA_TYPES),
        durationSeconds,
      };
      if (request.factor === 0) throw new ControlInputError('scenario "surge": "factor" must be > 0 (use "quiet" for no traffic)');
      break;
    case 'agents-logoff':
      request = { scenario, queueId: reader.string('queueId', false), fraction: reader.number('fraction', { min: 0, max: 1 }), durationSeconds };
      break;
    case 'quiet':
      request = { scenario, durationSeconds };
      break;
    case 'campaign':
      request = {
        scenario,
        queues: reader.number('queues', { min: 1, max: 10_000, integer: true, required: true })!,
        lifetimeSeconds: reader.number('lifetimeSeconds', { min: 0.001, required: true })!,
        everySeconds: reader.number('everySeconds', { min: 1 }),
        arrivalsPerMinute: reader.number('arrivalsPerMinute', { min: 0 }),
        mediaType: reader.oneOf('mediaType', MEDIA_TYPES),
        agentsPerQueue: reader.number('agentsPerQueue', { min: 0, integer: true }),
        durationSeconds,
      };
      break;
  }
  reader.done();
  return defined(request);
}

export function parseFaultRequest(value: unknown): FaultRequest {
  const fields = asFields(value, 'fault');
  const fault = new FieldReader(fields, 'fault').oneOf('fault', FAULTS, true)!;
  const r = new FieldReader(fields, `fault "${fault}"`);
  r.oneOf('fault', FAULTS, true);
  const limits =
    ONE_SHOT_FAULTS.includes(fault) || fault === 'notification-topic-reject'
      ? {}
      : { durationSeconds: r.number('durationSeconds', { min: 0.001 }), count: r.number('count', { min: 1, integer: true }) };
  let request: FaultRequest;
  switch (fault) {
    case 'rate-limit-storm':
      request = {
        fault,
        retryAfterSeconds: r.number('retryAfterSeconds', { min: 1, max: 3600, integer: true }),
        endpoint: r.oneOf('endpoint', API_ENDPOINTS),
        ...limits,
      };
      break;
    case 'login-5xx':
      request = { fault, status: r.number('status', { min: 500, max: 599, integer: true }), ...limits };
      break;
    case 'login-timeout':
      request = { fault, ...limits };
      break;
    case 'api-5xx':
      request = { fault, endpoint: r.oneOf('endpoint', API_ENDPOINTS), status: r.number('status', { min: 500, max: 599, integer: true }), ...limits };
      break;
    case 'slow':
      request = { fault, delayMs: r.number('delayMs', { min: 0, max: 600_000, required: true })!, endpoint: r.oneOf('endpoint', ALL_ENDPOINTS), ...limits };
      break;
    case 'malformed-json':
    case 'truncated-json':
      request = { fault, endpoint: r.oneOf('endpoint', API_ENDPOINTS), ...limits };
      break;
    case 'revoke-tokens':
      request = { fault };
      break;
    case 'clock-offset':
      request = { fault, seconds: r.number('seconds', { min: -7 * 86400, max: 7 * 86400, required: true })!, ...limits };
      break;
    case 'notification-socket-drop':
      request = { fault, refuseSeconds: r.number('refuseSeconds', { min: 0, max: 3600 }) };
      break;
    case 'notification-channel-expire':
    case 'notification-malformed-message':
      request = { fault };
      break;
    case 'notification-socket-closing':
      request = { fault, graceSeconds: r.number('graceSeconds', { min: 0, max: 3600 }) };
      break;
    case 'notification-topic-reject':
      request = { fault, queueId: r.string('queueId', false), durationSeconds: r.number('durationSeconds', { min: 0.001 }) };
      break;
  }
  r.done();
  return defined(request);
}
