// The Go peer for the scrape benchmark: Debian's `prometheus-pushgateway` holding the same exposition text
// (pushed once), scraped like the exporter. Its CPU is read from /proc (it is a separate process), so the
// comparison is CPU per served scrape, server side, for both. Started on a free loopback port, without
// persistence, and stopped by the bench.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export const PUSHGATEWAY_BINARY = 'prometheus-pushgateway';

interface RunningPushgateway {
  readonly url: string;
  /** CPU seconds (user + system) the process has used so far. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/** Whether the binary is on PATH (the bench skips the peer's rows with a note otherwise). */
export function pushgatewayInstalled(): boolean {
  return spawnSync(PUSHGATEWAY_BINARY, ['--version'], { stdio: 'ignore' }).status === 0;
}

export async function startPushgateway(): Promise<RunningPushgateway> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(PUSHGATEWAY_BINARY, [`--web.listen-address=127.0.0.1:${port}`, '--persistence.file=', '--log.level=warn'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${PUSHGATEWAY_BINARY} exited with ${child.exitCode}: ${stderr.trim()}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${PUSHGATEWAY_BINARY} was not ready within 15 s on ${url}: ${stderr.trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const pid = child.pid!;
  const ticks = 100; // USER_HZ on Linux
  return {
    url,
    cpuSeconds: () => {
      // /proc/<pid>/stat: fields 14 and 15 (utime, stime), counted after the parenthesised command name.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) / ticks;
    },
    stop,
  };
}

/** Pushes the text as the group job="bench" (replacing it). */
export async function pushText(gateway: RunningPushgateway, text: string): Promise<void> {
  const reply = await fetch(`${gateway.url}/metrics/job/bench`, {
    method: 'PUT',
    headers: { 'content-type': 'text/plain; version=0.0.4' },
    body: text,
  });
  if (!reply.ok) throw new Error(`${PUSHGATEWAY_BINARY} refused the push: ${reply.status} ${(await reply.text()).slice(0, 500)}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
