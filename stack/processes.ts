// Child processes of the stack: spawned with their output in a log file, waited for by polling an HTTP
// endpoint (bounded), stopped with SIGTERM then SIGKILL, and tracked in one registry that stops whatever
// is still running when the parent exits, is interrupted, or a test fails.
//
// Each child gets its own process group (`detached`), so stopping it also stops anything it spawned,
// and a Ctrl-C in the terminal reaches only the parent, which then stops the children in order.

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { watchForOrphaning } from '../exporter/orphan-watch.ts';

export interface ProcessSpec {
  /** Short name for logs and errors: 'exporter', 'prometheus'. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** stderr (and stdout, unless stdoutFile is given) is appended here. */
  readonly logFile: string;
  /** A separate file for stdout, for programs whose first stdout line is machine-readable. */
  readonly stdoutFile?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
}

export type ExitStatus = { readonly code: number | null; readonly signal: NodeJS.Signals | null };

export class ManagedProcess {
  readonly exited: Promise<ExitStatus>;
  #exitStatus: ExitStatus | undefined;

  constructor(
    readonly spec: ProcessSpec,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#exitStatus = { code, signal };
        resolve(this.#exitStatus);
      });
    });
  }

  get name(): string {
    return this.spec.name;
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.name}: the process has no pid (spawn failed)`);
    return this.child.pid;
  }

  /** How it exited, or undefined while it runs. */
  get exitStatus(): ExitStatus | undefined {
    return this.#exitStatus;
  }

  /** The last lines of its log, for error messages. */
  logTail(lines = 30): string {
    try {
      return readFileSync(this.spec.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** Sends a signal to the whole process group; false if it had already exited. */
  signal(signal: NodeJS.Signals): boolean {
    if (this.#exitStatus !== undefined) return false;
    try {
      process.kill(-this.pid, signal);
      return true;
    } catch {
      return false;
    }
  }

  /** SIGTERM, then SIGKILL if it is still running after `graceMs`. Resolves once it has exited. */
  async stop(graceMs = 10_000): Promise<ExitStatus> {
    if (this.#exitStatus !== undefined) return this.#exitStatus;
    this.signal('SIGTERM');
    const grace = new AbortController();
    const timer = sleep(graceMs, 'timeout' as const, { signal: grace.signal }).catch(() => 'exited' as const);
    const first = await Promise.race([this.exited, timer]);
    grace.abort(); // a pending grace timer would keep the parent alive for graceMs after a clean stop
    if (first === 'timeout') this.signal('SIGKILL');
    return this.exited;
  }
}

/** Every child the stack started and has not yet seen exit. */
class ProcessRegistry {
  readonly #running = new Set<ManagedProcess>();
  #handlersInstalled = false;
  #signalsInstalled = false;

  add(managed: ManagedProcess): void {
    this.#installHandlers();
    this.#running.add(managed);
    void managed.exited.then(() => this.#running.delete(managed));
  }

  get running(): readonly ManagedProcess[] {
    return [...this.#running];
  }

  /** Stops everything still running, most recently started first (the exporter before the simulator). */
  async stopAll(graceMs = 10_000): Promise<void> {
    for (const managed of [...this.#running].reverse()) await managed.stop(graceMs);
  }

  /**
   * On SIGINT/SIGTERM: run `cleanup` (default: stop every child), then exit 130/143 like an unhandled
   * signal would. Installed once; both `npm run stack` and the e2e tests use it.
   */
  exitOnSignals(cleanup: () => Promise<void> = () => this.stopAll()): void {
    if (this.#signalsInstalled) return;
    this.#signalsInstalled = true;
    const onSignal = (signal: NodeJS.Signals, code: number): void => {
      void cleanup()
        .catch((error: unknown) => process.stderr.write(`cleanup after ${signal} failed: ${String(error)}\n`))
        .finally(() => process.exit(code));
    };
    process.once('SIGINT', () => onSignal('SIGINT', 130));
    process.once('SIGTERM', () => onSignal('SIGTERM', 143));
    // `npm run stack` killed with SIGTERM exits without passing the signal on (npm 11 stops its `sh -c`
    // and leaves the script running). Our parent then vanishes and we are re-parented: treat that like
    // SIGTERM, so nothing is left running. (npm scripts run `node --import tsx …`, not the tsx CLI, so the
    // parent is npm's shell, not a tsx wrapper that would itself be orphaned and keep us alive.)
    watchForOrphaning(() => onSignal('SIGTERM', 143));
  }

  #installHandlers(): void {
    if (this.#handlersInstalled) return;
    this.#handlersInstalled = true;
    // 'exit' handlers must be synchronous: SIGKILL is the only thing left to do there.
    process.once('exit', () => {
      for (const managed of this.#running) managed.signal('SIGKILL');
    });
  }
}

export const processRegistry = new ProcessRegistry();

/** Starts a child with its output appended to `spec.logFile` and registers it for cleanup. */
export function spawnManaged(spec: ProcessSpec): ManagedProcess {
  const log = openSync(spec.logFile, 'a');
  const out = spec.stdoutFile === undefined ? log : openSync(spec.stdoutFile, 'a');
  try {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', out, log],
      detached: true,
    });
    const managed = new ManagedProcess(spec, child);
    child.once('error', (error) => {
      // A missing binary surfaces here (ENOENT); keep it in the log where waitForHttp's error points.
      process.stderr.write(`${spec.name}: could not start ${spec.command}: ${error.message}\n`);
    });
    processRegistry.add(managed);
    return managed;
  } finally {
    closeSync(log); // the child holds its own descriptors
    if (out !== log) closeSync(out);
  }
}

export interface WaitForHttpOptions {
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  /** Fail early, with its log, if this process exits while we wait. */
  readonly process?: ManagedProcess;
  /** What counts as ready; default: a 2xx status. */
  readonly ready?: (status: number, body: string) => boolean;
}

/** Polls `url` until it answers as ready. Errors name the url, the last failure and the process's log. */
export async function waitForHttp(url: string, options: WaitForHttpOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const ready = options.ready ?? ((status: number) => status >= 200 && status < 300);
  let lastProblem = 'no attempt yet';
  while (Date.now() < deadline) {
    const exited = options.process?.exitStatus;
    if (exited !== undefined) {
      throw new Error(
        `${options.process?.name} exited (code ${exited.code}, signal ${exited.signal}) before ${url} was ready.\n` +
          `Last lines of ${options.process?.spec.logFile}:\n${options.process?.logTail()}`,
      );
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(Math.max(1000, deadline - Date.now())) });
      const body = await response.text();
      if (ready(response.status, body)) return;
      lastProblem = `status ${response.status}: ${body.slice(0, 200)}`;
    } catch (error) {
      lastProblem = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    }
    await sleep(options.intervalMs ?? 250);
  }
  const tail = options.process ? `\nLast lines of ${options.process.spec.logFile}:\n${options.process.logTail()}` : '';
  throw new Error(`${url} was not ready within ${options.timeoutMs} ms (last: ${lastProblem})${tail}`);
}
