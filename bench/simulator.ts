// Benchmark 3: simulator headroom. The traffic model on a manual clock, stepped five simulated minutes at a
// time at 30 contacts/s (ten times the e2e fixture's ~2.9/s) over 50 generated queues with agents sized
// by the generator to run busy; result: how many times faster than real time it simulates on one core.
import { createSimulation } from '../simulator/index.ts';
import { measure } from './measure.ts';
import { againstFloor, formatNumber, formatSpread, type BenchRow } from './report.ts';

const ARRIVALS_PER_SECOND = 30;
const QUEUES = 50;
const STEP_MS = 300_000;
/** The simulator embedded in the exporter or the e2e stack then needs < 10 % of a core to keep up. */
const FLOOR_TIMES_REAL_TIME = 10;
const SAMPLING = { warmupSamples: 2, samples: 7, opsPerSample: 1 } as const;

export async function simulatorBenchmark(): Promise<BenchRow[]> {
  const sim = createSimulation({
    seed: 1,
    clock: 'manual',
    startTime: Date.UTC(2026, 10, 29, 12, 0, 0),
    warmupSeconds: 0,
    orgSize: { queues: QUEUES, divisions: 3, arrivalsPerMinute: ARRIVALS_PER_SECOND * 60 },
  });
  const measuredFrom = { ms: 0 };
  let steps = 0;
  const measurement = await measure(
    {
      run() {
        if (steps === SAMPLING.warmupSamples) measuredFrom.ms = sim.model.now;
        sim.advanceBy(STEP_MS);
        steps += 1;
      },
    },
    SAMPLING,
  );
  const measuredMs = sim.model.now - measuredFrom.ms;
  const contacts = [...sim.model.truth.between(measuredFrom.ms, sim.model.now)].length;
  if (contacts === 0) throw new Error('simulator bench: no contact arrived in the measured minutes; the workload is empty');
  const contactsPerSimulatedSecond = contacts / (measuredMs / 1000);
  const speed = {
    median: STEP_MS / 1000 / measurement.cpuSecondsPerOp.median,
    min: STEP_MS / 1000 / measurement.cpuSecondsPerOp.max,
    max: STEP_MS / 1000 / measurement.cpuSecondsPerOp.min,
  };
  const contactsPerCpuSecond = contactsPerSimulatedSecond * speed.median;
  return [
    {
      benchmark: 'simulator traffic model (manual clock)',
      workload: `${QUEUES} queues, ${formatNumber(sim.model.agents().length)} agents, ${formatNumber(contactsPerSimulatedSecond)} contacts/s simulated, 5-min steps`,
      result: `${formatSpread(speed, '× real time')}; ${formatNumber(contactsPerCpuSecond)} contacts/CPU-s`,
      reference: `floor ${FLOOR_TIMES_REAL_TIME}× real time at ${ARRIVALS_PER_SECOND}/s`,
      verdict: againstFloor(speed.median, FLOOR_TIMES_REAL_TIME),
      details: [
        `simulator: ${formatNumber(contacts)} contacts over ${formatNumber(measuredMs / 60_000)} simulated minutes, ${formatNumber(measurement.cpuSecondsPerOp.median * 1000)} ms CPU per 5 simulated minutes (median of ${measurement.samples})`,
      ],
    },
  ];
}
