// The HTTP server: /oauth/token, /api/v2/..., /sim/...; anything else is a 404 with the generic body.
// API and login requests are logged (GET /sim/requests); /sim requests are not.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { notFound, payloadTooLarge } from '../api/errors.ts';
import { tokenHash } from '../api/tokens.ts';
import type { RequestLogEntry, SimEndpoint } from '../control-types.ts';
import type { Simulation } from '../simulation.ts';
import { bearerToken, findApiRoute, handleApi } from './api.ts';
import { handleControl } from './control.ts';
import { Exchange, MAX_BODY_BYTES } from './exchange.ts';
import { handleLogin, type Credentials } from './login.ts';

export type ServerErrorSink = (message: string, error: unknown) => void;

export function createSimulatorServer(sim: Simulation, credentials: Credentials, onError: ServerErrorSink): Server {
  // Idle keep-alive connections stay open 65 s, as behind the cloud load balancers real APIs sit behind
  // (60 s idle). Node's default, 5 s, races the clients' own keep-alive timers (undici's fetch keeps an idle
  // socket about 4 s): a request sent on a socket just as the server closes it fails with ECONNRESET, which
  // showed in tests whose event loop was busy past both timers.
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    let clockOffsetMs = 0;
    const ex = new Exchange(req, res, () => sim.serviceNow() + clockOffsetMs);
    const path = ex.url.pathname;
    const isLogin = path === '/oauth/token';
    const isApi = path.startsWith('/api/');
    const handle = async (): Promise<void> => {
      if (path.startsWith('/sim/')) return handleControl(ex, sim);
      const endpoint: SimEndpoint | null = isLogin ? 'oauth_token' : (findApiRoute(path)?.endpoint ?? null);
      const offset = sim.faults.take('clock-offset', endpoint ?? 'routing_queues', sim.serviceNow());
      clockOffsetMs = offset === undefined ? 0 : offset.seconds * 1000;
      const token = bearerToken(ex.header('authorization'));
      const entry: RequestLogEntry = sim.requestLog.add({
        time: new Date(sim.serviceNow()).toISOString(),
        method: ex.method,
        path: ex.pathWithQuery,
        endpoint,
        status: null,
        tokenPresented: token !== undefined,
        ...(token === undefined ? {} : { tokenHash: tokenHash(token) }),
        correlationId: ex.correlationId,
        ...(offset === undefined ? {} : { fault: 'clock-offset' as const }),
      });
      if (ex.declaresOversizedBody && (isLogin || isApi)) {
        // Refused before token checks and faults, as a gateway in front of the service would.
        const refusal = payloadTooLarge(
          `The request body (Content-Length ${ex.header('content-length') ?? '?'}) is above the limit of ${MAX_BODY_BYTES} bytes.`,
        );
        entry.status = refusal.status;
        ex.req.resume();
        return ex.sendJson(refusal.status, refusal.body(ex.correlationId), refusal.headers);
      }
      if (isLogin) return handleLogin(ex, sim, credentials, entry);
      if (isApi) return handleApi(ex, sim, entry, clockOffsetMs);
      const error = notFound(path);
      entry.status = error.status;
      ex.sendJson(error.status, error.body(ex.correlationId));
    };
    handle().catch((error: unknown) => {
      onError(`unexpected error answering ${ex.method} ${path}`, error);
      ex.sendJson(500, {
        message: 'The simulator failed to answer this request.',
        code: 'internal.server.error',
        status: 500,
        contextId: ex.correlationId,
        details: [],
        errors: [],
      });
    });
  });
  // Notification WebSockets (connectUri ws://<host>/channels/<id>) share the port, as in Genesys' streaming host.
  server.on('upgrade', (req, socket, head) => sim.notifications.handleUpgrade(req, socket, head));
  return server;
}

export async function listen(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${shownHost}:${address.port}`;
}
