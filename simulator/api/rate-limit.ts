// Per-token request budget over a sliding minute, as Genesys applies to client-credentials tokens.
// A rejected request does not use budget; the Retry-After tells when the oldest counted request leaves
// the window.

const WINDOW_MS = 60_000;

export type RateDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

export class RateLimiter {
  private readonly windows = new Map<string, number[]>();

  constructor(private readonly perMinute: number) {}

  take(key: string, now: number): RateDecision {
    let times = this.windows.get(key);
    if (times === undefined) {
      times = [];
      this.windows.set(key, times);
    }
    let expired = 0;
    while (expired < times.length && times[expired]! <= now - WINDOW_MS) expired++;
    if (expired > 0) times.splice(0, expired);
    if (times.length >= this.perMinute) {
      const retryAfterSeconds = Math.max(1, Math.ceil((times[0]! + WINDOW_MS - now) / 1000));
      return { allowed: false, retryAfterSeconds };
    }
    times.push(now);
    return { allowed: true };
  }
}
