// Grafana file provisioning: a dashboard provider reading out/dashboards/, and an example Prometheus
// datasource whose fixed uid the dashboards' datasource variable can default to.

import { GRAFANA_FOLDER } from '../config/project.ts';
import { PROMETHEUS_DATASOURCE_UID } from './contract.ts';
import { generatedHeader, renderYaml } from './stable-render.ts';

export const DASHBOARD_PROVIDER_PATH = 'grafana/provisioning/dashboards/genesys.yaml';
export const DATASOURCE_PATH = 'grafana/provisioning/datasources/prometheus.yaml';

/** Where a Grafana container would mount out/dashboards/. */
export const GRAFANA_DASHBOARDS_MOUNT = '/var/lib/grafana/dashboards/genesys';

export function renderDashboardProvider(): string {
  const provider = {
    apiVersion: 1,
    providers: [
      {
        name: 'genesys-cloud',
        orgId: 1,
        folder: GRAFANA_FOLDER,
        type: 'file',
        disableDeletion: true,
        // The files are generated: edits in the Grafana UI would be lost on the next deploy.
        allowUiUpdates: false,
        updateIntervalSeconds: 60,
        options: { path: GRAFANA_DASHBOARDS_MOUNT, foldersFromFilesStructure: false },
      },
    ],
  };
  return renderYaml(provider, [
    ...generatedHeader(['generator/render-grafana-provisioning.ts', 'config/project.ts']),
    `Copy to /etc/grafana/provisioning/dashboards/ and mount out/dashboards/ at ${GRAFANA_DASHBOARDS_MOUNT}.`,
  ]);
}

export function renderDatasource(): string {
  const datasources = {
    apiVersion: 1,
    datasources: [
      {
        name: 'Prometheus (Genesys Cloud)',
        type: 'prometheus',
        uid: PROMETHEUS_DATASOURCE_UID,
        access: 'proxy',
        url: 'http://localhost:9090',
        isDefault: false,
        editable: false,
        jsonData: { timeInterval: '15s', httpMethod: 'POST' },
      },
    ],
  };
  return renderYaml(datasources, [
    ...generatedHeader(['generator/render-grafana-provisioning.ts']),
    'An example datasource: copy to /etc/grafana/provisioning/datasources/ and set url to your Prometheus.',
    `The dashboards' datasource variable can point at its fixed uid "${PROMETHEUS_DATASOURCE_UID}".`,
    'timeInterval matches the 15 s scrape interval, so that $__rate_interval covers at least four scrapes.',
  ]);
}
