// Ground truth from the simulator, in the shapes the e2e checks need: a recording of the real-time state
// (so a Prometheus sample can be compared with what the simulator had when the exporter polled), and the
// contacts' events (offered, answered, abandoned, breached, waited) to count over any window.
import type { ContactTruth, MediaType, TruthNow } from '../../../simulator/control-types.ts';
import type { SimulatorClient } from '../../../stack/simulator-client.ts';

export interface TruthSample {
  /** Unix ms of the simulator's clock when the state was read. */
  readonly at: number;
  readonly truth: TruthNow;
}

/** Reads /sim/truth/now every `intervalMs` until stopped. */
export class TruthRecorder {
  readonly samples: TruthSample[] = [];
  #timer: NodeJS.Timeout | undefined;
  #inFlight = false;

  constructor(private readonly simulator: SimulatorClient) {}

  start(intervalMs = 200): void {
    const read = async (): Promise<void> => {
      if (this.#inFlight) return;
      this.#inFlight = true;
      try {
        const truth = await this.simulator.truthNow();
        this.samples.push({ at: Date.parse(truth.time), truth });
      } catch {
        // a missed reading only widens the band a check looks at; the checks require readings there
      } finally {
        this.#inFlight = false;
      }
    };
    void read();
    this.#timer = setInterval(() => void read(), intervalMs);
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /**
   * The smallest and largest value of `read` over the readings in [fromMs, toMs]; undefined without
   * readings. For a value that grows one second per second between changes (a wait), `growsWithTime`
   * extends each reading to `growUntilMs` (default toMs) for the maximum: a later look at the same contact
   * finds it older. The last reading before fromMs counts too: it is the state the window opens in until the
   * next reading, and readings are sparse while the simulator is slow to answer them (a fresh-clone CI run saw
   * a longest wait read 32 ms before the window's first reading, over a second after the window opened).
   * For the minimum, a growing value is likewise followed back to the reading before it: a wait w read at s was
   * w − (s − t) at any t since the previous reading, when the contact was already waiting (otherwise 0). So a
   * poll between two readings, when the longest-waiting contact changed between them, is inside (a CI run saw
   * 44.444 s polled 65 ms before a reading of 44.509 s, the reading before it showing an older contact).
   */
  range(
    fromMs: number,
    toMs: number,
    read: (truth: TruthNow) => number,
    growsWithTime = false,
    growUntilMs = toMs,
  ): { min: number; max: number; readings: number } | undefined {
    const first = this.samples.findIndex((s) => s.at >= fromMs);
    const inWindow = first < 0 ? [] : this.samples.slice(first).filter((s) => s.at <= toMs);
    if (inWindow.length === 0) return undefined;
    const opening = first > 0 ? this.samples[first - 1] : undefined;
    const readings = opening === undefined ? inWindow : [opening, ...inWindow];
    // Each reading bounds the values between it and its neighbours. A level is what was read. A growing value
    // reaches back to the previous reading (see above) and forward to growUntilMs; and a contact that came and
    // went between two readings (none shows it) waited at most the time to the next reading (or to toMs).
    const bounds = readings.map((s, i) => {
      const value = read(s.truth);
      if (!growsWithTime) return { low: value, high: value };
      const previous = readings[i - 1];
      const nextAt = readings[i + 1]?.at ?? toMs;
      return {
        low: previous === undefined ? value : Math.max(0, value - (s.at - previous.at) / 1000),
        high: Math.max(value > 0 ? value + Math.max(0, growUntilMs - s.at) / 1000 : 0, Math.max(0, nextAt - s.at) / 1000),
      };
    });
    return { min: Math.min(...bounds.map((b) => b.low)), max: Math.max(...bounds.map((b) => b.high)), readings: readings.length };
  }
}

export type EventKind =
  | 'offered'
  | 'answered'
  | 'abandoned'
  | 'breached'
  | 'waited'
  /** An abandon within the org's short-abandon threshold (tShortAbandon), at the abandon. */
  | 'shortAbandoned'
  /** An abandon that was not short, at the abandon (abandoned − short abandoned). */
  | 'abandonedNotShort'
  /** tAnswered: the wait of an answered contact, at the answer (amountMs). */
  | 'answerWaited'
  /** tHandle at the end of after-call work (amountMs). */
  | 'handled'
  /** tTalk at the end of the talk (amountMs). */
  | 'talked'
  /** tHeld at the end of the hold (amountMs). */
  | 'held'
  /** tAcw at the end of after-call work (amountMs). */
  | 'wrappedUp'
  /** nTransferred and its kind, at the end of the talk. */
  | 'transferred'
  | 'blindTransferred'
  | 'consultTransferred'
  /** tFlowOut, when the flow moved the contact out of the queue. */
  | 'flowedOut';

/** One thing a counter, summary or the wait histogram counts, at the time it posts in Genesys. */
export interface ContactEvent {
  readonly kind: EventKind;
  readonly queueId: string;
  readonly mediaType: MediaType;
  /** Unix ms. */
  readonly at: number;
  /** For 'waited': the wait in ms. */
  readonly waitMs?: number;
  /** For timers (answerWaited, handled, talked, held, wrappedUp): the duration in ms that the summary's _sum adds. */
  readonly amountMs?: number;
}

/**
 * The events of contacts, timed as Genesys posts them: nOffered at arrival, tAnswered and nOverSla at
 * answer, tAbandon at abandon, tWait when the wait ends (answer or abandon). A breach (the exporter's
 * genesys_queue_sla_breach_total) is nOverSla or tAbandon: not answered within target.
 */
export function contactEvents(contacts: readonly ContactTruth[]): ContactEvent[] {
  const events: ContactEvent[] = [];
  for (const c of contacts) {
    const base = { queueId: c.queueId, mediaType: c.mediaType };
    events.push({ ...base, kind: 'offered', at: Date.parse(c.arrivedAt) });
    if (c.outcome === 'answered' && c.answeredAt !== undefined) {
      const at = Date.parse(c.answeredAt);
      events.push({ ...base, kind: 'answered', at });
      if (!c.answeredWithinTarget) events.push({ ...base, kind: 'breached', at });
      events.push({ ...base, kind: 'waited', at, waitMs: c.waitMs });
    }
    if (c.outcome === 'answered' && c.answeredAt !== undefined)
      events.push({ ...base, kind: 'answerWaited', at: Date.parse(c.answeredAt), amountMs: c.waitMs ?? 0 });
    if (c.heldMs !== undefined && c.holdEndedAt !== undefined) events.push({ ...base, kind: 'held', at: Date.parse(c.holdEndedAt), amountMs: c.heldMs });
    if (c.talkMs !== undefined && c.disconnectedAt !== undefined)
      events.push({ ...base, kind: 'talked', at: Date.parse(c.disconnectedAt), amountMs: c.talkMs });
    if (c.transfer !== undefined && c.disconnectedAt !== undefined) {
      const at = Date.parse(c.disconnectedAt);
      events.push({ ...base, kind: 'transferred', at });
      events.push({ ...base, kind: c.transfer === 'blind' ? 'blindTransferred' : 'consultTransferred', at });
    }
    if (c.endedAt !== undefined) {
      const at = Date.parse(c.endedAt);
      if (c.handleMs !== undefined) events.push({ ...base, kind: 'handled', at, amountMs: c.handleMs });
      if (c.acwMs !== undefined) events.push({ ...base, kind: 'wrappedUp', at, amountMs: c.acwMs });
    }
    if (c.flowedOutAt !== undefined) events.push({ ...base, kind: 'flowedOut', at: Date.parse(c.flowedOutAt) });
    if (c.outcome === 'abandoned' && c.abandonedAt !== undefined) {
      const at = Date.parse(c.abandonedAt);
      events.push({ ...base, kind: 'abandoned', at });
      events.push({ ...base, kind: c.shortAbandon === true ? 'shortAbandoned' : 'abandonedNotShort', at });
      // Not answered within target: a breach, posted when the contact abandons (as the exporter counts it).
      events.push({ ...base, kind: 'breached', at });
      events.push({ ...base, kind: 'waited', at, waitMs: c.waitMs });
    }
  }
  return events;
}

export interface EventFilter {
  readonly kind: EventKind;
  readonly queueIds?: ReadonlySet<string>;
  /** One media type, or any of several (the dashboards' $media_type selection). */
  readonly mediaType?: MediaType | readonly MediaType[];
  /** For 'waited': only waits under this many ms (a histogram bucket's `lt` bound, as the exporter's views). */
  readonly waitBelowMs?: number;
}

/**
 * The checks select the same few subsets of ~100,000 events again and again (per sample, per term, per
 * evaluation time): each events array gets an index by kind, and each selection is kept, so a filter runs
 * once per distinct selection. Selections are shared, hence readonly; an events array must not change once
 * selected from (the e2e tests fetch a fresh one for each check).
 */
interface EventIndex {
  readonly byKind: ReadonlyMap<EventKind, readonly ContactEvent[]>;
  readonly selections: Map<string, readonly ContactEvent[]>;
}
const eventIndexes = new WeakMap<readonly ContactEvent[], EventIndex>();

function eventIndex(events: readonly ContactEvent[]): EventIndex {
  let index = eventIndexes.get(events);
  if (index === undefined) {
    const byKind = new Map<EventKind, ContactEvent[]>();
    for (const e of events) {
      const same = byKind.get(e.kind);
      if (same === undefined) byKind.set(e.kind, [e]);
      else same.push(e);
    }
    index = { byKind, selections: new Map() };
    eventIndexes.set(events, index);
  }
  return index;
}

function filterKey(filter: EventFilter): string {
  const queues = filter.queueIds === undefined ? '*' : [...filter.queueIds].sort().join(',');
  const media = filter.mediaType === undefined ? '*' : typeof filter.mediaType === 'string' ? `=${filter.mediaType}` : `[${filter.mediaType.join(',')}]`;
  return JSON.stringify([filter.kind, queues, media, filter.waitBelowMs ?? null]);
}

/** The events that pass `filter`, in their original order. */
export function selectEvents(events: readonly ContactEvent[], filter: EventFilter): readonly ContactEvent[] {
  const index = eventIndex(events);
  const key = filterKey(filter);
  const known = index.selections.get(key);
  if (known !== undefined) return known;
  const selected = (index.byKind.get(filter.kind) ?? []).filter(
    (e) =>
      (filter.queueIds === undefined || filter.queueIds.has(e.queueId)) &&
      (filter.mediaType === undefined || (typeof filter.mediaType === 'string' ? e.mediaType === filter.mediaType : filter.mediaType.includes(e.mediaType))) &&
      (filter.waitBelowMs === undefined || (e.waitMs ?? Infinity) < filter.waitBelowMs),
  );
  index.selections.set(key, selected);
  return selected;
}

/**
 * Events sorted by time, with running totals of their timers: a count or sum over any window is two binary
 * searches instead of a scan. Totals are kept only when every amount is a safe integer (ms), so that a
 * difference of totals equals the scan's sum exactly; otherwise sums fall back to the scan. Like selections,
 * kept per (unchanging) events array.
 */
interface Timeline {
  /** The events by time (events without a valid time, which no window counts, left out). */
  readonly sorted: readonly ContactEvent[];
  readonly times: Float64Array;
  /** totalMs[i]: the amounts of the first i events by time; undefined when not exact. */
  readonly totalMs: Float64Array | undefined;
}
const timelines = new WeakMap<readonly ContactEvent[], Timeline>();

export function timelineOf(events: readonly ContactEvent[]): Timeline {
  let timeline = timelines.get(events);
  if (timeline === undefined) {
    const sorted = events.filter((e) => !Number.isNaN(e.at)).sort((a, b) => a.at - b.at);
    const times = Float64Array.from(sorted, (e) => e.at);
    let exact = true;
    let magnitudeMs = 0;
    const totalMs = new Float64Array(sorted.length + 1);
    sorted.forEach((e, i) => {
      const amount = e.amountMs ?? 0;
      if (!Number.isSafeInteger(amount)) exact = false;
      magnitudeMs += Math.abs(amount);
      totalMs[i + 1] = totalMs[i]! + amount;
    });
    if (!Number.isSafeInteger(magnitudeMs)) exact = false;
    timeline = { sorted, times, totalMs: exact ? totalMs : undefined };
    timelines.set(events, timeline);
  }
  return timeline;
}

/** How many of the sorted times are ≤ ms. */
export function countUpTo(times: Float64Array, ms: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! <= ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Events with fromMs < at ≤ toMs. */
export function countBetween(events: readonly ContactEvent[], fromMs: number, toMs: number): number {
  if (!(toMs > fromMs)) return 0;
  const { times } = timelineOf(events);
  return countUpTo(times, toMs) - countUpTo(times, fromMs);
}

/** What a summary's _sum adds for events with fromMs < at ≤ toMs, in seconds. */
export function secondsBetween(events: readonly ContactEvent[], fromMs: number, toMs: number): number {
  if (!(toMs > fromMs)) return 0;
  const { times, totalMs } = timelineOf(events);
  if (totalMs === undefined) {
    let ms = 0;
    for (const e of events) if (e.at > fromMs && e.at <= toMs) ms += e.amountMs ?? 0;
    return ms / 1000;
  }
  return (totalMs[countUpTo(times, toMs)]! - totalMs[countUpTo(times, fromMs)]!) / 1000;
}

/** The q-quantile (nearest rank) of values; undefined for none. */
export function quantile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
