// One typed configuration from command-line flags and the environment. Credentials come ONLY from the
// environment (or files named there), never from flags: flags show up in `ps` and shell history.
// Every validation error names the flag or variable at fault.
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { EXPORTER_DEFAULT_PORT } from '../config/project.ts';
import { regionUrls } from './genesys/regions.ts';
import type { LogLevel } from './log.ts';
import { formatDurationMs, parseDurationMs } from '../config/duration.ts';
import { Secret } from './secret.ts';
import { AGGREGATE_GRANULARITIES } from './collectors/aggregates.ts';
import type { AggregateGranularity } from './collectors/aggregates.ts';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Thrown for --help / --version: the text to print, then exit 0. */
export class ConfigHelpRequested extends Error {
  override readonly name = 'ConfigHelpRequested';
}

export interface Credentials {
  readonly clientId: string;
  readonly clientSecret: Secret;
}

/** Where the API lives. `embedded-simulator` is chosen only when neither credentials nor a location are set. */
export type GenesysTarget =
  | { readonly kind: 'genesys'; readonly apiUrl: string; readonly loginUrl: string; readonly region?: string; readonly credentials: Credentials }
  | { readonly kind: 'embedded-simulator' };

export interface ListenAddress {
  /** undefined = all interfaces (":9813"). */
  readonly host: string | undefined;
  readonly port: number;
}

export interface ExporterConfig {
  readonly genesys: {
    readonly target: GenesysTarget;
    readonly requestsPerMinute: number;
    readonly requestTimeoutMs: number;
  };
  readonly web: {
    readonly listenAddress: ListenAddress;
    readonly configFile: string | undefined;
    readonly telemetryPath: string;
  };
  readonly collectors: {
    readonly queues: {
      readonly include: RegExp;
      readonly exclude: RegExp | undefined;
      readonly divisionIds: readonly string[];
      readonly max: number;
      readonly refreshIntervalMs: number;
    };
    readonly observations: { readonly intervalMs: number; readonly batchSize: number };
    readonly aggregates: {
      readonly intervalMs: number;
      readonly windowMs: number;
      readonly granularity: AggregateGranularity;
      readonly batchSize: number;
    };
    /** How long the last good values of a failing collector stay on /metrics. */
    readonly stalenessMs: number;
  };
  readonly log: { readonly level: LogLevel };
  /** Seed of the embedded simulator (only used without credentials). */
  readonly simulatorSeed: number;
}

/** The production floor on polling: Genesys aggregates real-time stats in ~5 s windows. */
export const MIN_POLL_INTERVAL_MS = 5000;
/** With --collector.unsafe-fast-polling (tests, demos against the simulator) the floor drops to this. */
export const UNSAFE_MIN_POLL_INTERVAL_MS = 50;

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;


/** Environment variables the exporter reads, for the README's reference. */
export const ENVIRONMENT_VARIABLES = [
  { name: 'GENESYS_CLIENT_ID', help: 'OAuth client id (client-credentials grant).' },
  { name: 'GENESYS_CLIENT_SECRET', help: 'OAuth client secret.' },
  { name: 'GENESYS_CLIENT_ID_FILE', help: 'File holding the client id (instead of GENESYS_CLIENT_ID).' },
  { name: 'GENESYS_CLIENT_SECRET_FILE', help: 'File holding the client secret (instead of GENESYS_CLIENT_SECRET).' },
] as const;

function buildProgram(): Command {
  return new Command('genesys-cloud-exporter')
    .description('Prometheus exporter for Genesys Cloud CX queues. Credentials: environment only (see README).')
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} })
    .allowExcessArguments(false)
    .option('--genesys.region <region>', 'Genesys Cloud region, e.g. eu_west_1 (sets both base URLs).')
    .option('--genesys.api-url <url>', 'API base URL (private gateway, simulator); overrides the region.')
    .option('--genesys.login-url <url>', 'Login (OAuth) base URL; required with --genesys.api-url.')
    .option('--genesys.requests-per-minute <n>', 'Request budget per minute, shared by all collectors (org limit: 300).', '200')
    .option('--genesys.request-timeout <duration>', 'Timeout of each API request.', '15s')
    .option('--web.listen-address <[host]:port>', 'Address to serve /metrics on.', `:${EXPORTER_DEFAULT_PORT}`)
    .option('--web.config.file <path>', 'exporter-toolkit web config (TLS, basic auth).')
    .option('--web.telemetry-path <path>', 'Path of the metrics endpoint.', '/metrics')
    .option('--collector.queues.include <regex>', 'Export only queues whose name fully matches.', '.*')
    .option('--collector.queues.exclude <regex>', 'Do not export queues whose name fully matches.')
    .option('--collector.queues.division <id>', 'Export only queues of this division id (repeatable).', collect, [])
    .option('--collector.queues.max <n>', 'Export at most this many queues (sorted by name); the rest are counted as dropped.', '1000')
    .option('--collector.queues.refresh-interval <duration>', 'How often the queue list is re-read.', '5m')
    .option('--collector.observations.interval <duration>', 'Real-time poll interval (minimum 5s).', '10s')
    .option('--collector.observations.batch-size <n>', 'Queue ids per observation query.', '100')
    .option('--collector.aggregates.interval <duration>', 'History poll interval (minimum 5s).', '30s')
    .option('--collector.aggregates.window <duration>', 'History re-read each poll; must cover the longest wait (contacts waiting longer are not counted).', '2h')
    .addOption(new Option('--collector.aggregates.granularity <iso>', 'Interval size of the aggregate query; the window must be a multiple of it.').choices(Object.keys(AGGREGATE_GRANULARITIES)).default('PT15M'))
    .option('--collector.aggregates.batch-size <n>', 'Queue ids per aggregate query.', '100')
    .option('--collector.staleness <duration>', "How long a failing collector's last good values stay on /metrics.", '5m')
    .option('--collector.unsafe-fast-polling', 'Allow intervals under 5s (tests and simulator demos only).', false)
    .option('--simulator.seed <n>', 'Seed of the embedded simulator used when no credentials are set.', '1')
    .addOption(new Option('--log.level <level>', 'Least severe level logged (JSON lines on stderr).').choices(LOG_LEVELS).default('info'));
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export interface ConfigReferenceEntry {
  readonly name: string;
  readonly kind: 'flag' | 'env';
  readonly default: string | undefined;
  readonly help: string;
}

/** Every flag and environment variable with its default and help: the README's configuration reference. */
export function configReference(): ConfigReferenceEntry[] {
  const flags = buildProgram().options.map((option) => ({
    name: option.long ?? option.flags,
    kind: 'flag' as const,
    default: formatDefault(option.defaultValue),
    help: option.description,
  }));
  const env = ENVIRONMENT_VARIABLES.map((variable) => ({ name: variable.name, kind: 'env' as const, default: undefined, help: variable.help }));
  return [...flags, ...env];
}

function formatDefault(value: unknown): string | undefined {
  if (value === undefined || (Array.isArray(value) && value.length === 0)) return undefined;
  return String(value);
}

/** The --help text. */
export function helpText(): string {
  return buildProgram().helpInformation();
}

type Env = Readonly<Record<string, string | undefined>>;

export function parseConfig(argv: readonly string[], env: Env = process.env): ExporterConfig {
  const program = buildProgram();
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.help') throw new ConfigHelpRequested(helpText());
      // commander echoes "--flag=value"; the value may be a secret pasted in the wrong place.
      throw new ConfigError(error.message.replace(/^error: /, '').replace(/(--[\w.-]+)=[^'"\s]*/g, '$1'));
    }
    throw error;
  }
  const flags = program.opts<Record<string, string | string[] | boolean | undefined>>();
  const flag = (name: string): string | undefined => flags[camel(name)] as string | undefined;

  const fastPolling = flags[camel('collector.unsafe-fast-polling')] === true;
  const minInterval = fastPolling ? UNSAFE_MIN_POLL_INTERVAL_MS : MIN_POLL_INTERVAL_MS;
  const interval = (name: string, min: number): number => {
    const ms = duration(name, flag(name));
    if (ms < min) {
      throw new ConfigError(
        `--${name}=${flag(name)} is shorter than the minimum of ${formatDurationMs(min)}` +
          (fastPolling ? '' : ' (Genesys real-time stats change every ~5s; --collector.unsafe-fast-polling lifts this for tests)'),
      );
    }
    return ms;
  };

  const credentials = readCredentials(env);
  const aggregatesIntervalMs = interval('collector.aggregates.interval', minInterval);
  const windowMs = duration('collector.aggregates.window', flag('collector.aggregates.window'));
  const granularity = flag('collector.aggregates.granularity') as AggregateGranularity;
  if (windowMs < 2 * aggregatesIntervalMs || windowMs % AGGREGATE_GRANULARITIES[granularity] !== 0) {
    throw new ConfigError(
      `--collector.aggregates.window=${flag('collector.aggregates.window')} must be a multiple of --collector.aggregates.granularity ` +
        `(${granularity}) and at least twice --collector.aggregates.interval (${formatDurationMs(aggregatesIntervalMs)}), so every interval is read again after it ends`,
    );
  }

  return {
    genesys: {
      target: resolveTarget(flag('genesys.region'), flag('genesys.api-url'), flag('genesys.login-url'), credentials),
      requestsPerMinute: integer('genesys.requests-per-minute', flag('genesys.requests-per-minute'), 1, 300),
      requestTimeoutMs: duration('genesys.request-timeout', flag('genesys.request-timeout')),
    },
    web: {
      listenAddress: parseListenAddress(flag('web.listen-address') ?? ''),
      configFile: flag('web.config.file'),
      telemetryPath: telemetryPath(flag('web.telemetry-path') ?? ''),
    },
    collectors: {
      queues: {
        include: pattern('collector.queues.include', flag('collector.queues.include') ?? '.*'),
        exclude: flag('collector.queues.exclude') === undefined ? undefined : pattern('collector.queues.exclude', flag('collector.queues.exclude')!),
        divisionIds: (flags[camel('collector.queues.division')] as string[] | undefined) ?? [],
        max: integer('collector.queues.max', flag('collector.queues.max'), 1, 100_000),
        refreshIntervalMs: interval('collector.queues.refresh-interval', minInterval),
      },
      observations: {
        intervalMs: interval('collector.observations.interval', minInterval),
        batchSize: integer('collector.observations.batch-size', flag('collector.observations.batch-size'), 1, 1000),
      },
      aggregates: {
        intervalMs: aggregatesIntervalMs,
        windowMs,
        granularity,
        batchSize: integer('collector.aggregates.batch-size', flag('collector.aggregates.batch-size'), 1, 1000),
      },
      stalenessMs: duration('collector.staleness', flag('collector.staleness')),
    },
    log: { level: flag('log.level') as LogLevel },
    simulatorSeed: integer('simulator.seed', flag('simulator.seed'), 0, Number.MAX_SAFE_INTEGER),
  };
}

/** commander's key for a dotted flag: "web.listen-address" → "web.listenAddress". */
function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_m, letter: string) => letter.toUpperCase());
}

function duration(name: string, text: string | undefined): number {
  const ms = text === undefined ? undefined : parseDurationMs(text);
  if (ms === undefined || ms <= 0) throw new ConfigError(`--${name}=${text ?? ''} is not a positive duration (examples: 10s, 5m, 1h)`);
  return ms;
}

function integer(name: string, text: string | undefined, min: number, max: number): number {
  const value = Number(text);
  if (text === undefined || !/^\d+$/.test(text) || value < min || value > max) {
    throw new ConfigError(`--${name}=${text ?? ''} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

function pattern(name: string, source: string): RegExp {
  try {
    return new RegExp(`^(?:${source})$`);
  } catch (error) {
    throw new ConfigError(`--${name}=${source} is not a valid regular expression: ${(error as Error).message}`);
  }
}

function telemetryPath(path: string): string {
  const reserved = ['/', '/-/healthy', '/-/ready'];
  if (!path.startsWith('/') || reserved.includes(path)) {
    throw new ConfigError(`--web.telemetry-path=${path} must start with "/" and not be one of ${reserved.join(', ')}`);
  }
  return path;
}

/** "[host]:port": ":9813" (all interfaces), "127.0.0.1:9400", "[::1]:9400", "localhost:0". */
export function parseListenAddress(text: string): ListenAddress {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (!match || port > 65535) {
    throw new ConfigError(`--web.listen-address=${text} must be [host]:port, e.g. ":9813" or "127.0.0.1:9813"`);
  }
  const host = match[1] ?? match[2];
  return { host: host === '' ? undefined : host, port };
}

function resolveTarget(
  region: string | undefined,
  apiUrl: string | undefined,
  loginUrl: string | undefined,
  credentials: Credentials | undefined,
): GenesysTarget {
  if ((apiUrl === undefined) !== (loginUrl === undefined)) {
    const missing = apiUrl === undefined ? '--genesys.api-url' : '--genesys.login-url';
    throw new ConfigError(`${missing} is required when ${missing === '--genesys.api-url' ? '--genesys.login-url' : '--genesys.api-url'} is set`);
  }
  let location: { apiUrl: string; loginUrl: string; region?: string } | undefined;
  if (apiUrl !== undefined && loginUrl !== undefined) {
    location = { apiUrl: httpUrl('genesys.api-url', apiUrl), loginUrl: httpUrl('genesys.login-url', loginUrl) };
  } else if (region !== undefined) {
    try {
      location = { region, ...regionUrls(region) };
    } catch (error) {
      throw new ConfigError(`--genesys.region: ${(error as Error).message}`);
    }
  }
  if (location === undefined && credentials === undefined) return { kind: 'embedded-simulator' };
  if (location === undefined) {
    throw new ConfigError(
      'GENESYS_CLIENT_ID is set but no API location: pass --genesys.region (e.g. eu_west_1) or ' +
        '--genesys.api-url and --genesys.login-url',
    );
  }
  if (credentials === undefined) {
    throw new ConfigError(
      `${region !== undefined && apiUrl === undefined ? '--genesys.region' : '--genesys.api-url'} is set but GENESYS_CLIENT_ID and ` +
        'GENESYS_CLIENT_SECRET (or their _FILE variants) are not; unset the location to run against the embedded simulator',
    );
  }
  return { kind: 'genesys', ...location, credentials };
}

function httpUrl(name: string, text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`--${name}=${text} is not a URL (example: https://api.mypurecloud.ie)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`--${name}=${text} must be an http(s) URL`);
  if (url.username !== '' || url.password !== '') throw new ConfigError(`--${name} must not contain credentials; use GENESYS_CLIENT_ID/GENESYS_CLIENT_SECRET`);
  if (url.pathname !== '/' || url.search !== '') throw new ConfigError(`--${name}=${text} must be a bare origin such as https://api.mypurecloud.ie (no path)`);
  return url.origin;
}

/** From GENESYS_CLIENT_ID/SECRET or their _FILE variants; both or neither. */
function readCredentials(env: Env): Credentials | undefined {
  const clientId = readVariable(env, 'GENESYS_CLIENT_ID');
  const clientSecret = readVariable(env, 'GENESYS_CLIENT_SECRET');
  if (clientId === undefined && clientSecret === undefined) return undefined;
  if (clientId === undefined) throw new ConfigError('GENESYS_CLIENT_SECRET is set but GENESYS_CLIENT_ID (or GENESYS_CLIENT_ID_FILE) is not');
  if (clientSecret === undefined) throw new ConfigError('GENESYS_CLIENT_ID is set but GENESYS_CLIENT_SECRET (or GENESYS_CLIENT_SECRET_FILE) is not');
  return { clientId, clientSecret: new Secret(clientSecret) };
}

function readVariable(env: Env, name: string): string | undefined {
  const direct = env[name];
  const file = env[`${name}_FILE`];
  if (direct !== undefined && direct !== '' && file !== undefined && file !== '') {
    throw new ConfigError(`both ${name} and ${name}_FILE are set; use one`);
  }
  if (file !== undefined && file !== '') {
    let content: string;
    try {
      content = readFileSync(file, 'utf8').trim();
    } catch (error) {
      throw new ConfigError(`${name}_FILE=${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (content === '') throw new ConfigError(`${name}_FILE=${file} is empty`);
    return content;
  }
  return direct === undefined || direct === '' ? undefined : direct;
}
