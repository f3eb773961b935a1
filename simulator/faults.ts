// Faults switched on at run time. Each has an optional end (durationSeconds on the service clock) and an
// optional budget (count of requests it may shape); the HTTP layer asks which fault applies to a request.

import { ONE_SHOT_FAULTS } from './control-parse.ts';
import type { FaultInfo, FaultName, FaultRequest, SimEndpoint } from './control-types.ts';

interface ActiveFault {
  readonly id: string;
  readonly request: FaultRequest;
  readonly startedAt: number;
  readonly endsAt?: number;
  remaining?: number;
}

export type FaultOf<N extends FaultName> = Extract<FaultRequest, { fault: N }>;

export class FaultBoard {
  private active: ActiveFault[] = [];
  private nextId = 1;

  add(request: FaultRequest, now: number): FaultInfo {
    const limits = request as { durationSeconds?: number; count?: number };
    const fault: ActiveFault = {
      id: `fault-${this.nextId++}`,
      request,
      startedAt: now,
      ...(limits.durationSeconds === undefined ? {} : { endsAt: now + limits.durationSeconds * 1000 }),
      ...(limits.count === undefined ? {} : { remaining: limits.count }),
    };
    // One-shot faults act when added (by the caller) and are not kept.
    if (!ONE_SHOT_FAULTS.includes(request.fault)) this.active.push(fault);
    return this.info(fault);
  }

  clear(): number {
    const count = this.active.length;
    this.active = [];
    return count;
  }

  remove(id: string): boolean {
    const before = this.active.length;
    this.active = this.active.filter((f) => f.id !== id);
    return this.active.length < before;
  }

  list(now: number): FaultInfo[] {
    this.expire(now);
    return this.active.map((f) => this.info(f));
  }

  /** The oldest active fault of this kind that applies to `endpoint`, using one unit of its count. */
  take<N extends FaultName>(name: N, endpoint: SimEndpoint, now: number): FaultOf<N> | undefined {
    const fault = this.find(name, endpoint, now);
    if (fault === undefined) return undefined;
    if (fault.remaining !== undefined) {
      fault.remaining--;
      if (fault.remaining <= 0) this.active = this.active.filter((f) => f !== fault);
    }
    return fault.request as FaultOf<N>;
  }

  /** Active faults of this kind (oldest first). */
  all<N extends FaultName>(name: N, now: number): FaultOf<N>[] {
    this.expire(now);
    return this.active.filter((f) => f.request.fault === name).map((f) => f.request as FaultOf<N>);
  }

  /** Like take, without using the count (for faults checked more than once per request). */
  peek<N extends FaultName>(name: N, endpoint: SimEndpoint, now: number): FaultOf<N> | undefined {
    return this.find(name, endpoint, now)?.request as FaultOf<N> | undefined;
  }

  private find(name: FaultName, endpoint: SimEndpoint, now: number): ActiveFault | undefined {
    this.expire(now);
    return this.active.find((f) => {
      if (f.request.fault !== name) return false;
      const target = (f.request as { endpoint?: SimEndpoint }).endpoint;
      return target === undefined || target === endpoint;
    });
  }

  private expire(now: number): void {
    this.active = this.active.filter((f) => f.endsAt === undefined || now < f.endsAt);
  }

  private info(f: ActiveFault): FaultInfo {
    return {
      id: f.id,
      request: f.request,
      startedAt: new Date(f.startedAt).toISOString(),
      ...(f.endsAt === undefined ? {} : { endsAt: new Date(f.endsAt).toISOString() }),
      ...(f.remaining === undefined ? {} : { remaining: f.remaining }),
    };
  }
}
