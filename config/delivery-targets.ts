// Which delivery targets `npm run generate` writes next to the plain dashboard and rule files. Each is a
// wrapper around the same generated documents, for one way operators deploy them. All on by default, so
// every wrapper is committed in out/ and reviewed with the change that produced it.

export interface DeliveryTargets {
  /** out/prometheus-operator/prometheusrule.yaml: a PrometheusRule with every alerting and recording rule. */
  readonly prometheusOperator: boolean;
  /** out/grafana-operator/<dashboard>.yaml: one grafana-operator GrafanaDashboard per dashboard. */
  readonly grafanaOperator: boolean;
  /** out/grafana-sidecar/<dashboard>.yaml: one ConfigMap per dashboard, labelled for the Grafana sidecar. */
  readonly grafanaSidecar: boolean;
  /** out/mimir/<namespace>.yaml: a Mimir/Cortex ruler namespace file (`mimirtool rules load`). */
  readonly mimirRuler: boolean;
  /** out/grafana-api/<dashboard>.json: the body of Grafana's POST /api/dashboards/db per dashboard. */
  readonly grafanaApi: boolean;
}

export const ALL_DELIVERY_TARGETS: DeliveryTargets = {
  prometheusOperator: true,
  grafanaOperator: true,
  grafanaSidecar: true,
  mimirRuler: true,
  grafanaApi: true,
};

/** The folder under out/ each target writes into (and nothing else does). */
export const DELIVERY_TARGET_FOLDERS: { readonly [T in keyof DeliveryTargets]: string } = {
  prometheusOperator: 'prometheus-operator',
  grafanaOperator: 'grafana-operator',
  grafanaSidecar: 'grafana-sidecar',
  mimirRuler: 'mimir',
  grafanaApi: 'grafana-api',
};
