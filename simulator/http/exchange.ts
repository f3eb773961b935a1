// One HTTP request/response pair with the habits every simulator answer shares: an ININ-Correlation-Id
// on every response, a Date header from the (possibly offset) service clock, JSON bodies.

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const MAX_BODY_BYTES = 1_000_000;

export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

export class Exchange {
  readonly correlationId = randomUUID();
  readonly url: URL;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    /** Date shown in the Date header (epoch ms). */
    private readonly shownNow: () => number,
  ) {
    this.url = new URL(req.url ?? '/', 'http://simulator.invalid');
  }

  get method(): string {
    return this.req.method ?? 'GET';
  }

  /** Path with query string, as logged. */
  get pathWithQuery(): string {
    return this.url.pathname + this.url.search;
  }

  header(name: string): string | undefined {
    const value = this.req.headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
  }

  async readBody(): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of this.req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) throw new BodyTooLargeError(`request body above ${MAX_BODY_BYTES} bytes`);
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  sendJson(status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
    this.sendRaw(status, JSON.stringify(body), 'application/json', headers);
  }

  sendRaw(status: number, text: string, contentType: string, headers: Readonly<Record<string, string>> = {}): void {
    if (this.res.headersSent || this.res.destroyed) return;
    const payload = Buffer.from(text, 'utf8');
    this.res.writeHead(status, {
      'Content-Type': `${contentType}; charset=UTF-8`,
      'Content-Length': String(payload.length),
      'ININ-Correlation-Id': this.correlationId,
      Date: new Date(this.shownNow()).toUTCString(),
      ...headers,
    });
    this.res.end(payload);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
