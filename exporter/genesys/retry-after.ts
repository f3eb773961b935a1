// Retry-After is delta-seconds or an HTTP-date (RFC 9110 §10.2.3); Genesys sends seconds.

/** Seconds to wait, or undefined when the header is absent or unreadable. */
export function parseRetryAfterSeconds(header: string | null, nowMs: number = Date.now()): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, (date - nowMs) / 1000);
}
