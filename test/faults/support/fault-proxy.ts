// A small fault proxy on loopback in front of the simulator: it forwards every request as is, except the
// ones a test's rule shapes (stall the body after the headers, answer something else, rewrite the JSON
// answer). It speaks real HTTP both ways and logs what reached it, so tests can assert "nothing after X".
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ProxyEndpoint = 'oauth_token' | 'routing_queues' | 'queue_observations' | 'conversation_aggregates' | 'other';

export type ProxyAction =
  | { readonly kind: 'pass' }
  /** Forward, then send the upstream's status and headers and half its body, and stall. */
  | { readonly kind: 'stall-body' }
  | { readonly kind: 'respond'; readonly status: number; readonly headers?: Readonly<Record<string, string>>; readonly body?: string }
  /** Forward, then rewrite the JSON answer (2xx only). */
  | { readonly kind: 'rewrite'; readonly edit: (json: unknown) => unknown };

export interface ProxiedRequest {
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly endpoint: ProxyEndpoint;
  readonly action: ProxyAction['kind'];
}

export interface FaultProxy {
  readonly url: string;
  readonly log: ProxiedRequest[];
  /** Decides what happens to each request; default: pass everything. */
  rule: (endpoint: ProxyEndpoint, request: IncomingMessage, body: string) => ProxyAction;
  close(): Promise<void>;
}

const PASS: ProxyAction = { kind: 'pass' };

export function endpointOf(path: string): ProxyEndpoint {
  if (path === '/oauth/token') return 'oauth_token';
  if (path === '/api/v2/routing/queues') return 'routing_queues';
  if (path === '/api/v2/analytics/queues/observations/query') return 'queue_observations';
  if (path === '/api/v2/analytics/conversations/aggregates/query') return 'conversation_aggregates';
  return 'other';
}

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const log: ProxiedRequest[] = [];
  const proxy: FaultProxy = { url: '', log, rule: () => PASS, close: async () => {} };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void handle(req, res, Buffer.concat(chunks).toString('utf8')).catch(() => res.destroy());
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://proxy.invalid').pathname;
    const endpoint = endpointOf(path);
    const action = proxy.rule(endpoint, req, body);
    log.push({ at: Date.now(), method: req.method ?? '', path, endpoint, action: action.kind });
    if (action.kind === 'respond') {
      res.writeHead(action.status, { 'Content-Type': 'application/json', ...action.headers });
      res.end(action.body ?? '');
      return;
    }
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.headers)) if (typeof value === 'string' && key !== 'host' && key !== 'content-length') headers[key] = value;
    const upstreamResponse = await fetch(`${upstream}${req.url ?? '/'}`, {
      method: req.method ?? 'GET',
      headers,
      ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body }),
      redirect: 'manual',
    });
    let text = await upstreamResponse.text();
    const outHeaders: Record<string, string> = {};
    upstreamResponse.headers.forEach((value, key) => {
      if (key !== 'content-length' && key !== 'transfer-encoding' && key !== 'content-encoding' && key !== 'connection') outHeaders[key] = value;
    });
    if (action.kind === 'rewrite' && upstreamResponse.status >= 200 && upstreamResponse.status < 300) text = JSON.stringify(action.edit(JSON.parse(text)));
    if (action.kind === 'stall-body') {
      res.writeHead(upstreamResponse.status, { ...outHeaders, 'Content-Length': String(Buffer.byteLength(text)) });
      res.write(text.slice(0, Math.floor(text.length / 2)));
      return;
    }
    res.writeHead(upstreamResponse.status, outHeaders);
    res.end(text);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(proxy, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
