// The simulated Genesys Cloud org as a child process (`npm run simulator`), started on a port the kernel
// picks (--port 0); its first stdout line says where it listens and which client credentials it accepts.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnManaged, type ManagedProcess } from './processes.ts';
import { waitFor, WaitAborted } from './wait-for.ts';
import { REPO_ROOT, tsNodeCommand } from './repo.ts';

export interface SimulatorEndpoint {
  readonly url: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface SimulatorProcessOptions {
  readonly workDir: string;
  readonly seed: number;
  /** An org file (YAML/JSON); the simulator's generated default org when undefined. */
  readonly orgFile?: string;
  readonly extraFlags?: readonly string[];
  readonly readyTimeoutMs?: number;
}

/** The CLI the stack runs (`npm run simulator`). */
export const SIMULATOR_SCRIPT = join(REPO_ROOT, 'simulator', 'main.ts');

function parseReadyLine(line: string): SimulatorEndpoint | undefined {
  try {
    const value = JSON.parse(line) as Partial<SimulatorEndpoint>;
    if (typeof value.url === 'string' && typeof value.clientId === 'string' && typeof value.clientSecret === 'string') {
      return { url: value.url, clientId: value.clientId, clientSecret: value.clientSecret };
    }
  } catch {
    // not JSON (yet): keep waiting, the error below shows what was printed
  }
  return undefined;
}

export async function startSimulatorProcess(options: SimulatorProcessOptions): Promise<{ endpoint: SimulatorEndpoint; process: ManagedProcess }> {
  const stdoutFile = join(options.workDir, 'simulator.out');
  const flags = [
    '--port',
    '0',
    '--seed',
    String(options.seed),
    ...(options.orgFile === undefined ? [] : ['--org', options.orgFile]),
    ...(options.extraFlags ?? []),
  ];
  const { command, args } = tsNodeCommand(SIMULATOR_SCRIPT, flags);
  const child = spawnManaged({ name: 'simulator', command, args, cwd: REPO_ROOT, logFile: join(options.workDir, 'simulator.log'), stdoutFile });
  const firstLine = (): string | undefined => {
    if (!existsSync(stdoutFile)) return undefined;
    const text = readFileSync(stdoutFile, 'utf8');
    return text.includes('\n') ? text.slice(0, text.indexOf('\n')) : undefined;
  };
  const endpoint = await waitFor(
    'the simulator to print its JSON ready line',
    async () => {
      const exited = child.exitStatus;
      if (exited !== undefined) throw new WaitAborted(`simulator exited (code ${exited.code}) before it was ready:\n${child.logTail()}`);
      const line = firstLine();
      if (line === undefined) return undefined;
      const parsed = parseReadyLine(line);
      if (parsed === undefined) throw new WaitAborted(`the first stdout line is not {"url","clientId","clientSecret"}: ${line.slice(0, 200)}`);
      return parsed;
    },
    {
      timeoutMs: options.readyTimeoutMs ?? 60_000,
      intervalMs: 100,
      describeLast: () => `stdout so far: ${firstLine() ?? '(nothing)'}; log: ${child.logTail(5)}`,
    },
  );
  return { endpoint, process: child };
}
