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

  /** The declared Content-Length is above MAX_BODY_BYTES: answer 413 without reading the body. */
  get declaresOversizedBody(): boolean {
    const declared = Number(this.header('content-length') ?? 0);
    return Number.isFinite(declared) && declared > MAX_BODY_BYTES;
  }

  /**
   * The request body as text; BodyTooLargeError past MAX_BODY_BYTES (a chunked body has no declared
   * length). The rest of an oversized body is read and dropped rather than the socket destroyed, so the
   * client, still sending, receives the 413 instead of a connection reset.
   */
  readBody(): Promise<string> {
    const tooLarge = (): BodyTooLargeError => new BodyTooLargeError(`The request body is above the limit of ${MAX_BODY_BYTES} bytes.`);
    if (this.declaresOversizedBody) {
      this.req.resume();
      return Promise.reject(tooLarge());
    }
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const onData = (chunk: Buffer): void => {
        size += chunk.length;
        if (size <= MAX_BODY_BYTES) return void chunks.push(chunk);
        this.req.off('data', onData).off('end', onEnd);
        this.req.resume();
        chunks.length = 0;
        reject(tooLarge());
      };
      const onEnd = (): void => resolve(Buffer.concat(chunks).toString('utf8'));
      this.req.on('data', onData).once('end', onEnd).once('error', reject);
    });
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

/**
 * A response delay (the `slow` fault). Unref'd: a delayed answer to a client that is gone must not keep a
 * process alive after the simulator has closed (a test worker would wait out a 30 s fault); an open server
 * keeps the simulator's own process alive anyway.
 */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());
