// The exporter process around the threaded exporter: argv, exit codes, signals, a collector thread that
// fails (fatal: logged, exit 1, as node_exporter would rather die than serve old data). main.ts runs it;
// a test runs it with a fault injected into the collector thread.
import { ConfigError, ConfigHelpRequested, parseConfig } from '../config.ts';
import type { ExporterConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { watchForOrphaning } from '../orphan-watch.ts';
import { WebConfigError } from '../web-config.ts';
import { startThreadedExporter, type ThreadedExporter } from './threaded-exporter.ts';

export interface ProcessOptions {
  /** The parent pid read before the (slow) startup: npm may be killed while we start, and the watch must still notice. */
  readonly launchedBy: number;
  /** Modules the collector thread imports before its entry: tests' fault injectors only. */
  readonly collectorImports?: readonly string[];
}

export async function runExporterProcess(argv: readonly string[], options: ProcessOptions): Promise<void> {
  let config: ExporterConfig;
  try {
    config = parseConfig(argv);
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
  let exporter: ThreadedExporter;
  try {
    exporter = await startThreadedExporter(argv, {
      logger,
      collectorImports: options.collectorImports,
      onFatal: (error) => {
        // Lines the collector thread wrote before it failed are already out (they come in order with its failure).
        logger.error('fatal: the collector thread failed; exiting rather than serving data that no longer updates', { error: error.message });
        process.exit(1);
      },
    });
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
    }, options.launchedBy);
  }
}
