// A real Alertmanager (the Debian `prometheus-alertmanager` binary) for the stack, with the generated
// alertmanager.yml used byte for byte: where its receivers send (the local webhook sink), its secrets
// (files written into the temp folder) and its shortened timings all come in through the generator's
// config override, so nothing here rewrites the routing tree the project ships.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { LOOPBACK, httpUrl } from './ports.ts';
import { spawnManaged, waitForHttp, type ManagedProcess } from './processes.ts';

export interface AlertmanagerOptions {
  /** Folder for the data dir and the log. */
  readonly workDir: string;
  readonly port: number;
  /** The generated alertmanager.yml. */
  readonly configFile: string;
  readonly readyTimeoutMs?: number;
}

export interface RunningAlertmanager {
  readonly url: string;
  /** host:port, for Prometheus' `alerting` section. */
  readonly address: string;
  readonly process: ManagedProcess;
}

/** An alert as Alertmanager's v2 API lists it. */
export interface AlertmanagerAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly status: { readonly state: 'active' | 'suppressed' | 'unprocessed'; readonly inhibitedBy: readonly string[]; readonly silencedBy: readonly string[] };
  readonly receivers: readonly { readonly name: string }[];
  readonly fingerprint: string;
}

export async function startAlertmanager(options: AlertmanagerOptions): Promise<RunningAlertmanager> {
  const dataDir = join(options.workDir, 'alertmanager-data');
  mkdirSync(dataDir, { recursive: true });
  const address = `${LOOPBACK}:${options.port}`;
  const process = spawnManaged({
    name: 'alertmanager',
    command: 'prometheus-alertmanager',
    args: [
      `--config.file=${options.configFile}`,
      `--storage.path=${dataDir}`,
      `--web.listen-address=${address}`,
      // Empty: no gossip cluster, so a stack never listens on (or collides at) the default 9094.
      '--cluster.listen-address=',
    ],
    logFile: join(options.workDir, 'alertmanager.log'),
  });
  const url = httpUrl(options.port);
  await waitForHttp(`${url}/-/ready`, { timeoutMs: options.readyTimeoutMs ?? 30_000, process });
  return { url, address, process };
}

/** Every alert Alertmanager holds, including inhibited and silenced ones. */
export async function alertmanagerAlerts(url: string): Promise<readonly AlertmanagerAlert[]> {
  const response = await fetch(`${url}/api/v2/alerts?active=true&silenced=true&inhibited=true&unprocessed=true`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`GET ${url}/api/v2/alerts: status ${response.status}`);
  return (await response.json()) as AlertmanagerAlert[];
}
