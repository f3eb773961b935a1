// Deep-merges a partial override (from a file, a test, a CLI flag) into a typed config, checking every
// key against a schema of the same shape. Errors name the full key path and the mistake, because a
// wrong threshold that silently falls back to its default is a missed page.

import { parseDurationMs } from '../config/duration.ts';
import { isPlainObject } from '../lib/plain-object.ts';

/** How a leaf value is checked. `optional…` leaves accept null in an override to unset them. */
export type LeafKind =
  | 'duration'
  | 'count'
  | 'ratio'
  | 'seconds'
  | 'url'
  | 'optionalUrl'
  | 'path'
  | 'text'
  | 'optionalText'
  | 'weekdays'
  | 'clockRanges'
  | 'timeZone'
  | 'flag';

type LeafKindFor<V> = undefined extends V
  ? 'optionalUrl' | 'optionalText'
  : V extends number
    ? 'count' | 'ratio' | 'seconds'
    : V extends boolean
      ? 'flag'
      : 'duration' | 'url' | 'path' | 'text' | 'weekdays' | 'clockRanges' | 'timeZone';

/** Schema key of a map whose keys the user chooses (queue-name patterns, checked as regular expressions):
 * every entry has this shape. */
export const ANY_KEY = '*';

/** A schema mirrors its config: every key present, each leaf with a kind that fits its type; a map with
 * free keys (Record<string, V>) has one schema for all its entries under ANY_KEY. */
export type Schema<T> = string extends keyof T ? { readonly [ANY_KEY]: SchemaOf<T[keyof T]> } : { readonly [K in keyof T]-?: SchemaOf<T[K]> };
type SchemaOf<V> = NonNullable<V> extends string | number | boolean ? LeafKindFor<V> : Schema<NonNullable<V>>;

type SchemaNode = LeafKind | { readonly [key: string]: SchemaNode };

/** A map key that must be a regular expression (anchored by Prometheus like `=~`). */
function regexKeyProblem(key: string): string | undefined {
  if (key === '') return 'an empty pattern would match every queue';
  try {
    new RegExp(`^(?:${key})$`);
    return undefined;
  } catch (error) {
    return `${JSON.stringify(key)} is not a regular expression (${error instanceof Error ? error.message : String(error)})`;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/** Alertmanager's `weekdays`, comma-separated here: 'monday:friday' or 'monday:friday,saturday'. */
export function splitList(text: string): string[] {
  return text.split(',').map((part) => part.trim());
}

function weekdaysProblem(value: string): string | undefined {
  for (const part of splitList(value)) {
    const days = part.split(':');
    if (days.length > 2 || days.some((day) => !WEEKDAYS.includes(day))) {
      return `${describe(part)} is not a weekday or range of weekdays (e.g. "monday:friday,saturday", lower case)`;
    }
    // Alertmanager's week starts on Sunday and refuses a range that wraps around it.
    const [first = '', last = first] = days;
    if (WEEKDAYS.indexOf(last) < WEEKDAYS.indexOf(first)) {
      return `${describe(part)} runs backwards: the week starts on sunday (every day is "sunday:saturday"; a range over the weekend is two ranges)`;
    }
  }
  return undefined;
}

/** Alertmanager's `times`, written 'HH:MM-HH:MM', comma-separated: '08:00-12:00,13:00-18:00'. */
export function parseClockRanges(text: string): { start_time: string; end_time: string }[] | string {
  const ranges: { start_time: string; end_time: string }[] = [];
  for (const part of splitList(text)) {
    const match = /^([01]\d|2[0-3]):([0-5]\d)-(([01]\d|2[0-3]):[0-5]\d|24:00)$/.exec(part);
    const [start = '', end = ''] = part.split('-');
    if (match === null) return `${describe(part)} is not a range of times of day (e.g. "08:00-18:00", 24-hour clock, end up to 24:00)`;
    if (end <= start) return `${describe(part)} ends before it starts (a range over midnight is two ranges on two days)`;
    ranges.push({ start_time: start, end_time: end });
  }
  return ranges;
}

function clockRangesProblem(value: string): string | undefined {
  const parsed = parseClockRanges(value);
  return typeof parsed === 'string' ? parsed : undefined;
}

function timeZoneProblem(value: string): string | undefined {
  if (value === 'Local') return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return undefined;
  } catch {
    return `${describe(value)} is not an IANA time zone (e.g. "Europe/Berlin", "America/New_York", "UTC")`;
  }
}

/** Returns the problem with a leaf value, or undefined when it is fine. */
function leafProblem(kind: LeafKind, value: unknown): string | undefined {
  if (kind === 'count' || kind === 'ratio' || kind === 'seconds') {
    if (typeof value !== 'number' || !Number.isFinite(value)) return `expected a number, got ${describe(value)}`;
    if (value < 0) return `must not be negative, got ${value}`;
    if (kind === 'ratio' && value > 1) return `is a ratio between 0 and 1 (0.8 = 80 %), got ${value}`;
    if (kind === 'seconds' && value === 0) return 'must be more than 0 seconds';
    return undefined;
  }
  if (kind === 'flag') return typeof value === 'boolean' ? undefined : `expected true or false, got ${describe(value)}`;
  if (typeof value !== 'string') return `expected a string, got ${describe(value)}`;
  if (kind === 'duration') {
    const ms = parseDurationMs(value);
    if (ms === undefined) return `${describe(value)} is not a Prometheus duration (e.g. 30s, 5m, 1h30m)`;
    if (ms === 0) return 'must be longer than 0s';
    return undefined;
  }
  if (kind === 'url' || kind === 'optionalUrl') {
    return isHttpUrl(value) ? undefined : `${describe(value)} is not an http(s) URL`;
  }
  if (kind === 'weekdays') return weekdaysProblem(value);
  if (kind === 'clockRanges') return clockRangesProblem(value);
  if (kind === 'timeZone') return timeZoneProblem(value);
  if (kind === 'path') return value.startsWith('/') ? undefined : `${describe(value)} is not an absolute file path`;
  return value.trim() === '' ? 'must not be empty' : undefined;
}

function mergeNode(schema: SchemaNode, base: unknown, input: unknown, path: string): unknown {
  if (typeof schema === 'string') {
    if (input === null && schema.startsWith('optional')) return undefined;
    const problem = leafProblem(schema, input);
    if (problem !== undefined) throw new Error(`alerts config: ${path}: ${problem}`);
    return input;
  }
  if (!isPlainObject(input)) throw new Error(`alerts config: ${path || '(root)'}: expected an object, got ${describe(input)}`);
  const merged: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  const anyKey = schema[ANY_KEY];
  for (const [key, value] of Object.entries(input)) {
    const keyPath = path === '' ? key : `${path}.${key}`;
    if (anyKey !== undefined) {
      const problem = regexKeyProblem(key);
      if (problem !== undefined) throw new Error(`alerts config: ${keyPath}: ${problem}`);
      merged[key] = mergeNode(anyKey, merged[key] ?? {}, value, keyPath);
      continue;
    }
    const child = schema[key];
    if (child === undefined) {
      throw new Error(`alerts config: ${keyPath}: unknown key (expected one of: ${Object.keys(schema).join(', ')})`);
    }
    merged[key] = mergeNode(child, merged[key], value, keyPath);
  }
  return merged;
}

/** `base` with `input`'s keys merged in, every given value checked against `schema`. */
export function mergeOverride<T>(schema: Schema<T>, base: T, input: unknown): T {
  return mergeNode(schema as unknown as SchemaNode, base, input, '') as T;
}
