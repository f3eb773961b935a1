// ISO-8601 instants, intervals ("start/end") and durations ("PT5M", "P1D") as the analytics API takes them.

import { badRequest } from './errors.ts';

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** Parses an ISO-8601 instant with a zone (Z or offset) to epoch ms; undefined if it is not one. */
export function parseInstant(text: string): number | undefined {
  if (!INSTANT.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

export function parseInterval(value: unknown, field: string): { start: number; end: number } {
  if (typeof value !== 'string') throw badRequest(`${field} is required: an ISO-8601 interval "start/end"`);
  const parts = value.split('/');
  const start = parts.length === 2 ? parseInstant(parts[0]!) : undefined;
  const end = parts.length === 2 ? parseInstant(parts[1]!) : undefined;
  if (start === undefined || end === undefined)
    throw badRequest(`${field} ${JSON.stringify(value)} is not an ISO-8601 interval "start/end" with zoned instants`);
  if (end <= start) throw badRequest(`${field} ${JSON.stringify(value)} ends before it starts`);
  return { start, end };
}

/** Parses weeks, days, hours, minutes and seconds; months and years have no fixed length and are refused. */
export function parseDuration(value: unknown, field: string): number {
  const match = typeof value === 'string' && value !== 'P' && !value.endsWith('T') ? DURATION.exec(value) : null;
  if (match === null) throw badRequest(`${field} ${JSON.stringify(value)} is not a supported ISO-8601 duration (e.g. PT1M, PT15M, PT1H, P1D)`);
  const [w, d, h, m, s] = match.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number, number];
  const ms = ((((w * 7 + d) * 24 + h) * 60 + m) * 60 + s) * 1000;
  if (ms === 0) throw badRequest(`${field} ${JSON.stringify(value)} must be longer than zero`);
  return ms;
}

export const iso = (ms: number): string => new Date(ms).toISOString();
