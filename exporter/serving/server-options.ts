// The HTTP server's options from the exporter's configuration, for the server on its own thread
// (serving/threaded-exporter.ts) and the in-process exporter of the tests (app.ts) alike. A module of its own
// so the serving thread does not load the collection stack (app.ts) it never runs.
import type { ExporterConfig } from '../config.ts';
import type { ServerOptions } from '../server.ts';
import { loadWebConfig, NO_WEB_CONFIG } from '../web-config.ts';

/** The HTTP server's options from the configuration (the web config file read here), in one thread or two. */
export function serverOptionsOf(config: ExporterConfig): Pick<ServerOptions, 'listen' | 'telemetryPath' | 'webConfig' | 'dataSource'> {
  const { target } = config.genesys;
  return {
    listen: config.web.listenAddress,
    telemetryPath: config.web.telemetryPath,
    webConfig: config.web.configFile === undefined ? NO_WEB_CONFIG : loadWebConfig(config.web.configFile),
    // The landing page's line on where the data comes from.
    dataSource:
      target.kind === 'genesys' ? `Data from ${target.apiUrl}.` : 'SIMULATED data from the embedded simulated org (--simulator): not a real Genesys Cloud org.',
  };
}
