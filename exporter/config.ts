// One typed configuration from command-line flags and the environment. Credentials come ONLY from the
// environment (or files named there), never from flags: flags show up in `ps` and shell history.
// Every validation error names the flag or variable at fault. The simulated org runs only when asked for
// (--simulator): missing credentials are an error, never a silent fallback to fake data.
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { EXPORTER_DEFAULT_PORT } from '../config/project.ts';
import { GENESYS_REGIONS, normaliseRegion, REGION_SPELLINGS, regionUrls } from './genesys/regions.ts';
import { DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_REQUESTS_PER_MINUTE } from './genesys/client-options.ts';
import type { GenesysRegion } from './genesys/regions.ts';
import { versionLine } from './build-info.ts';
import type { LogLevel } from './log.ts';
import { formatDurationMs, parseDurationMs } from '../config/duration.ts';
import { Secret } from './secret.ts';
import { AGGREGATE_GRANULARITIES } from './collectors/aggregates.ts';
import type { AggregateGranularity } from './collectors/aggregates.ts';
import { parseShard } from './collectors/shard.ts';
import type { Shard } from './collectors/shard.ts';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** No credentials and no --simulator: the message names every accepted variable and the demo. */
export class MissingCredentialsError extends ConfigError {}

/** Thrown for --help / --version: the text to print, then exit 0. */
export class ConfigHelpRequested extends Error {
  override readonly name = 'ConfigHelpRequested';
}

export interface Credentials {
  readonly clientId: string;
  readonly clientSecret: Secret;
}

/** Where the API lives: Genesys Cloud (or a compatible endpoint), or the embedded simulated org (--simulator only). */
export type GenesysTarget =
  | { readonly kind: 'genesys'; readonly apiUrl: string; readonly loginUrl: string; readonly region?: GenesysRegion; readonly credentials: Credentials }
  | { readonly kind: 'simulator'; readonly seed: number };

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
      /** Division names or ids (resolved against the queue list on every refresh). */
      readonly divisions: readonly string[];
      readonly max: number;
      /** This replica's share of the queues (every queue by default). */
      readonly shard: Shard;
      readonly refreshIntervalMs: number;
    };
    readonly observations: {
      readonly intervalMs: number;
      readonly batchSize: number;
      /** polling: the observations query only; streaming/auto: the notification service, polling what it does not cover. */
      readonly mode: ObservationsMode;
    };
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
}

/** The production floor on polling: Genesys aggregates real-time stats in ~5 s windows. */
export const MIN_POLL_INTERVAL_MS = 5000;
/** With --collector.unsafe-fast-polling (tests, demos against the simulator) the floor drops to this. */
export const UNSAFE_MIN_POLL_INTERVAL_MS = 50;

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
/** How real-time values arrive; 'auto' and 'streaming' both stream and poll what streaming does not cover. */
export const OBSERVATIONS_MODES = ['polling', 'streaming', 'auto'] as const;
export type ObservationsMode = (typeof OBSERVATIONS_MODES)[number];

/**
 * Every setting the environment can give, under each name it is accepted by: ours, then the names the
 * Genesys CLI and CX-as-Code use (so an existing setup works as it is). Each also as NAME_FILE: a file
 * holding the value (Kubernetes/systemd secrets). Two sources with different values are an error.
 */
const CLIENT_ID_VARIABLES = ['GENESYS_CLIENT_ID', 'GENESYSCLOUD_OAUTHCLIENT_ID'] as const;
const CLIENT_SECRET_VARIABLES = ['GENESYS_CLIENT_SECRET', 'GENESYSCLOUD_OAUTHCLIENT_SECRET'] as const;
const REGION_VARIABLES = ['GENESYSCLOUD_REGION'] as const;

/** Environment variables the exporter reads, for the README's reference. */
export const ENVIRONMENT_VARIABLES = [
  { name: 'GENESYS_CLIENT_ID', help: 'OAuth client id (client-credentials grant).' },
  { name: 'GENESYS_CLIENT_SECRET', help: 'OAuth client secret.' },
  { name: 'GENESYSCLOUD_OAUTHCLIENT_ID', help: 'OAuth client id, under the Genesys CLI / CX-as-Code name (same as GENESYS_CLIENT_ID).' },
  { name: 'GENESYSCLOUD_OAUTHCLIENT_SECRET', help: 'OAuth client secret, under the Genesys CLI / CX-as-Code name (same as GENESYS_CLIENT_SECRET).' },
  { name: 'GENESYSCLOUD_REGION', help: 'Region, as for --genesys.region (eu_west_1, eu-west-1, mypurecloud.ie or api.mypurecloud.ie).' },
  ...[...CLIENT_ID_VARIABLES, ...CLIENT_SECRET_VARIABLES, ...REGION_VARIABLES].map((name) => ({
    name: `${name}_FILE`,
    help: `File holding the value of ${name} (Kubernetes or systemd secrets); trimmed.`,
  })),
] as const;

const CREDENTIALS_HELP =
  'set GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET (or GENESYSCLOUD_OAUTHCLIENT_ID and GENESYSCLOUD_OAUTHCLIENT_SECRET, as the ' +
  'Genesys CLI and CX-as-Code name them; or any of these with _FILE naming a file that holds the value) and ' +
  '--genesys.region or GENESYSCLOUD_REGION (e.g. eu_west_1)';
const DEMO_HELP = 'to try the exporter on a simulated org instead, run `npm run demo` or pass --simulator';

function buildProgram(): Command {
  return new Command('genesys-cloud-exporter')
    .description('Prometheus exporter for Genesys Cloud CX queues. Credentials: environment only (see README).')
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} })
    .allowExcessArguments(false)
    .option(
      '--genesys.region <region>',
      'Genesys Cloud region: eu_west_1, eu-west-1, mypurecloud.ie or api.mypurecloud.ie (sets both base URLs); or GENESYSCLOUD_REGION.',
    )
    .option('--genesys.api-url <url>', 'API base URL (private gateway, simulator); overrides the region.')
    .option('--genesys.login-url <url>', 'Login (OAuth) base URL; required with --genesys.api-url.')
    .option('--genesys.requests-per-minute <n>', 'Request budget per minute, shared by all collectors (org limit: 300).', String(DEFAULT_REQUESTS_PER_MINUTE))
    .option('--genesys.request-timeout <duration>', 'Timeout of each API request.', formatDurationMs(DEFAULT_REQUEST_TIMEOUT_MS))
    .option('--web.listen-address <[host]:port>', 'Address to serve /metrics on.', `:${EXPORTER_DEFAULT_PORT}`)
    .option('--web.config.file <path>', 'exporter-toolkit web config (TLS, basic auth).')
    .option('--web.telemetry-path <path>', 'Path of the metrics endpoint.', '/metrics')
    .option('--collector.queues.include <regex>', 'Export only queues whose name fully matches.', '.*')
    .option('--collector.queues.exclude <regex>', 'Do not export queues whose name fully matches.')
    .option(
      '--collector.queues.division <name or id>',
      'Export only queues of this division, by name or id (repeatable). An unknown one makes the exporter not ready.',
      collect,
      [],
    )
    .option(
      '--collector.queues.shard <i/N>',
      'Export only the queues of shard i out of N replicas (by a stable hash of the queue id; applied before --collector.queues.max). Run N exporters with 0/N … N-1/N to split an org; see "Sharding" in the README.',
      '0/1',
    )
    .option(
      '--collector.queues.max <n>',
      'Export at most this many queues: queues already exported keep their place, new ones fill free places by name; the rest are counted as dropped.',
      '1000',
    )
    .option('--collector.queues.refresh-interval <duration>', 'How often the queue list is re-read.', '5m')
    .option('--collector.observations.interval <duration>', 'Real-time poll interval (minimum 5s).', '10s')
    .option('--collector.observations.batch-size <n>', 'Queue ids per observation query.', '100')
    .addOption(
      new Option(
        '--collector.observations.mode <mode>',
        'How real-time values arrive: auto (the default) or streaming (the notification service, polling each queue it cannot cover until it can, a queue that starts waiting once for its longest wait, and every queue every 5m; auto is the same as streaming today), or polling (the observations query every interval, nothing else). See "Streaming" in the README.',
      )
        .choices(OBSERVATIONS_MODES)
        // auto: Genesys recommends notifications over polling, a change costs no request, and every way streaming
        // can fail falls back to polling for the queues concerned. At 10,000 queues a surge reaches /metrics in
        // 1.7 s at worst (median 0.65 s) against 35 s for polling within the same request budget (README,
        // Benchmarks).
        .default('auto'),
    )
    .option('--collector.aggregates.interval <duration>', 'History poll interval (minimum 5s).', '30s')
    .option(
      '--collector.aggregates.window <duration>',
      'History re-read each poll; must cover the longest wait plus handling (a contact is filed under the interval it arrived in, and its handle time posts when after-call work ends: later values are not counted).',
      '2h',
    )
    .addOption(
      new Option('--collector.aggregates.granularity <iso>', 'Interval size of the aggregate query; the window must be a multiple of it.')
        .choices(Object.keys(AGGREGATE_GRANULARITIES))
        .default('PT15M'),
    )
    .option('--collector.aggregates.batch-size <n>', 'Queue ids per aggregate query.', '100')
    .option('--collector.staleness <duration>', "How long a failing collector's last good values stay on /metrics.", '5m')
    .option('--collector.unsafe-fast-polling', 'Allow intervals under 5s (tests and simulator demos only).', false)
    .option('--simulator', 'Run on an embedded simulated org (a demo: genesys_exporter_simulated is 1); no credentials.', false)
    .option('--simulator.seed <n>', 'Seed of the simulated org, with --simulator (default 1).')
    .addOption(new Option('--log.level <level>', 'Least severe level logged (JSON lines on stderr).').choices(LOG_LEVELS).default('info'))
    .option('--version', 'Print the version and git revision, then exit.');
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
  if (flags['version'] === true) throw new ConfigHelpRequested(`${versionLine()}\n`);

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

  const target = resolveTarget(
    flags['simulator'] === true,
    flag('simulator.seed'),
    flag('genesys.region'),
    flag('genesys.api-url'),
    flag('genesys.login-url'),
    env,
  );
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
      target,
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
        divisions: ((flags[camel('collector.queues.division')] as string[] | undefined) ?? []).map((d) => d.trim()).filter((d) => d !== ''),
        max: integer('collector.queues.max', flag('collector.queues.max'), 1, 100_000),
        shard: shard(flag('collector.queues.shard') ?? ''),
        refreshIntervalMs: interval('collector.queues.refresh-interval', minInterval),
      },
      observations: {
        intervalMs: interval('collector.observations.interval', minInterval),
        batchSize: integer('collector.observations.batch-size', flag('collector.observations.batch-size'), 1, 1000),
        mode: flag('collector.observations.mode') as ObservationsMode,
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

function shard(text: string): Shard {
  const parsed = parseShard(text);
  if ('error' in parsed) throw new ConfigError(`--collector.queues.shard=${text} ${parsed.error}`);
  return parsed;
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
  simulator: boolean,
  seed: string | undefined,
  regionFlag: string | undefined,
  apiUrl: string | undefined,
  loginUrl: string | undefined,
  env: Env,
): GenesysTarget {
  const clientId = readSetting(env, CLIENT_ID_VARIABLES);
  const clientSecret = readSetting(env, CLIENT_SECRET_VARIABLES);
  const region = readRegion(regionFlag, env);

  if (simulator) {
    const conflicts = [clientId?.source, clientSecret?.source, region?.source, apiUrl && '--genesys.api-url', loginUrl && '--genesys.login-url'].filter(
      (source): source is string => typeof source === 'string',
    );
    if (conflicts.length > 0) {
      throw new ConfigError(
        `--simulator runs on a simulated org and cannot be combined with ${conflicts.join(', ')}: drop --simulator to use Genesys Cloud, ` +
          'or unset those to run the demo',
      );
    }
    return { kind: 'simulator', seed: seed === undefined ? 1 : integer('simulator.seed', seed, 0, Number.MAX_SAFE_INTEGER) };
  }
  if (seed !== undefined) throw new ConfigError('--simulator.seed is set without --simulator; add --simulator to run the simulated org');

  if ((apiUrl === undefined) !== (loginUrl === undefined)) {
    const missing = apiUrl === undefined ? '--genesys.api-url' : '--genesys.login-url';
    throw new ConfigError(`${missing} is required when ${missing === '--genesys.api-url' ? '--genesys.login-url' : '--genesys.api-url'} is set`);
  }
  if (clientId === undefined && clientSecret === undefined) {
    const location = apiUrl !== undefined ? '--genesys.api-url is set but ' : region !== undefined ? `${region.source} is set but ` : '';
    throw new MissingCredentialsError(`${location}no Genesys Cloud credentials: ${CREDENTIALS_HELP}; ${DEMO_HELP}`);
  }
  if (clientId === undefined) throw new ConfigError(`${clientSecret!.source} is set but no client id: set ${CLIENT_ID_VARIABLES.join(' or ')} (or _FILE)`);
  if (clientSecret === undefined)
    throw new ConfigError(`${clientId.source} is set but no client secret: set ${CLIENT_SECRET_VARIABLES.join(' or ')} (or _FILE)`);
  const credentials = { clientId: clientId.value, clientSecret: new Secret(clientSecret.value) };

  // An explicit API location (private gateway, simulator) wins over a region, which may come from a shell
  // profile set up for the Genesys CLI.
  if (apiUrl !== undefined && loginUrl !== undefined) {
    return { kind: 'genesys', apiUrl: httpUrl('genesys.api-url', apiUrl), loginUrl: httpUrl('genesys.login-url', loginUrl), credentials };
  }
  if (region === undefined) {
    throw new ConfigError(
      `${clientId.source} is set but no API location: pass --genesys.region or set GENESYSCLOUD_REGION (e.g. eu_west_1), ` +
        'or pass --genesys.api-url and --genesys.login-url',
    );
  }
  return { kind: 'genesys', region: region.value, ...regionUrls(region.value), credentials };
}

interface SourcedValue<T> {
  readonly value: T;
  /** Where it came from, for errors: "--genesys.region", "GENESYSCLOUD_REGION_FILE". Never the value. */
  readonly source: string;
}

/** The region from the flag or the environment, normalised; sources that name different regions are an error. */
function readRegion(flagValue: string | undefined, env: Env): SourcedValue<GenesysRegion> | undefined {
  const candidates = [...(flagValue === undefined ? [] : [{ source: '--genesys.region', value: flagValue }]), ...readSources(env, REGION_VARIABLES)].map(
    ({ source, value }) => {
      const region = normaliseRegion(value);
      if (region === undefined) {
        throw new ConfigError(
          `${source}: Unknown Genesys Cloud region "${value}". Use ${REGION_SPELLINGS}; valid regions: ${GENESYS_REGIONS.join(', ')}. ` +
            'For a private gateway or the simulator, pass --genesys.api-url and --genesys.login-url instead.',
        );
      }
      return { source, value: region };
    },
  );
  return agree(candidates, (a, b) => `${a.source} (${a.value}) and ${b.source} (${b.value}) name different regions; keep one`);
}

/** One setting under any of its names (and their _FILE variants); all that are set must agree. */
function readSetting(env: Env, names: readonly string[]): SourcedValue<string> | undefined {
  // The values may be secrets: the error names the sources only.
  return agree(readSources(env, names), (a, b) => `${a.source} and ${b.source} are both set, to different values; keep one (or give both the same value)`);
}

function agree<T>(candidates: readonly SourcedValue<T>[], describe: (a: SourcedValue<T>, b: SourcedValue<T>) => string): SourcedValue<T> | undefined {
  const [first, ...rest] = candidates;
  const other = rest.find((candidate) => candidate.value !== first?.value);
  if (first !== undefined && other !== undefined) throw new ConfigError(describe(first, other));
  return first;
}

/** Every non-empty source of a setting: NAME from the environment, NAME_FILE read (trimmed) from its file. */
function readSources(env: Env, names: readonly string[]): SourcedValue<string>[] {
  const found: SourcedValue<string>[] = [];
  for (const name of names) {
    const direct = env[name];
    if (direct !== undefined && direct !== '') found.push({ source: name, value: direct });
    const file = env[`${name}_FILE`];
    if (file === undefined || file === '') continue;
    let content: string;
    try {
      content = readFileSync(file, 'utf8').trim();
    } catch (error) {
      throw new ConfigError(`${name}_FILE=${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (content === '') throw new ConfigError(`${name}_FILE=${file} is empty`);
    found.push({ source: `${name}_FILE`, value: content });
  }
  return found;
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
