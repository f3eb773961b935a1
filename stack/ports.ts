// Free TCP ports for the stack's processes. The kernel picks them (bind to port 0), so two stacks on one
// machine — two test runs, a test run and a demo — never ask for the same port. Prometheus and
// Alertmanager take their port on the command line, so the port is released before they bind it; the
// kernel hands ephemeral ports out round-robin, not the one just released, which keeps that window harmless.

import { createServer, type Server } from 'node:net';

export const LOOPBACK = '127.0.0.1';

function listenOnAnyPort(): Promise<Server> {
  const server = createServer();
  server.unref();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: LOOPBACK, port: 0, exclusive: true }, () => resolve(server));
  });
}

/** `count` distinct free ports on 127.0.0.1. All are held until every one is known, so none repeats. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, listenOnAnyPort));
  const ports = servers.map((server) => {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('freePorts: a port-0 listener has no TCP address');
    return address.port;
  });
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  return ports;
}

export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  if (port === undefined) throw new Error('freePort: no port returned');
  return port;
}

export function httpUrl(port: number): string {
  return `http://${LOOPBACK}:${port}`;
}
