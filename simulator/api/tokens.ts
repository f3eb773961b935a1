// Access tokens of the client-credentials grant: issued with a lifetime, checked on every API call,
// revocable. Only short hashes of tokens ever leave this file (request log).

import { createHash, randomBytes } from 'node:crypto';

export type TokenCheck = 'valid' | 'unknown' | 'expired' | 'revoked';

interface TokenRecord {
  readonly expiresAt: number;
  revoked: boolean;
}

/** Short, stable, non-reversible name of a token for logs and tests. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 12);
}

export class TokenStore {
  private readonly tokens = new Map<string, TokenRecord>();

  constructor(private readonly lifetimeSeconds: number) {}

  issue(now: number): { readonly token: string; readonly expiresInSeconds: number } {
    this.dropExpired(now);
    const token = randomBytes(48).toString('base64url');
    this.tokens.set(token, { expiresAt: now + this.lifetimeSeconds * 1000, revoked: false });
    return { token, expiresInSeconds: this.lifetimeSeconds };
  }

  check(token: string, now: number): TokenCheck {
    const record = this.tokens.get(token);
    if (record === undefined) return 'unknown';
    if (record.revoked) return 'revoked';
    return now >= record.expiresAt ? 'expired' : 'valid';
  }

  /** Revokes every token issued so far; returns how many were still valid. */
  revokeAll(now: number): number {
    let count = 0;
    for (const record of this.tokens.values()) {
      if (!record.revoked && now < record.expiresAt) count++;
      record.revoked = true;
    }
    return count;
  }

  /** Forgets tokens long expired (kept a while so an expired token is still told apart from an unknown one). */
  private dropExpired(now: number): void {
    for (const [token, record] of this.tokens) if (now >= record.expiresAt + 3_600_000) this.tokens.delete(token);
  }
}
