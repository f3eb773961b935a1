// The exporter as a child process (what users deploy), so that stopping and restarting it is real: a new
// process with fresh counters, on the same address, so Prometheus keeps scraping one target.

import { join } from 'node:path';
import { ENVIRONMENT_VARIABLES } from '../exporter/config.ts';
import { LOOPBACK, httpUrl } from './ports.ts';
import { spawnManaged, waitForHttp, type ManagedProcess } from './processes.ts';
import { REPO_ROOT, tsNodeCommand } from './repo.ts';

/** Every variable the exporter reads its Genesys settings from. */
const GENESYS_VARIABLES = ENVIRONMENT_VARIABLES.map((variable) => variable.name);

export interface ExporterOptions {
  readonly port: number;
  /** Genesys-compatible base URL (the simulator): API and login on the same host. */
  readonly genesysUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly logFile: string;
  /** Flags added after the connection flags, e.g. faster polling for tests. */
  readonly extraFlags?: readonly string[];
  readonly readyTimeoutMs?: number;
}

export class ExporterProcess {
  #current: ManagedProcess | undefined;
  #starts = 0;

  constructor(private readonly options: ExporterOptions) {}

  get url(): string {
    return httpUrl(this.options.port);
  }

  /** host:port for Prometheus' target. */
  get address(): string {
    return `${LOOPBACK}:${this.options.port}`;
  }

  get process(): ManagedProcess | undefined {
    return this.#current;
  }

  /** Starts it and waits until /-/ready (after its first successful poll). */
  async start(): Promise<void> {
    if (this.#current !== undefined && this.#current.exitStatus === undefined) throw new Error('exporter: already running');
    this.#starts += 1;
    const { command, args } = tsNodeCommand(join(REPO_ROOT, 'exporter', 'main.ts'), [
      `--genesys.api-url=${this.options.genesysUrl}`,
      `--genesys.login-url=${this.options.genesysUrl}`,
      `--web.listen-address=${this.address}`,
      ...(this.options.extraFlags ?? []),
    ]);
    this.#current = spawnManaged({
      name: this.#starts === 1 ? 'exporter' : `exporter (start ${this.#starts})`,
      command,
      args,
      cwd: REPO_ROOT,
      logFile: this.options.logFile,
      // Credentials only through the environment, as the exporter requires; never on the command line. The
      // simulator's, and no others: a developer's shell may hold real ones (ours or the Genesys CLI's names,
      // or their _FILE forms), which would disagree with these and stop the exporter.
      env: {
        ...Object.fromEntries(GENESYS_VARIABLES.map((name) => [name, undefined])),
        GENESYS_CLIENT_ID: this.options.clientId,
        GENESYS_CLIENT_SECRET: this.options.clientSecret,
      },
    });
    await waitForHttp(`${this.url}/-/ready`, { timeoutMs: this.options.readyTimeoutMs ?? 60_000, process: this.#current });
  }

  /** SIGTERM (then SIGKILL after the grace period); resolves once it has exited. */
  async stop(): Promise<void> {
    await this.#current?.stop();
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }
}
