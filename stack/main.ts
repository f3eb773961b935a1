// `npm run stack`: the whole pipeline on this machine, for a demo or for scripts.
//   npm run stack                      simulator + exporter + Prometheus + Alertmanager + webhook sink
//   npm run stack -- --seed 7          another simulated day
//   npm run stack -- --org org.yaml    your own simulated org (see simulator/README.md)
//   npm run stack -- --work-dir DIR    keep logs and data in DIR (default: a temp folder, removed on exit)
//   npm run stack -- --fast            1 s scrapes and polls, for watching alerts fire within minutes
//   npm run stack -- --rules-from DIR  Prometheus files from another generated folder (default: out/)
// The first stdout line is one JSON object with the URLs, for scripts; then human-readable lines.
// Ctrl-C or SIGTERM stops everything.

import { resolve } from 'node:path';
import { Command } from 'commander';
import { processRegistry } from './processes.ts';
import { REPO_ROOT } from './repo.ts';
import { startStack, type Stack } from './stack.ts';

interface Options {
  readonly seed: string;
  readonly org?: string;
  readonly workDir?: string;
  readonly fast?: boolean;
  readonly rulesFrom: string;
}

const options = new Command('stack')
  .description('Run simulator, exporter, Prometheus, Alertmanager and a webhook sink locally')
  .option('--seed <n>', 'simulator seed', '1')
  .option('--org <file>', 'simulator org file (YAML/JSON)')
  .option('--work-dir <dir>', 'keep logs, generated files and data here')
  .option('--fast', 'scrape, evaluate and poll every second (the production intervals otherwise)')
  .option('--rules-from <dir>', 'generated folder whose scrape config and rules Prometheus loads', resolve(REPO_ROOT, 'out'))
  .parse()
  .opts<Options>();

const seed = Number(options.seed);
if (!Number.isInteger(seed) || seed < 0) {
  process.stderr.write(`stack: --seed ${options.seed} must be a whole number\n`);
  process.exit(2);
}

// Until the JSON line is out, progress goes to stderr (stdout's first line is reserved for it); after, stdout.
let urlsPrinted = false;
const human = (line: string): void => void (urlsPrinted ? process.stdout : process.stderr).write(`${line}\n`);
let stack: Stack | undefined;
processRegistry.exitOnSignals(async () => {
  human('stopping…');
  await stack?.close();
  await processRegistry.stopAll(); // anything a half-finished start left behind
  human('stopped');
});

try {
  stack = await startStack({
    seed,
    orgFile: options.org === undefined ? undefined : resolve(options.org),
    workDir: options.workDir === undefined ? undefined : resolve(options.workDir),
    // The demo runs exactly the committed out/ files; Alertmanager's copy differs only in the receivers'
    // wiring (local sink, secret files), which comes from the generator's config override.
    prometheusFilesFrom: resolve(options.rulesFrom),
    ...(options.fast === true
      ? {
          scrapeIntervalSeconds: 1,
          evaluationIntervalSeconds: 1,
          exporterFlags: ['--collector.unsafe-fast-polling', '--collector.observations.interval=1s', '--collector.aggregates.interval=2s'],
        }
      : {}),
    log: human,
  });
} catch (error) {
  human(`stack: could not start: ${error instanceof Error ? error.message : String(error)}`);
  await processRegistry.stopAll();
  process.exit(1);
}

process.stdout.write(`${JSON.stringify(stack.urls)}\n`);
urlsPrinted = true;
const lines = [
  `simulator     ${stack.urls.simulator}  (ground truth: ${stack.urls.simulator}/sim/truth/now)`,
  `exporter      ${stack.urls.exporter}/metrics`,
  `prometheus    ${stack.urls.prometheus}  (alerts: ${stack.urls.prometheus}/alerts)`,
  `alertmanager  ${stack.urls.alertmanager}`,
  `receiver      ${stack.urls.receiver}  (PagerDuty and Slack notifications are printed below)`,
  `logs          ${stack.workDir}`,
  'Grafana: add a Prometheus data source for the URL above and import out/dashboards/*.json (see stack/README.md).',
  'Try a surge: curl -X POST -H content-type:application/json ' +
    `-d '{"scenario":"surge","queueId":"<id from ${stack.urls.simulator}/sim/queues>","factor":10}' ${stack.urls.simulator}/sim/scenarios`,
  'Ctrl-C stops everything.',
];
for (const line of lines) human(line);
