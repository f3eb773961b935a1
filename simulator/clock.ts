// Two clocks. The model clock drives traffic; the service clock drives tokens, the rate limit and faults
// (things a client measures in wall time). Served in real time, the model follows the wall clock (times
// `speed`) and the service clock is the wall clock. With a manual clock both are the model's virtual time,
// moved only by advanceTo/advanceBy, so tests are deterministic and never sleep.

export type ClockMode = 'realtime' | 'manual';

export interface SimClock {
  readonly mode: ClockMode;
  /** Where the model should be now (epoch ms). */
  modelTarget(current: number): number;
  /** Service time (epoch ms). */
  serviceNow(modelNow: number): number;
}

export function realtimeClock(modelStart: number, speed: number, wallNow: () => number = Date.now): SimClock {
  const wallStart = wallNow();
  return {
    mode: 'realtime',
    modelTarget: () => Math.floor(modelStart + (wallNow() - wallStart) * speed),
    serviceNow: () => wallNow(),
  };
}

export const manualClock: SimClock = {
  mode: 'manual',
  modelTarget: (current) => current,
  serviceNow: (modelNow) => modelNow,
};
