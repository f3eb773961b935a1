// HTTP basic authentication against bcrypt hashes (exporter-toolkit's basic_auth_users).
//
// bcrypt is slow by design (cost 10: ~70 ms of CPU here, in pure JavaScript on the event loop), so an
// unthrottled stream of wrong passwords would burn a core and delay every scrape. Therefore:
// - a successful check is cached (LRU, by a SHA-256 of user, password and stored hash, never the password
//   itself), so a scraper that authenticates every 15 s pays bcrypt once;
// - at most one bcrypt check runs at a time, and at most `maxWaiting` wait behind it;
// - failed checks spend a budget (token bucket: `failureBurst`, refilled at `failuresPerSecond`, defaults
//   in DEFAULT_AUTH_LIMITS); once it is spent, credentials that are not in the cache are answered
//   `throttled` (HTTP 429) without running bcrypt, until the budget refills. A scraper with good
//   credentials that are already cached is never affected; one whose credentials are not cached yet gets
//   429 for the seconds an attack lasts.
// Unknown users are checked against a dummy hash, so they cost (and tell) the same as a wrong password.
import { createHash } from 'node:crypto';
import bcrypt from 'bcryptjs';

type AuthResult = 'ok' | 'denied' | 'throttled';

export interface AuthLimits {
  /** Successful checks remembered (least recently used dropped first). */
  readonly cacheSize: number;
  /** Failed bcrypt checks allowed in a burst... */
  readonly failureBurst: number;
  /** ...and per second after it. */
  readonly failuresPerSecond: number;
  /** Checks that may wait behind the one running; more are throttled at once. */
  readonly maxWaiting: number;
}

const DEFAULT_AUTH_LIMITS: AuthLimits = { cacheSize: 256, failureBurst: 5, failuresPerSecond: 1, maxWaiting: 8 };

/** A cost-10 bcrypt hash of a string no password equals by accident; compared against for unknown users. */
const DUMMY_HASH = '$2b$10$cjvoTZREkqmXZF02RMs9W.Al/37RQdZzTdDpADToukOmZ5pSlQbH6';

export class BasicAuthenticator {
  readonly #users: ReadonlyMap<string, string>;
  readonly #limits: AuthLimits;
  /** Cache keys of verified credentials; a Map keeps insertion order, which makes it an LRU. */
  readonly #verified = new Map<string, true>();
  #failureTokens: number;
  #tokensAt = performance.now();
  #running: Promise<unknown> = Promise.resolve();
  #waiting = 0;
  #bcryptChecks = 0;

  constructor(users: ReadonlyMap<string, string>, limits: Partial<AuthLimits> = {}) {
    this.#users = users;
    this.#limits = { ...DEFAULT_AUTH_LIMITS, ...limits };
    this.#failureTokens = this.#limits.failureBurst;
  }

  get enabled(): boolean {
    return this.#users.size > 0;
  }

  /** bcrypt checks run so far (what the throttle and the cache keep low). */
  get bcryptChecks(): number {
    return this.#bcryptChecks;
  }

  /** Whether an Authorization header carries valid credentials. */
  async check(authorization: string | undefined): Promise<AuthResult> {
    const credentials = parseBasic(authorization);
    if (credentials === undefined) return 'denied';
    const hash = this.#users.get(credentials.user);
    const cacheKey = createHash('sha256')
      .update(`${credentials.user}\u0000${credentials.password}\u0000${hash ?? ''}`)
      .digest('hex');
    if (this.#cached(cacheKey)) return 'ok';
    if (this.#tokens() < 1 || this.#waiting >= this.#limits.maxWaiting) return 'throttled';

    this.#waiting++;
    const turn = this.#running.then(async (): Promise<AuthResult> => {
      this.#waiting--;
      // While this check waited, the same credentials may have been verified, or the budget spent.
      if (this.#cached(cacheKey)) return 'ok';
      if (this.#tokens() < 1) return 'throttled';
      this.#bcryptChecks++;
      const matches = await bcrypt.compare(credentials.password, hash ?? DUMMY_HASH);
      if (!matches || hash === undefined) {
        this.#failureTokens -= 1;
        return 'denied';
      }
      this.#remember(cacheKey);
      return 'ok';
    });
    this.#running = turn.catch(() => undefined);
    return turn;
  }

  #cached(key: string): boolean {
    if (!this.#verified.delete(key)) return false;
    this.#verified.set(key, true);
    return true;
  }

  #remember(key: string): void {
    this.#verified.set(key, true);
    if (this.#verified.size > this.#limits.cacheSize) this.#verified.delete(this.#verified.keys().next().value!);
  }

  #tokens(): number {
    const now = performance.now();
    const { failureBurst, failuresPerSecond } = this.#limits;
    this.#failureTokens = Math.min(failureBurst, this.#failureTokens + ((now - this.#tokensAt) / 1000) * failuresPerSecond);
    this.#tokensAt = now;
    return this.#failureTokens;
  }
}

function parseBasic(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
