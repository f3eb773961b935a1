// HTTP basic authentication against bcrypt hashes (exporter-toolkit's basic_auth_users). bcrypt is slow
// by design, so a successful check is cached (by a hash of user, password and stored hash, never the
// password itself) to keep frequent scrapes cheap; failures are never cached.
import { createHash } from 'node:crypto';
import bcrypt from 'bcryptjs';

const CACHE_LIMIT = 64;
/** Compared against when the user does not exist, so unknown users cost as much as wrong passwords. */
const DUMMY_HASH = bcrypt.hashSync('not-a-user', 10);

export class BasicAuthenticator {
  readonly #users: ReadonlyMap<string, string>;
  readonly #verified = new Set<string>();

  constructor(users: ReadonlyMap<string, string>) {
    this.#users = users;
  }

  get enabled(): boolean {
    return this.#users.size > 0;
  }

  /** Whether an Authorization header carries valid credentials. */
  async verify(authorization: string | undefined): Promise<boolean> {
    const credentials = parseBasic(authorization);
    if (credentials === undefined) return false;
    const hash = this.#users.get(credentials.user);
    const cacheKey = createHash('sha256').update(`${credentials.user}\u0000${credentials.password}\u0000${hash ?? ''}`).digest('hex');
    if (hash !== undefined && this.#verified.has(cacheKey)) return true;
    const matches = await bcrypt.compare(credentials.password, hash ?? DUMMY_HASH);
    if (!matches || hash === undefined) return false;
    if (this.#verified.size >= CACHE_LIMIT) this.#verified.clear();
    this.#verified.add(cacheKey);
    return true;
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
