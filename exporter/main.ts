// `npm start [-- flags]` (or the `genesys-cloud-exporter` bin): the exporter process. It needs credentials
// (GENESYS_CLIENT_ID/SECRET or the Genesys CLI's GENESYSCLOUD_OAUTHCLIENT_ID/SECRET) and a region; without
// them it refuses to start. `npm run demo` (--simulator) runs it on an embedded simulated org instead.
// The HTTP server runs on this thread, the collectors and the renderer on a collector thread
// (serving/threaded-exporter.ts).
// Exit codes: 0 clean shutdown, --help or --version; 1 startup failure or a failed collector thread;
// 2 configuration error (flags, env, missing credentials, web config).
import { createLogger } from './log.ts';
import { runExporterProcess } from './serving/exporter-process.ts';

/** Read before the (slow) startup: npm may be killed while we start, and the watch must still notice. */
const LAUNCHED_BY = process.ppid;

runExporterProcess(process.argv.slice(2), { launchedBy: LAUNCHED_BY }).catch((error: unknown) => {
  createLogger().error('fatal error', { error: error instanceof Error ? error.message : String(error) });
  process.exitCode = 1;
});
