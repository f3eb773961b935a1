// POST /oauth/token: the client-credentials grant (Basic auth, form body), with login faults.

import { timingSafeEqual } from 'node:crypto';
import { oauthError, payloadTooLarge } from '../api/errors.ts';
import { tokenHash } from '../api/tokens.ts';
import type { RequestLogEntry } from '../control-types.ts';
import type { Simulation } from '../simulation.ts';
import { BodyTooLargeError, sleep, type Exchange } from './exchange.ts';

export interface Credentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Decodes `Basic base64(id:secret)` and compares the two parts as they are. RFC 6749 §2.3.1 asks clients
 * to form-urlencode id and secret before base64, but the official Genesys SDKs (JavaScript, Python, Go)
 * send them raw, and they are what the real login service is known to accept; so the simulator does
 * not URL-decode (a secret containing `%` or `+` would otherwise be compared altered).
 */
function basicCredentials(header: string | undefined): Credentials | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { clientId: decoded.slice(0, colon), clientSecret: decoded.slice(colon + 1) };
}

export async function handleLogin(ex: Exchange, sim: Simulation, credentials: Credentials, entry: RequestLogEntry): Promise<void> {
  const now = sim.serviceNow();
  const respond = (status: number, body: unknown): void => {
    entry.status = status;
    ex.sendJson(status, body);
  };
  const slow = sim.faults.take('slow', 'oauth_token', now);
  if (slow !== undefined) {
    entry.fault = 'slow';
    await sleep(slow.delayMs);
  }
  if (sim.faults.take('login-timeout', 'oauth_token', now) !== undefined) {
    entry.fault = 'login-timeout';
    return; // never answered: the client's timeout fires, or the connection is closed with the simulator
  }
  const fiveXx = sim.faults.take('login-5xx', 'oauth_token', now);
  if (fiveXx !== undefined) {
    const status = fiveXx.status ?? 503;
    entry.fault = 'login-5xx';
    entry.status = status;
    // A gateway in front of the login service answers HTML, not JSON.
    ex.sendRaw(status, `<html><head><title>${status}</title></head><body><h1>${status} Service Temporarily Unavailable</h1></body></html>`, 'text/html');
    return;
  }
  if (ex.method !== 'POST') return respond(405, oauthError('invalid_request', 'the token endpoint accepts POST only'));
  const contentType = ex.header('content-type') ?? '';
  if (!contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    return respond(400, oauthError('invalid_request', 'Content-Type must be application/x-www-form-urlencoded'));
  }
  let formText: string;
  try {
    formText = await ex.readBody();
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    const refusal = payloadTooLarge(error.message);
    entry.status = refusal.status;
    return ex.sendJson(refusal.status, refusal.body(ex.correlationId), refusal.headers);
  }
  const form = new URLSearchParams(formText);
  const grantType = form.get('grant_type');
  if (grantType !== 'client_credentials') {
    return respond(
      400,
      oauthError('unsupported_grant_type', `grant_type must be client_credentials, got ${grantType === null ? 'none' : JSON.stringify(grantType)}`),
    );
  }
  const given = basicCredentials(ex.header('authorization'));
  if (given === undefined || !sameText(given.clientId, credentials.clientId) || !sameText(given.clientSecret, credentials.clientSecret)) {
    return respond(401, oauthError('invalid_client', 'authentication failed'));
  }
  const { token, expiresInSeconds } = sim.tokens.issue(now);
  entry.issuedTokenHash = tokenHash(token);
  respond(200, { access_token: token, token_type: 'bearer', expires_in: expiresInSeconds });
}
