// Dashboards as Kubernetes objects, two ways: grafana-operator GrafanaDashboard resources, or ConfigMaps
// for the Grafana sidecar (kube-prometheus-stack's `grafana_dashboard: "1"` label, folder annotation). The
// ConfigMap is `kubernetes-models`' validating model; grafana-operator ships no model library, so its
// object checks what the CRD requires (a DNS-1123 name, an instanceSelector, `json` holding a dashboard).

// The model's own module, not the v1 index, which loads every core Kubernetes model (seconds of generate).
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { DELIVERY_TARGET_FOLDERS } from '../../config/delivery-targets.ts';
import { DASHBOARD_TAG, GRAFANA_FOLDER } from '../../config/project.ts';
import { dashboardFrom, type GeneratedDashboard } from './generated-documents.ts';
import { objectNameProblem, type TargetFile, type ValidatingObject } from './target-file.ts';

/** The label on the Grafana instance (kind: Grafana) the operator should put the dashboards in. */
export const GRAFANA_INSTANCE_SELECTOR = { dashboards: 'grafana' } as const;
/** The sidecar's default label (kube-prometheus-stack `sidecar.dashboards.label`/`labelValue`). */
export const SIDECAR_LABEL = { grafana_dashboard: '1' } as const;
/** The sidecar's folder annotation (kube-prometheus-stack `sidecar.dashboards.folderAnnotation`). */
export const SIDECAR_FOLDER_ANNOTATION = 'grafana_folder';

export const objectName = (dashboard: GeneratedDashboard): string => `${DASHBOARD_TAG}-${dashboard.stem}`;

export interface GrafanaDashboardSpec {
  readonly instanceSelector: { readonly matchLabels: Readonly<Record<string, string>> };
  /** Title of the folder; the operator creates it when missing. */
  readonly folder: string;
  /** The dashboard JSON model, as a string. */
  readonly json: string;
}

export class GrafanaDashboard implements ValidatingObject {
  readonly apiVersion = 'grafana.integreatly.org/v1beta1';
  readonly kind = 'GrafanaDashboard';
  constructor(
    readonly metadata: { readonly name: string; readonly labels: Readonly<Record<string, string>> },
    readonly spec: GrafanaDashboardSpec,
  ) {}

  validate(): void {
    const nameProblem = objectNameProblem(this.metadata.name);
    if (nameProblem !== undefined) throw new Error(nameProblem);
    if (Object.keys(this.spec.instanceSelector.matchLabels).length === 0)
      throw new Error('spec.instanceSelector.matchLabels is empty: it would match no Grafana');
    const model = JSON.parse(this.spec.json) as { uid?: unknown; title?: unknown };
    if (typeof model.uid !== 'string' || typeof model.title !== 'string') throw new Error('spec.json is not a dashboard with a uid and a title');
  }

  toJSON(): unknown {
    return { apiVersion: this.apiVersion, kind: this.kind, metadata: this.metadata, spec: this.spec };
  }
}

const labels = { 'app.kubernetes.io/part-of': DASHBOARD_TAG, 'app.kubernetes.io/component': 'dashboard' };

export function grafanaDashboardFile(dashboard: GeneratedDashboard): TargetFile {
  const path = `${DELIVERY_TARGET_FOLDERS.grafanaOperator}/${dashboard.stem}.yaml`;
  return {
    path,
    from: dashboardFrom(dashboard),
    model: new GrafanaDashboard(
      { name: objectName(dashboard), labels },
      { instanceSelector: { matchLabels: { ...GRAFANA_INSTANCE_SELECTOR } }, folder: GRAFANA_FOLDER, json: dashboard.json },
    ),
    notes: [
      `out/dashboards/${dashboard.fileName} for grafana-operator (v5, grafana.integreatly.org/v1beta1). Apply it with:`,
      `  kubectl apply -n <namespace> -f out/${path}`,
      `It goes to every Grafana labelled ${Object.entries(GRAFANA_INSTANCE_SELECTOR)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ')}, in the folder "${GRAFANA_FOLDER}".`,
    ],
  };
}

export function sidecarConfigMapFile(dashboard: GeneratedDashboard): TargetFile {
  const path = `${DELIVERY_TARGET_FOLDERS.grafanaSidecar}/${dashboard.stem}.yaml`;
  return {
    path,
    from: dashboardFrom(dashboard),
    model: new ConfigMap({
      metadata: {
        name: objectName(dashboard),
        labels: { ...labels, ...SIDECAR_LABEL },
        annotations: { [SIDECAR_FOLDER_ANNOTATION]: GRAFANA_FOLDER },
      },
      data: { [dashboard.fileName]: dashboard.json },
    }),
    notes: [
      `out/dashboards/${dashboard.fileName} for the Grafana sidecar (kube-prometheus-stack). Apply it with:`,
      `  kubectl apply -n <namespace> -f out/${path}`,
      `The sidecar picks up ConfigMaps labelled grafana_dashboard: "1"; the folder comes from the ${SIDECAR_FOLDER_ANNOTATION} annotation`,
      "(set the chart's sidecar.dashboards.folderAnnotation to it, and sidecar.dashboards.searchNamespace to ALL for other namespaces).",
    ],
  };
}
