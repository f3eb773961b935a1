// Tiny structural checks for API responses. A body that is valid JSON but not the documented shape (a
// proxy's HTML error page as 200, a truncated object) fails here with a message naming the bad path,
// which the caller turns into MalformedResponseError.

import { isPlainObject } from '../../lib/plain-object.ts';

/** Thrown by the `expect…` helpers; carries the path of the offending value, e.g. `results[3].group`. */
export class ShapeError extends Error {}

export type JsonObject = Readonly<Record<string, unknown>>;

export function expectObject(value: unknown, path: string): JsonObject {
  if (!isPlainObject(value)) throw new ShapeError(`${path} should be an object, got ${describe(value)}`);
  return value;
}

/** A missing array is an empty one: Genesys leaves out empty lists (e.g. `{}` for an aggregate with no data). */
export function expectOptionalArray(value: unknown, path: string): readonly unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ShapeError(`${path} should be an array, got ${describe(value)}`);
  return value;
}

export function expectString(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new ShapeError(`${path} should be a string, got ${describe(value)}`);
  return value;
}

export function expectNumber(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ShapeError(`${path} should be a number, got ${describe(value)}`);
  return value;
}

/** A count or duration: a finite number ≥ 0 (a string "12", NaN or -1 is a wrong shape, not a value). */
export function expectCount(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ShapeError(`${path} should be a finite number ≥ 0, got ${typeof value === 'number' ? String(value) : describe(value)}`);
  }
  return value;
}

export function optionalCount(value: unknown, path: string): number | undefined {
  return value === undefined || value === null ? undefined : expectCount(value, path);
}

export function optionalString(value: unknown, path: string): string | undefined {
  return value === undefined || value === null ? undefined : expectString(value, path);
}

export function optionalNumber(value: unknown, path: string): number | undefined {
  return value === undefined || value === null ? undefined : expectNumber(value, path);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
