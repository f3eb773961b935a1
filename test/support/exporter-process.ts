// Runs exporter/main.ts as a real child process (what `npm start` runs) and collects its log lines.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../../stack/wait-for.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ExporterProcess {
  readonly child: ChildProcess;
  /** Every stderr line so far (JSON log records). */
  readonly logLines: string[];
  readonly stdout: string[];
  /** The URL from the "listening" log record. */
  url(): Promise<string>;
  /** SIGTERM, then the exit code (SIGKILL after 20 s, so a hung exporter cannot hang the suite). */
  stop(): Promise<number | null>;
}

export function spawnExporter(args: readonly string[], env: Readonly<Record<string, string>>): ExporterProcess {
  // Neither our names (GENESYS_*) nor the Genesys CLI's (GENESYSCLOUD_*) may leak in from the shell running the tests.
  const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('GENESYS')));
  const child = spawn(process.execPath, ['--import', 'tsx', 'exporter/main.ts', ...args], {
    cwd: ROOT,
    env: { ...cleanEnv, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logLines: string[] = [];
  const stdout: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let pending = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    logLines.push(...lines.filter((line) => line !== ''));
  });
  child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk.toString('utf8')));
  return {
    child,
    logLines,
    stdout,
    url: () =>
      waitFor(
        'the exporter to log its listening URL',
        async () => {
          if (child.exitCode !== null) throw new Error(`exporter exited with ${child.exitCode}: ${logLines.join('\n')}`);
          const record = logLines.map((line) => JSON.parse(line) as { msg: string; url?: string }).find((r) => r.msg === 'listening');
          return record?.url;
        },
        { timeoutMs: 60_000 },
      ),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(kill);
      return code;
    },
  };
}
