// Whether a parsed value (JSON, YAML, a request body, a config override) is an object with keys: not
// null, not an array. The one check every reader of untyped input does before looking at a key; here once
// so that none forgets the array case (typeof [] is 'object').

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
