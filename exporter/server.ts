// The HTTP(S) server: /metrics (renders the registry; never calls the Genesys API), /-/healthy,
// /-/ready, a landing page at /. TLS and basic auth come from the web config and apply to every path,
// as in exporter-toolkit.
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { BasicAuthenticator } from './basic-auth.ts';
import type { ListenAddress } from './config.ts';
import type { Logger } from './log.ts';
import type { Readiness } from './readiness.ts';
import type { WebConfig } from './web-config.ts';

export interface ServerOptions {
  readonly listen: ListenAddress;
  readonly telemetryPath: string;
  readonly webConfig: WebConfig;
  readonly registry: Registry;
  /** /-/ready: 200, or 503 with the reason as the body. */
  readonly readiness: () => Readiness;
  readonly logger: Logger;
  /** One line on the landing page, e.g. "data from the embedded simulator". */
  readonly dataSource: string;
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
  const auth = new BasicAuthenticator(webConfig.basicAuthUsers);
  const handler = (request: IncomingMessage, response: ServerResponse): void => {
    for (const [name, value] of Object.entries(webConfig.headers)) response.setHeader(name, value);
    handle(request, response, options, auth).catch((error: unknown) => {
      logger.error('request failed', { path: request.url?.split('?')[0], error: error instanceof Error ? error.message : String(error) });
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end('internal error\n');
    });
  };
  const tls = webConfig.tls;
  const server: Server = tls
    ? createHttpsServer(
        {
          cert: tls.cert,
          key: tls.key,
          ca: tls.clientCa,
          minVersion: tls.minVersion,
          maxVersion: tls.maxVersion,
          requestCert: tls.clientAuth !== 'NoClientCert',
          rejectUnauthorized: tls.clientAuth === 'RequireAndVerifyClientCert' || tls.clientAuth === 'RequireAnyClientCert',
        },
        handler,
      )
    : createHttpServer(handler);

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
  logger.info('listening', { url, tls: tls !== undefined, basic_auth: auth.enabled, telemetry_path: options.telemetryPath });

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
  if (auth.enabled && !(await auth.verify(request.headers.authorization))) {
    response.writeHead(401, { 'www-authenticate': 'Basic realm="genesys-cloud-exporter"', 'content-type': 'text/plain' });
    response.end('Unauthorized\n');
    return;
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' });
    response.end('Method Not Allowed\n');
    return;
  }
  const path = new URL(request.url ?? '/', 'http://exporter').pathname;
  if (path === options.telemetryPath) {
    const body = await options.registry.metrics();
    response.writeHead(200, { 'content-type': options.registry.contentType });
    response.end(request.method === 'HEAD' ? undefined : body);
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
