// `npm start [-- flags]` (or the `genesys-cloud-exporter` bin): the exporter process. It needs credentials
// (GENESYS_CLIENT_ID/SECRET or the Genesys CLI's GENESYSCLOUD_OAUTHCLIENT_ID/SECRET) and a region; without
// them it refuses to start. `npm run demo` (--simulator) runs it on an embedded simulated org instead.
// Exit codes: 0 clean shutdown, --help or --version; 1 startup failure; 2 configuration error (flags, env,
// missing credentials, web config).
import { startExporter } from './app.ts';
import type { RunningExporter } from './app.ts';
import { ConfigError, ConfigHelpRequested, parseConfig } from './config.ts';
import { createLogger } from './log.ts';
import type { ExporterConfig } from './config.ts';
import { watchForOrphaning } from './orphan-watch.ts';
import { WebConfigError } from './web-config.ts';

/** Read before the (slow) startup: npm may be killed while we start, and the watch must still notice. */
const LAUNCHED_BY = process.ppid;

async function main(): Promise<void> {
  let config: ExporterConfig;
  try {
    config = parseConfig(process.argv.slice(2));
  } catch (error) {
    if (error instanceof ConfigHelpRequested) {
      process.stdout.write(error.message);
      return;
    }
    if (error instanceof ConfigError) {
      createLogger().error(`configuration error: ${error.message}`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }

  const logger = createLogger({ level: config.log.level });
  let exporter: RunningExporter;
  try {
    exporter = await startExporter(config, { logger });
  } catch (error) {
    logger.error('startup failed', { error: error instanceof Error ? error.message : String(error) });
    process.exitCode = error instanceof WebConfigError ? 2 : 1;
    return;
  }
  logger.info('exporter started', { url: exporter.url, telemetry_path: config.web.telemetryPath });

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn('second signal: exiting without waiting', { signal });
      process.exit(1);
    }
    stopping = true;
    logger.info('shutting down', { signal });
    // Exit explicitly once everything is closed, so a stray handle cannot keep a stopped exporter alive.
    exporter.close().then(
      () => {
        logger.info('stopped');
        process.exit(process.exitCode ?? 0);
      },
      (error: unknown) => {
        logger.error('shutdown failed', { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  // Under `npm start`/`npm run demo`, `kill <npm pid>` does not reach us (npm does not forward SIGTERM):
  // losing our parent means the same thing. Not otherwise: under systemd or a container runtime the parent
  // is the supervisor, which signals us itself.
  if (process.env['npm_lifecycle_event'] !== undefined) {
    watchForOrphaning(() => {
      logger.info('parent process (npm) is gone: shutting down as on SIGTERM');
      shutdown('SIGTERM');
    }, LAUNCHED_BY);
  }
}

main().catch((error: unknown) => {
  createLogger().error('fatal error', { error: error instanceof Error ? error.message : String(error) });
  process.exitCode = 1;
});
