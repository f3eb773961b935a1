// Starts a delivered exporter (the installed bin, the image's entrypoint) as a child process, reads its
// URL from the "listening" log line, and stops it with SIGTERM, as a supervisor would.
import { spawn, spawnSync } from 'node:child_process';
import type { SpawnSyncReturns } from 'node:child_process';
import { waitFor, WaitAborted } from '../../../../stack/wait-for.ts';

export interface RunningBin {
  readonly logLines: string[];
  url(): Promise<string>;
  /** SIGTERM, then how it exited (SIGKILL after 20 s, so a hung process cannot hang the suite). */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The test's environment without any Genesys credentials from the shell running it. */
export function cleanEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  return { ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('GENESYS'))), ...extra };
}

export interface StartOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Run as this user and group (only when the test runs as root). */
  readonly uid?: number;
  readonly gid?: number;
}

export function startBin(command: string, args: readonly string[], options: StartOptions): RunningBin {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? cleanEnv(),
    uid: options.uid,
    gid: options.gid,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const logLines: string[] = [];
  let pending = '';
  child.stderr.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    logLines.push(...lines.filter((line) => line !== ''));
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    logLines,
    url: () =>
      waitFor(
        'the exporter to log its listening URL',
        async () => {
          if (child.exitCode !== null) throw new WaitAborted(`${command} exited with ${child.exitCode}:\n${logLines.join('\n')}`);
          for (const line of logLines) {
            if (!line.startsWith('{')) continue; // a crash's stack trace, not a log record
            const record = JSON.parse(line) as { msg?: string; url?: string };
            if (record.msg === 'listening' && record.url !== undefined) return record.url;
          }
          return undefined;
        },
        { timeoutMs: 60_000 },
      ),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const result = await exited;
      clearTimeout(kill);
      return result;
    },
  };
}

/** Runs a command to completion; throws with its output when it fails. */
export function run(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd: options.cwd, env: options.env ?? process.env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} (in ${options.cwd}) failed with ${result.status ?? result.signal}:\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}
