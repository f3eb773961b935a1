// The HTTP(S) server: /metrics (served from the exposition's cached bodies; never calls the Genesys API),
// /-/healthy, /-/ready, a landing page at /. TLS and basic auth come from the web config and apply to
// every path, as in exporter-toolkit. Limits keep hostile or broken clients from holding the process:
// a cap on open connections, deadlines for slow requests and idle sockets, and a throttle on bcrypt checks
// (basic-auth.ts).
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { BasicAuthenticator } from './basic-auth.ts';
import type { AuthLimits } from './basic-auth.ts';
import type { ListenAddress } from './config.ts';
import { negotiateEncoding } from './exposition/accept-encoding.ts';
import type { BodyEncoding, ScrapeBody } from './exposition/exposition.ts';
import type { Logger } from './log.ts';
import type { Readiness } from './readiness.ts';
import type { WebConfig } from './web-config.ts';

export interface ServerLimits {
  /** Open connections at most; further connections are closed at once (Node's server.maxConnections). */
  readonly maxConnections: number;
  /** A request's headers must arrive within this, or the client gets 408 and is disconnected. */
  readonly headersTimeoutMs: number;
  /** The whole request (headers and body) must arrive within this. */
  readonly requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  readonly keepAliveTimeoutMs: number;
  /** A connection with no traffic either way for this long (e.g. a client that stopped reading) is closed. */
  readonly idleTimeoutMs: number;
  /** With TLS, the handshake must complete within this. */
  readonly tlsHandshakeTimeoutMs: number;
}

/**
 * Sized for a few Prometheus replicas and people with browsers: Prometheus keeps one connection per target
 * and scrape loop, so 64 leaves room for a dozen scrapers plus health probes. A client gets 10 s to send its
 * request headers (a GET has no body), and a scrape of even a 10,000-queue org is sent well within the
 * 60 s of silence that closes a connection.
 */
const DEFAULT_SERVER_LIMITS: ServerLimits = {
  maxConnections: 64,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 60_000,
  tlsHandshakeTimeoutMs: 10_000,
};

/**
 * What /metrics serves: the Exposition itself (in process: tests, the bench's render rows), or the
 * finished bodies a collector thread posts (serving/served-bodies.ts: the exporter process).
 */
export interface ScrapeSource {
  readonly contentType: string;
  scrape(encoding: BodyEncoding): Promise<ScrapeBody>;
}

export interface ServerOptions {
  readonly listen: ListenAddress;
  readonly telemetryPath: string;
  readonly webConfig: WebConfig;
  readonly exposition: ScrapeSource;
  /** /-/ready: 200, or 503 with the reason as the body. */
  readonly readiness: () => Readiness;
  readonly logger: Logger;
  /** One line on the landing page, e.g. "data from the embedded simulator". */
  readonly dataSource: string;
  readonly limits?: Partial<ServerLimits>;
  readonly authLimits?: Partial<AuthLimits>;
}

export interface RunningServer {
  /** e.g. "https://127.0.0.1:40123" (the bound port, also when 0 was asked). */
  readonly url: string;
  close(): Promise<void>;
}

/** How long shutdown waits for in-flight requests before cutting connections. */
const SHUTDOWN_GRACE_MS = 5000;

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { webConfig, logger } = options;
  const limits: ServerLimits = { ...DEFAULT_SERVER_LIMITS, ...options.limits };
  const auth = new BasicAuthenticator(webConfig.basicAuthUsers, options.authLimits);
  const handler = (request: IncomingMessage, response: ServerResponse): void => {
    for (const [name, value] of Object.entries(webConfig.headers)) response.setHeader(name, value);
    handle(request, response, options, auth).catch((error: unknown) => {
      logger.error('request failed', { path: request.url?.split('?')[0], error: error instanceof Error ? error.message : String(error) });
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end('internal error\n');
    });
  };
  const httpOptions = {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs),
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // How often the two deadlines above are checked (Node's default, 30 s, would let them slip by that much).
    connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
  };
  const tls = webConfig.tls;
  const server: Server = tls
    ? createHttpsServer(
        {
          ...httpOptions,
          cert: tls.cert,
          key: tls.key,
          ca: tls.clientCa,
          minVersion: tls.minVersion,
          maxVersion: tls.maxVersion,
          requestCert: tls.clientAuth !== 'NoClientCert',
          rejectUnauthorized: tls.clientAuth === 'RequireAndVerifyClientCert' || tls.clientAuth === 'RequireAnyClientCert',
          handshakeTimeout: limits.tlsHandshakeTimeoutMs,
        },
        handler,
      )
    : createHttpServer(httpOptions, handler);
  server.maxConnections = limits.maxConnections;
  server.setTimeout(limits.idleTimeoutMs);
  let refusedLogged = 0;
  server.on('drop', () => {
    // Logged at most once a minute: a flood of refused connections must not become a flood of log lines.
    if (Date.now() - refusedLogged < 60_000) return;
    refusedLogged = Date.now();
    logger.warn('refusing connections: the connection limit is reached', { max_connections: limits.maxConnections });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.listen.port, options.listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `${tls ? 'https' : 'http'}://${host}:${address.port}`;
  logger.info('listening', {
    url,
    tls: tls !== undefined,
    basic_auth: auth.enabled,
    telemetry_path: options.telemetryPath,
    max_connections: limits.maxConnections,
  });

  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

async function handle(request: IncomingMessage, response: ServerResponse, options: ServerOptions, auth: BasicAuthenticator): Promise<void> {
  if (auth.enabled) {
    const result = await auth.check(request.headers.authorization);
    if (result === 'throttled') {
      response.writeHead(429, { 'retry-after': '1', 'content-type': 'text/plain' });
      response.end('Too many failed logins: credentials not checked, try again shortly\n');
      return;
    }
    if (result === 'denied') {
      response.writeHead(401, { 'www-authenticate': 'Basic realm="genesys-cloud-exporter"', 'content-type': 'text/plain' });
      response.end('Unauthorized\n');
      return;
    }
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' });
    response.end('Method Not Allowed\n');
    return;
  }
  const path = new URL(request.url ?? '/', 'http://exporter').pathname;
  if (path === options.telemetryPath) {
    const body = await options.exposition.scrape(negotiateEncoding(request.headers['accept-encoding']));
    response.writeHead(200, {
      'content-type': options.exposition.contentType,
      'content-length': body.bytes,
      vary: 'Accept-Encoding',
      ...(body.encoding === 'gzip' ? { 'content-encoding': 'gzip' } : {}),
    });
    // The chunks are the cached body itself: writing them queues references, it copies nothing; corked,
    // they leave in one writev instead of one system call per chunk.
    if (request.method !== 'HEAD') {
      response.cork();
      for (const chunk of body.chunks) response.write(chunk);
      response.uncork();
    }
    response.end();
  } else if (path === '/-/healthy') {
    text(response, 200, 'Healthy\n');
  } else if (path === '/-/ready') {
    const readiness = options.readiness();
    if (readiness.ready) text(response, 200, 'Ready\n');
    else text(response, 503, `Not ready: ${readiness.reason}\n`);
  } else if (path === '/') {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(landingPage(options.telemetryPath, options.dataSource));
  } else {
    text(response, 404, 'Not Found\n');
  }
}

function text(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  response.end(body);
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function landingPage(telemetryPath: string, dataSource: string): string {
  const link = escapeHtml(telemetryPath);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Genesys Cloud exporter</title></head>
<body>
<h1>Genesys Cloud exporter</h1>
<p>Prometheus metrics for Genesys Cloud CX queues. ${escapeHtml(dataSource)}</p>
<ul>
<li><a href="${link}">${link}</a>: metrics</li>
<li><a href="/-/healthy">/-/healthy</a>: the process is up</li>
<li><a href="/-/ready">/-/ready</a>: the first poll of the API succeeded</li>
</ul>
</body></html>
`;
}
