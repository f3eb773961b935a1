// The measuring harness every benchmark uses: warm-up runs (JIT, caches) that are thrown away, then
// several timed samples, each the CPU time (user + system, all threads, so GC helpers count too) and the
// wall time of `opsPerSample` operations. Per-sample `prepare` work (e.g. making the next poll's values
// grow) runs outside the timing. Only medians and spreads leave this file: single runs are noise here.

export interface Workload {
  /** Untimed work before each operation. */
  prepare?(): void | Promise<void>;
  /** One operation (a scrape, a poll, a model step...). */
  run(): void | Promise<void>;
}

export interface MeasureOptions {
  readonly warmupSamples: number;
  readonly samples: number;
  readonly opsPerSample: number;
}

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export interface Measurement {
  /** CPU seconds per operation. */
  readonly cpuSecondsPerOp: Spread;
  /** Wall seconds per operation. */
  readonly wallSecondsPerOp: Spread;
  readonly samples: number;
}

export async function measure(workload: Workload, options: MeasureOptions): Promise<Measurement> {
  if (options.samples < 3 || options.opsPerSample < 1)
    throw new Error(`measure: need >= 3 samples of >= 1 op, got ${options.samples} × ${options.opsPerSample}`);
  for (let i = 0; i < options.warmupSamples; i++) await sample(workload, options.opsPerSample);
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < options.samples; i++) {
    const taken = await sample(workload, options.opsPerSample);
    cpu.push(taken.cpuSeconds / options.opsPerSample);
    wall.push(taken.wallSeconds / options.opsPerSample);
  }
  return { cpuSecondsPerOp: spreadOf(cpu), wallSecondsPerOp: spreadOf(wall), samples: options.samples };
}

async function sample(workload: Workload, ops: number): Promise<{ cpuSeconds: number; wallSeconds: number }> {
  let cpuMicros = 0;
  let wallMs = 0;
  for (let op = 0; op < ops; op++) {
    await workload.prepare?.();
    const cpuStart = process.cpuUsage();
    const wallStart = performance.now();
    await workload.run();
    wallMs += performance.now() - wallStart;
    const cpu = process.cpuUsage(cpuStart);
    cpuMicros += cpu.user + cpu.system;
  }
  return { cpuSeconds: cpuMicros / 1e6, wallSeconds: wallMs / 1000 };
}

export function spreadOf(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) throw new Error('spreadOf: no values');
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/** Per-second rates from per-operation seconds (the fastest sample gives the highest rate). */
export function ratePerSecond(secondsPerOp: Spread): Spread {
  return { median: 1 / secondsPerOp.median, min: 1 / secondsPerOp.max, max: 1 / secondsPerOp.min };
}

/** Half the min–max range relative to the median, e.g. "±4%". */
export function relativeSpread(spread: Spread): string {
  if (spread.median === 0) return '±?';
  return `±${Math.round(((spread.max - spread.min) / 2 / spread.median) * 100)}%`;
}
