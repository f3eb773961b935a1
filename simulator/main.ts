// `npm run simulator -- --port 0 --seed 42 --org org.yaml`: serves a simulated org until SIGTERM/SIGINT.
// The first stdout line is one JSON object for scripts ({url, clientId, clientSecret}); then human lines.

import { Command, InvalidArgumentError } from 'commander';
import { createLogger } from '../exporter/log.ts';
import { startSimulator, type SimulatorOptions } from './index.ts';

function integer(name: string, min: number) {
  return (value: string): number => {
    if (!/^-?\d+$/.test(value) || Number(value) < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
    return Number(value);
  };
}

function number(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a number > 0`);
    return n;
  };
}

const program = new Command('simulator')
  .description('A simulated Genesys Cloud org: OAuth, routing queues, observations and aggregates, with scenarios and faults under /sim/.')
  .option('--port <port>', 'TCP port (0 = any free port)', integer('--port', 0), 0)
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--seed <seed>', 'seed of the org and the traffic', '1')
  .option('--org <file>', 'org definition (YAML or JSON); default: a generated org')
  .option('--queues <n>', 'generated org: number of queues', integer('--queues', 1))
  .option('--divisions <n>', 'generated org: number of divisions', integer('--divisions', 1))
  .option('--agents <n>', 'generated org: number of agents (default: sized to the traffic)', integer('--agents', 0))
  .option('--arrivals-per-minute <n>', 'generated org: total arrivals per minute', number('--arrivals-per-minute'))
  .option('--token-lifetime <seconds>', 'lifetime of issued tokens', integer('--token-lifetime', 1), 86400)
  .option('--rate-limit <perMinute>', 'requests per minute per token', integer('--rate-limit', 1), 300)
  .option('--client-id <id>', 'accepted OAuth client id (default: generated)')
  .option('--client-secret <secret>', 'accepted OAuth client secret (default: generated; prefer SIMULATOR_CLIENT_SECRET)')
  .option('--speed <factor>', 'simulated seconds per wall-clock second', number('--speed'), 1);

program.parse();
const flags = program.opts<{
  port: number;
  host: string;
  seed: string;
  org?: string;
  queues?: number;
  divisions?: number;
  agents?: number;
  arrivalsPerMinute?: number;
  tokenLifetime: number;
  rateLimit: number;
  clientId?: string;
  clientSecret?: string;
  speed: number;
}>();

const logger = createLogger();
const seed = /^\d+$/.test(flags.seed) ? Number(flags.seed) : flags.seed;
const clientSecret = flags.clientSecret ?? process.env['SIMULATOR_CLIENT_SECRET'];
const options: SimulatorOptions = {
  port: flags.port,
  host: flags.host,
  seed,
  ...(flags.org === undefined ? {} : { org: flags.org }),
  orgSize: {
    ...(flags.queues === undefined ? {} : { queues: flags.queues }),
    ...(flags.divisions === undefined ? {} : { divisions: flags.divisions }),
    ...(flags.agents === undefined ? {} : { agents: flags.agents }),
    ...(flags.arrivalsPerMinute === undefined ? {} : { arrivalsPerMinute: flags.arrivalsPerMinute }),
  },
  tokenLifetimeSeconds: flags.tokenLifetime,
  rateLimitPerMinute: flags.rateLimit,
  speed: flags.speed,
  logger,
  ...(flags.clientId === undefined ? {} : { clientId: flags.clientId }),
  ...(clientSecret === undefined ? {} : { clientSecret }),
};

try {
  const sim = await startSimulator(options);
  process.stdout.write(`${JSON.stringify({ url: sim.url, clientId: sim.clientId, clientSecret: sim.clientSecret })}\n`);
  const queues = sim.queues();
  process.stdout.write(
    [
      `Simulated Genesys Cloud org on ${sim.url} (seed ${String(seed)}): ${queues.length} queues, ${sim.org.agents.length} agents.`,
      `  login:   POST ${sim.url}/oauth/token (Basic auth with the clientId/clientSecret above)`,
      `  api:     ${sim.url}/api/v2/routing/queues, .../analytics/queues/observations/query, .../analytics/conversations/aggregates/query`,
      `  control: ${sim.url}/sim/truth/now, /sim/truth/contacts, /sim/queues, /sim/scenarios, /sim/faults, /sim/requests`,
      '',
    ].join('\n'),
  );
  // Closing drops held connections at once; should it still hang, the process does not outlive a
  // supervisor's grace period: exit 1 after CLOSE_DEADLINE_MS, or at once on a second signal.
  const CLOSE_DEADLINE_MS = 5_000;
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      process.stdout.write(`${signal} again: exiting now\n`);
      process.exit(1);
    }
    stopping = true;
    process.stdout.write(`${signal}: stopping the simulator\n`);
    setTimeout(() => {
      process.stderr.write(`simulator: still closing after ${CLOSE_DEADLINE_MS} ms, exiting\n`);
      process.exit(1);
    }, CLOSE_DEADLINE_MS).unref();
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
} catch (error) {
  process.stderr.write(`simulator: ${(error as Error).message}\n`);
  process.exit(2);
}
