// Every series name a query may select, with what the validators need to know about it: the labels it
// carries and whether its raw value is meaningless without rate() (counters and histogram series).

import { catalog, TARGET_LABELS, type MetricDefinition } from '../metrics/catalog.ts';

export type SeriesKind =
  | 'gauge'
  | 'counter'
  | 'histogram_bucket'
  | 'histogram_sum'
  | 'histogram_count'
  | 'summary_sum'
  | 'summary_count'
  | 'recorded'
  | 'synthetic';

/** `unknown` when we cannot tell which labels a series has (ALERTS carries the alerts' labels). */
export type LabelSet = { readonly known: true; readonly labels: ReadonlySet<string> } | { readonly known: false };

export const UNKNOWN_LABELS: LabelSet = { known: false };
export const NO_LABELS: LabelSet = { known: true, labels: new Set() };
export const labelSet = (labels: Iterable<string>): LabelSet => ({ known: true, labels: new Set(labels) });

export interface SeriesInfo {
  readonly name: string;
  readonly kind: SeriesKind;
  readonly labels: LabelSet;
  /** Where it comes from, for hints: the catalog metric or the recording rule. */
  readonly origin: string;
}

/** Series Prometheus itself produces: `up` per target, ALERTS/ALERTS_FOR_STATE per active alert. */
const SYNTHETIC: readonly SeriesInfo[] = [
  { name: 'up', kind: 'synthetic', labels: labelSet(TARGET_LABELS), origin: 'Prometheus (one per scrape target)' },
  { name: 'ALERTS', kind: 'synthetic', labels: UNKNOWN_LABELS, origin: 'Prometheus (active alerts)' },
  { name: 'ALERTS_FOR_STATE', kind: 'synthetic', labels: UNKNOWN_LABELS, origin: 'Prometheus (pending alerts)' },
];

function catalogSeries(name: string, definition: MetricDefinition): SeriesInfo[] {
  const labels = [...definition.labels, ...TARGET_LABELS];
  const origin = `metrics/catalog.ts ${name}`;
  switch (definition.type) {
    case 'gauge':
      return [{ name, kind: 'gauge', labels: labelSet(labels), origin }];
    case 'counter':
      return [{ name, kind: 'counter', labels: labelSet(labels), origin }];
    case 'histogram':
      return [
        { name: `${name}_bucket`, kind: 'histogram_bucket', labels: labelSet([...labels, 'le']), origin },
        { name: `${name}_sum`, kind: 'histogram_sum', labels: labelSet(labels), origin },
        { name: `${name}_count`, kind: 'histogram_count', labels: labelSet(labels), origin },
      ];
    case 'summary':
      return [
        { name: `${name}_sum`, kind: 'summary_sum', labels: labelSet(labels), origin },
        { name: `${name}_count`, kind: 'summary_count', labels: labelSet(labels), origin },
      ];
  }
}

export class SeriesRegistry {
  private readonly byName = new Map<string, SeriesInfo>();

  constructor(series: Iterable<SeriesInfo>) {
    for (const info of series) this.byName.set(info.name, info);
  }

  /** The catalog's series plus Prometheus' own. */
  static fromCatalog(): SeriesRegistry {
    const fromCatalog = Object.entries(catalog as Record<string, MetricDefinition>).flatMap(([name, definition]) => catalogSeries(name, definition));
    return new SeriesRegistry([...fromCatalog, ...SYNTHETIC]);
  }

  /** A copy that also knows recorded series (the labels come from the rule's expression). */
  withRecorded(recorded: Iterable<SeriesInfo>): SeriesRegistry {
    return new SeriesRegistry([...this.byName.values(), ...recorded]);
  }

  lookup(name: string): SeriesInfo | undefined {
    return this.byName.get(name);
  }

  /** Sorted, so suggestions do not depend on insertion order. */
  names(): string[] {
    return [...this.byName.keys()].sort();
  }
}

/** A histogram's base name used bare (`genesys_queue_wait_time_seconds`): say which series exist instead. */
export function histogramBaseName(name: string): boolean {
  const definition = (catalog as Record<string, MetricDefinition>)[name];
  return definition?.type === 'histogram';
}

/** A summary's base name used bare (`genesys_queue_handle_time_seconds`): say which series exist instead. */
export function summaryBaseName(name: string): boolean {
  const definition = (catalog as Record<string, MetricDefinition>)[name];
  return definition?.type === 'summary';
}
