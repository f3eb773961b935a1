// The dashboards' template variables and the datasource every panel and query uses.

import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';
import { PROMETHEUS_DATASOURCE_UID } from '../../generator/contract.ts';
import { series } from '../../metrics/promql.ts';
import type { LabelMatcher, SeriesLabel, SeriesName } from '../../metrics/promql.ts';
import { MEDIA_TYPES } from '../../metrics/vocabulary.ts';

/** Variable names, in one place: queries and links refer to them through this object. */
export const VAR = {
  datasource: 'datasource',
  cluster: 'cluster',
  queue: 'queue',
  mediaType: 'media_type',
} as const;
export type VariableName = (typeof VAR)[keyof typeof VAR];

/** Every panel and every query reads from the Prometheus the user picks in $datasource. */
export const DATASOURCE: DataSourceRef = { type: 'prometheus', uid: `\${${VAR.datasource}}` };

/** `label_values(metric{…}, label)`, typed like a query: the metric and label must exist. */
function labelValues<S extends SeriesName>(name: S, matchers: Partial<Record<SeriesLabel<S>, LabelMatcher>>, label: SeriesLabel<S>): string {
  return `label_values(${series(name, matchers).text}, ${label})`;
}

function queryVariable(name: VariableName, label: string, description: string, definition: string) {
  return new dashboard.QueryVariableBuilder(name)
    .label(label)
    .description(description)
    .datasource(DATASOURCE)
    .query(definition)
    .definition(definition)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalCaseInsensitiveAsc);
}

/**
 * Defaults to the example datasource that out/grafana/provisioning provisions; where it does not exist
 * Grafana falls back to the default Prometheus.
 */
export function datasourceVariable(): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder(VAR.datasource)
    .label('Data source')
    .description('The Prometheus that scrapes the Genesys Cloud exporter.')
    .type('prometheus')
    .current({ text: 'Prometheus (Genesys Cloud)', value: PROMETHEUS_DATASOURCE_UID });
}

/**
 * All is allowed (as `.*`) so the dashboards also work when Prometheus attaches no cluster label: `.*`
 * matches an absent label, a single empty choice would not exist.
 */
export function clusterVariable(): dashboard.QueryVariableBuilder {
  return queryVariable(
    VAR.cluster,
    'Cluster',
    "The exporter deployment (one per Genesys Cloud org), from the scrape config's cluster label.",
    labelValues('genesys_up', {}, 'cluster'),
  )
    .includeAll(true)
    .allValue('.*');
}

/** Queue names of the chosen cluster, as the exporter lists them. */
const QUEUE_NAMES = labelValues('genesys_queue_info', { cluster: { re: `$${VAR.cluster}` } }, 'queue_name');

/** The overview's queues: any number, or All. */
export function queuesVariable(): dashboard.QueryVariableBuilder {
  return queryVariable(VAR.queue, 'Queue', 'Queues to show; All shows every queue the exporter exports.', QUEUE_NAMES)
    .multi(true)
    .includeAll(true)
    .allValue('.*');
}

/** The detail dashboard's one queue (the overview's data links set it). */
export function singleQueueVariable(): dashboard.QueryVariableBuilder {
  return queryVariable(VAR.queue, 'Queue', 'The queue to show.', QUEUE_NAMES).multi(false).includeAll(false);
}

/**
 * Media types, any number or All (the default, as `.*`): a queue that only handles email shows its data without
 * anyone changing a variable. Panels where adding media types up would mislead (waits, SLA compliance, speed of
 * answer, handle time: seconds for calls, hours for email) keep media types apart, one series per
 * media_type, and say so in their descriptions.
 */
export function mediaTypeVariable(): dashboard.QueryVariableBuilder {
  return queryVariable(
    VAR.mediaType,
    'Media type',
    `${MEDIA_TYPES.join(', ')}; All by default. Agent panels are not split by media type.`,
    labelValues('genesys_queue_depth', { cluster: { re: `$${VAR.cluster}` } }, 'media_type'),
  )
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ text: ['All'], value: ['$__all'], selected: true });
}
