// A protocol-exact stand-in for Genesys Cloud (login host + API host on one loopback port) whose
// responses a test can script call by call. It records every request with its arrival time and whether
// the bearer token it carried was valid then, so tests assert on what reached the "server".

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

export interface Scripted {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** An object is sent as JSON; a string as is. */
  readonly body?: unknown;
  /** Never answer (until the client gives up or the server closes). */
  readonly hang?: boolean;
  /** Send the headers and half the body, then stall. */
  readonly stallMidBody?: boolean;
  /** Answer after this many ms. */
  readonly delayMs?: number;
}

export interface RecordedRequest {
  readonly kind: 'login' | 'api';
  readonly method: string;
  readonly path: string;
  readonly url: URL;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  /** performance.now() at arrival (same clock as the client under test: same process). */
  readonly receivedAt: number;
  /** For API calls: the bearer token, and whether the fake had issued it and it was unexpired and unrevoked. */
  readonly token?: string;
  readonly tokenValid?: boolean;
  status?: number;
  respondedAt?: number;
}

export interface FakeGenesysOptions {
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly tokenLifetimeSeconds?: number;
  /** Script the n-th login call (1-based); undefined → a normal grant. */
  readonly login?: (n: number, request: RecordedRequest) => Scripted | undefined;
  /** Script the n-th API call (1-based, all paths); undefined → the default handlers. */
  readonly api?: (n: number, request: RecordedRequest) => Scripted | undefined | Promise<Scripted | undefined>;
  /** Queues served by GET /api/v2/routing/queues (default handler). */
  readonly queues?: readonly { id: string; name: string; division?: { id: string; name: string } }[];
}

export interface FakeGenesys {
  readonly url: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly requests: RecordedRequest[];
  readonly issuedTokens: string[];
  logins(): RecordedRequest[];
  apiCalls(): RecordedRequest[];
  /** Revoke every token issued so far: the next API call with one gets 401. */
  revokeAll(): void;
  /** Highest number of API requests the fake was answering at the same time. */
  readonly maxConcurrentApi: number;
  close(): Promise<void>;
}

const GENESYS_401 = { message: 'Invalid login credentials.', code: 'bad.credentials', status: 401, details: [], errors: [] };

export async function startFakeGenesys(options: FakeGenesysOptions = {}): Promise<FakeGenesys> {
  const clientId = options.clientId ?? 'fake-client-id';
  const clientSecret = options.clientSecret ?? `fake-secret-${randomUUID()}`;
  const lifetime = options.tokenLifetimeSeconds ?? 3600;
  const tokens = new Map<string, { expiresAt: number; revoked: boolean }>();
  const requests: RecordedRequest[] = [];
  const issuedTokens: string[] = [];
  let loginCount = 0;
  let apiCount = 0;
  let concurrentApi = 0;
  let maxConcurrentApi = 0;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void handle(req, res, Buffer.concat(chunks).toString('utf8'));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const kind = url.pathname === '/oauth/token' ? 'login' : 'api';
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const known = bearer === undefined ? undefined : tokens.get(bearer);
    const record: RecordedRequest = {
      kind,
      method: req.method ?? '',
      path: url.pathname,
      url,
      headers: req.headers,
      body,
      receivedAt: performance.now(),
      ...(kind === 'api' ? { token: bearer, tokenValid: known !== undefined && !known.revoked && Date.now() < known.expiresAt } : {}),
    };
    requests.push(record);
    if (kind === 'login') {
      loginCount += 1;
      return send(res, record, options.login?.(loginCount, record) ?? grant(req, body));
    }
    apiCount += 1;
    concurrentApi += 1;
    maxConcurrentApi = Math.max(maxConcurrentApi, concurrentApi);
    res.on('close', () => (concurrentApi -= 1));
    const scripted = await options.api?.(apiCount, record);
    if (scripted !== undefined) return send(res, record, scripted);
    if (!record.tokenValid) return send(res, record, { status: 401, body: GENESYS_401 });
    return send(res, record, defaultApi(record));
  }

  function grant(req: IncomingMessage, body: string): Scripted {
    const expected = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
    const form = new URLSearchParams(body);
    if (req.headers['content-type'] !== 'application/x-www-form-urlencoded' || form.get('grant_type') !== 'client_credentials') {
      return { status: 400, body: { error: 'invalid_request', description: 'grant_type missing', error_description: 'grant_type missing' } };
    }
    if (req.headers.authorization !== expected) {
      return { status: 401, body: { error: 'invalid_client', description: 'authentication failed', error_description: 'authentication failed' } };
    }
    const token = `tok-${randomUUID()}`;
    tokens.set(token, { expiresAt: Date.now() + lifetime * 1000, revoked: false });
    issuedTokens.push(token);
    return { status: 200, body: { access_token: token, token_type: 'bearer', expires_in: lifetime } };
  }

  function defaultApi(record: RecordedRequest): Scripted {
    if (record.path === '/api/v2/routing/queues') return queuePage(record.url, options.queues ?? []);
    if (record.path === '/api/v2/analytics/queues/observations/query') return { status: 200, body: observationsOf(record.body) };
    if (record.path === '/api/v2/analytics/conversations/aggregates/query') return { status: 200, body: {} };
    return { status: 404, body: { message: 'not found', code: 'not.found', status: 404 } };
  }

  function send(res: ServerResponse, record: RecordedRequest, scripted: Scripted): void {
    if (scripted.hang) return;
    const text = typeof scripted.body === 'string' ? scripted.body : scripted.body === undefined ? '' : JSON.stringify(scripted.body);
    const write = (): void => {
      if (res.destroyed) return;
      record.status = scripted.status;
      record.respondedAt = performance.now();
      res.writeHead(scripted.status, {
        'Content-Type': 'application/json',
        'ININ-Correlation-Id': randomUUID(),
        ...(scripted.stallMidBody ? { 'Content-Length': String(Buffer.byteLength(text)) } : {}),
        ...scripted.headers,
      });
      if (scripted.stallMidBody) res.write(text.slice(0, Math.floor(text.length / 2)));
      else res.end(text);
    };
    if (scripted.delayMs === undefined) write();
    else setTimeout(write, scripted.delayMs);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    clientId,
    clientSecret,
    requests,
    issuedTokens,
    logins: () => requests.filter((r) => r.kind === 'login'),
    apiCalls: () => requests.filter((r) => r.kind === 'api'),
    revokeAll: () => {
      for (const t of tokens.values()) t.revoked = true;
    },
    get maxConcurrentApi() {
      return maxConcurrentApi;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Genesys-style paging over `queues`, honouring pageSize, pageNumber, name (with *), divisionId and id. */
function queuePage(url: URL, all: NonNullable<FakeGenesysOptions['queues']>): Scripted {
  const pageSize = Number(url.searchParams.get('pageSize') ?? '25');
  const pageNumber = Number(url.searchParams.get('pageNumber') ?? '1');
  const name = url.searchParams.get('name');
  const divisions = url.searchParams.getAll('divisionId');
  const ids = url.searchParams.getAll('id');
  const pattern = name === null ? undefined : new RegExp(`^${name.split('*').map(escapeRegExp).join('.*')}$`, 'i');
  const matching = all.filter(
    (q) =>
      (pattern === undefined || pattern.test(q.name)) &&
      (divisions.length === 0 || (q.division !== undefined && divisions.includes(q.division.id))) &&
      (ids.length === 0 || ids.includes(q.id)),
  );
  const pageCount = Math.max(1, Math.ceil(matching.length / pageSize));
  const link = (n: number): string => {
    const next = new URL(url);
    next.searchParams.set('pageNumber', String(n));
    return `${next.pathname}${next.search}`;
  };
  return {
    status: 200,
    body: {
      entities: matching.slice((pageNumber - 1) * pageSize, pageNumber * pageSize),
      pageSize,
      pageNumber,
      total: matching.length,
      pageCount,
      firstUri: link(1),
      lastUri: link(pageCount),
      selfUri: link(pageNumber),
      ...(pageNumber < pageCount ? { nextUri: link(pageNumber + 1) } : {}),
    },
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** As Genesys answers: a user-metrics group for every queue asked for (zero counts included). */
function observationsOf(requestBody: string): unknown {
  const query = JSON.parse(requestBody) as { filter?: { predicates?: { dimension: string; value?: string }[] } };
  const ids = (query.filter?.predicates ?? []).filter((p) => p.dimension === 'queueId' && p.value !== undefined).map((p) => p.value!);
  return { results: ids.map((queueId) => ({ group: { queueId }, data: [{ metric: 'oMemberUsers', stats: { count: 0 } }] })) };
}
