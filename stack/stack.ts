// The whole pipeline on this machine: simulator → exporter → Prometheus (generated scrape config and
// rules) → Alertmanager (generated alertmanager.yml) → webhook sink standing in for PagerDuty and Slack.
// `npm run stack` and the e2e tests both start it through startStack(); close() stops everything, in
// reverse order, and is safe to call twice.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAlertmanager, type RunningAlertmanager } from './alertmanager.ts';
import { ExporterProcess } from './exporter.ts';
import { generateInto, generatedFiles, type GeneratedFiles } from './generate.ts';
import { freePorts } from './ports.ts';
import { PrometheusApi } from './prometheus-api.ts';
import { startPrometheus, type RunningPrometheus } from './prometheus.ts';
import type { ManagedProcess } from './processes.ts';
import { SimulatorClient } from './simulator-client.ts';
import { startSimulatorProcess, type SimulatorEndpoint } from './simulator-process.ts';
import { startWebhookSink, type WebhookSink } from './webhook-sink.ts';
import { isPlainObject as isJson } from '../lib/plain-object.ts';

export interface StackOptions {
  /** Keep logs and data here (created if needed); default: a new temporary folder, removed by close(). */
  readonly workDir?: string;
  readonly seed?: number;
  readonly orgFile?: string;
  /**
   * The generator's alerts config override (alerts/config.ts shape), e.g. shorter `for` durations.
   * The stack adds the receivers' wiring (sink URL, secret files) on top.
   */
  readonly alertsOverride?: Readonly<Record<string, unknown>>;
  /**
   * Where Prometheus' scrape config and rules come from: 'generated' (the stack's own generation with the
   * override; the e2e tests) or a folder such as out/ (the demo: exactly the committed files). Alertmanager
   * always uses the stack's own generation, because only it points the receivers at the local sink.
   */
  readonly prometheusFilesFrom?: 'generated' | string;
  /** undefined: the generated config's intervals. */
  readonly scrapeIntervalSeconds?: number;
  readonly evaluationIntervalSeconds?: number;
  readonly exporterFlags?: readonly string[];
  readonly simulatorFlags?: readonly string[];
  /** Human-readable progress and notifications; default: none. */
  readonly log?: (line: string) => void;
}

export interface StackUrls {
  readonly simulator: string;
  readonly exporter: string;
  readonly prometheus: string;
  readonly alertmanager: string;
  readonly receiver: string;
}

export interface Stack {
  readonly urls: StackUrls;
  readonly workDir: string;
  readonly generated: GeneratedFiles;
  readonly simulator: SimulatorClient;
  readonly simulatorEndpoint: SimulatorEndpoint;
  readonly exporter: ExporterProcess;
  readonly prometheus: PrometheusApi;
  readonly prometheusProcess: ManagedProcess;
  readonly alertmanager: RunningAlertmanager;
  readonly sink: WebhookSink;
  /** The routing key written to the PagerDuty key file (tests check Alertmanager read it). */
  readonly pagerDutyRoutingKey: string;
  readonly scrapeIntervalSeconds: number;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;

/** `base` with `extra` merged in, objects recursively (the override's own semantics). */
export function deepMerge(base: Json, extra: Json): Json {
  const merged: Json = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const current = merged[key];
    merged[key] = isJson(current) && isJson(value) ? deepMerge(current, value) : value;
  }
  return merged;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const log = options.log ?? (() => {});
  const ownsWorkDir = options.workDir === undefined;
  const workDir = options.workDir ?? mkdtempSync(join(tmpdir(), 'genesys-stack-'));
  mkdirSync(workDir, { recursive: true });
  const cleanups: (() => Promise<void>)[] = [];
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error: unknown) => log(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`));
    }
    // GENESYS_STACK_KEEP=1 keeps the logs of a failed test run for reading.
    if (ownsWorkDir && process.env.GENESYS_STACK_KEEP !== '1') rmSync(workDir, { recursive: true, force: true });
    else log(`logs and data kept in ${workDir}`);
  };

  try {
    const sink = await startWebhookSink({ log: (line) => log(`receiver: ${line}`) });
    cleanups.push(() => sink.close());

    // Secrets as the generated alertmanager.yml expects them: in files, never in the config.
    const secretsDir = join(workDir, 'secrets');
    mkdirSync(secretsDir, { recursive: true, mode: 0o700 });
    const pagerDutyRoutingKey = `stack-routing-key-${process.pid}-${Date.now()}`;
    const routingKeyFile = join(secretsDir, 'pagerduty-routing-key');
    const slackUrlFile = join(secretsDir, 'slack-api-url');
    writeFileSync(routingKeyFile, `${pagerDutyRoutingKey}\n`, { mode: 0o600 });
    writeFileSync(slackUrlFile, `${sink.slackUrl('T00000000/B00000000/stack')}\n`, { mode: 0o600 });

    log('generating dashboards, rules and alertmanager.yml into the stack folder (not out/)');
    const wiring = { alertmanager: { pagerduty: { routingKeyFile, url: sink.pagerDutyUrl }, slack: { apiUrlFile: slackUrlFile } } };
    const generated = await generateInto(join(workDir, 'generated'), deepMerge({ ...(options.alertsOverride ?? {}) }, wiring));
    const prometheusFiles =
      options.prometheusFilesFrom === undefined || options.prometheusFilesFrom === 'generated' ? generated : generatedFiles(options.prometheusFilesFrom);

    log('starting the simulated Genesys Cloud org');
    const simulatorRun = await startSimulatorProcess({ workDir, seed: options.seed ?? 1, orgFile: options.orgFile, extraFlags: options.simulatorFlags });
    cleanups.push(async () => void (await simulatorRun.process.stop()));
    const simulatorEndpoint = simulatorRun.endpoint;

    const [exporterPort, prometheusPort, alertmanagerPort] = await freePorts(3);
    if (exporterPort === undefined || prometheusPort === undefined || alertmanagerPort === undefined) throw new Error('no free ports');

    log('starting the exporter');
    const exporter = new ExporterProcess({
      port: exporterPort,
      genesysUrl: simulatorEndpoint.url,
      clientId: simulatorEndpoint.clientId,
      clientSecret: simulatorEndpoint.clientSecret,
      logFile: join(workDir, 'exporter.log'),
      extraFlags: options.exporterFlags,
    });
    cleanups.push(() => exporter.stop());
    await exporter.start();

    log('starting Alertmanager');
    const alertmanager = await startAlertmanager({ workDir, port: alertmanagerPort, configFile: generated.alertmanagerConfig });
    cleanups.push(async () => void (await alertmanager.process.stop()));

    log('starting Prometheus');
    const prometheusRun: RunningPrometheus = await startPrometheus({
      workDir: join(workDir, 'prometheus'),
      port: prometheusPort,
      scrapeConfigFile: prometheusFiles.scrapeConfig,
      ruleFiles: prometheusFiles.ruleFiles,
      exporterAddress: exporter.address,
      alertmanagerAddress: alertmanager.address,
      scrapeIntervalSeconds: options.scrapeIntervalSeconds,
      evaluationIntervalSeconds: options.evaluationIntervalSeconds,
    });
    cleanups.push(async () => void (await prometheusRun.process.stop()));

    return {
      urls: { simulator: simulatorEndpoint.url, exporter: exporter.url, prometheus: prometheusRun.url, alertmanager: alertmanager.url, receiver: sink.url },
      workDir,
      generated,
      simulator: new SimulatorClient(simulatorEndpoint.url),
      simulatorEndpoint,
      exporter,
      prometheus: new PrometheusApi(prometheusRun.url),
      prometheusProcess: prometheusRun.process,
      alertmanager,
      sink,
      pagerDutyRoutingKey,
      scrapeIntervalSeconds: prometheusRun.scrapeIntervalSeconds,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
