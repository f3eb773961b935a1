// A child process for the crash test: the exporter process as main.ts runs it (runExporterProcess), with
// the fault injector in its collector thread; once the exporter has started, its collector thread is made
// to crash. Flags as for main.ts.
import { runExporterProcess } from '../../../exporter/serving/exporter-process.ts';
import { COLLECTOR_FAULTS } from './collector-faults.ts';

await runExporterProcess(process.argv.slice(2), { launchedBy: process.ppid, collectorImports: [new URL('./collector-faults.ts', import.meta.url).href] });
if (process.exitCode === undefined) {
  const faults = new BroadcastChannel(COLLECTOR_FAULTS);
  faults.postMessage({ type: 'crash' });
  faults.close();
}
