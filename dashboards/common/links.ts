// Links between the dashboards: the family menu on every dashboard, and the drill-down from a queue
// on the overview to the detail dashboard.

import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { DASHBOARD_TAG, DASHBOARD_UIDS } from '../../config/project.ts';
import { VAR } from './variables.ts';

/** Links to every dashboard of the family (by tag), keeping the time range and the variables. */
export function familyLink(): dashboard.DashboardLinkBuilder {
  return new dashboard.DashboardLinkBuilder('Genesys Cloud dashboards')
    .type(dashboard.DashboardLinkType.Dashboards)
    .tags([DASHBOARD_TAG])
    .asDropdown(true)
    .keepTime(true)
    .includeVars(true)
    .targetBlank(false);
}

/**
 * The queue detail dashboard for the clicked series' queue (its queue_name label), keeping the time range,
 * datasource, cluster and media type. Grafana URL-encodes the label value in data links.
 */
export function queueDetailDataLink(): dashboard.DashboardLinkBuilder {
  const keep = [VAR.datasource, VAR.cluster, VAR.mediaType].map((name) => `\${${name}:queryparam}`).join('&');
  const url = `/d/${DASHBOARD_UIDS.queueDetail}?var-${VAR.queue}=\${__field.labels.queue_name}` + `&\${__url_time_range}&${keep}`;
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Grafana data link variable, expanded by Grafana
  return new dashboard.DashboardLinkBuilder('Queue detail: ${__field.labels.queue_name}').type(dashboard.DashboardLinkType.Link).url(url).targetBlank(false);
}
