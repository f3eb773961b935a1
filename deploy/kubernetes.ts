// Kubernetes manifests for the exporter, built with the typed, validating models of `kubernetes-models`
// and `@kubernetes-models/prometheus-operator`: a Deployment, a Service and a ServiceMonitor. Each is
// validated against the Kubernetes / operator schemas when generated; an invalid one stops the generator.

// Each model's own module, not its API group's index: an index loads every model of the group, seconds of
// `npm run generate` (measured by bench/generate.ts).
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Service } from 'kubernetes-models/v1/Service';
import { CREDENTIAL_ENV, type CredentialKey, DEPLOY } from '../config/deploy.ts';
import { EXPORTER_DEFAULT_PORT, EXPORTER_JOB, SCRAPE, TRANSIENT_QUEUE_NAMES } from '../config/project.ts';

const { name, secretKeys, resources } = DEPLOY.kubernetes;
const PORT_NAME = 'metrics';

/** Labels on every object; the ServiceMonitor's jobLabel reads `app.kubernetes.io/name`, so Prometheus'
 * `job` label is the job name the alerts select on. */
const JOB_LABEL = 'app.kubernetes.io/name';
const selectorLabels = { [JOB_LABEL]: EXPORTER_JOB, 'app.kubernetes.io/instance': name };
const labels = { ...selectorLabels, 'app.kubernetes.io/component': 'exporter' };

const HEALTH_PATHS = { liveness: '/-/healthy', readiness: '/-/ready', metrics: '/metrics' } as const;

export function buildDeployment(version: string): Deployment {
  const fromSecret = (key: CredentialKey) => ({
    name: CREDENTIAL_ENV[key],
    valueFrom: { secretKeyRef: { name, key: secretKeys[key] } },
  });
  return new Deployment({
    metadata: { name, labels },
    spec: {
      // One exporter per Genesys Cloud org: every replica polls the whole org and spends the rate budget.
      replicas: 1,
      selector: { matchLabels: selectorLabels },
      template: {
        metadata: { labels: { ...labels, 'app.kubernetes.io/version': version } },
        spec: {
          automountServiceAccountToken: false, // the exporter never calls the Kubernetes API
          securityContext: {
            runAsNonRoot: true,
            runAsUser: DEPLOY.uid,
            runAsGroup: DEPLOY.gid,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'exporter',
              image: `${DEPLOY.image}:${version}`,
              ports: [{ name: PORT_NAME, containerPort: EXPORTER_DEFAULT_PORT, protocol: 'TCP' }],
              env: [fromSecret('clientId'), fromSecret('clientSecret'), fromSecret('region')],
              // Alive as long as the process serves HTTP; never restarted for Genesys being unreachable.
              livenessProbe: { httpGet: { path: HEALTH_PATHS.liveness, port: PORT_NAME }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
              // Ready once the queue list and a first poll succeeded (503 with the reason otherwise). A
              // rollout waits for it, so a new version with broken credentials never replaces a working one.
              readinessProbe: { httpGet: { path: HEALTH_PATHS.readiness, port: PORT_NAME }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
              resources: { requests: { ...resources.requests }, limits: { ...resources.limits } },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                privileged: false,
                capabilities: { drop: ['ALL'] },
              },
            },
          ],
        },
      },
    },
  });
}

export function buildService(): Service {
  return new Service({
    metadata: { name, labels },
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels,
      ports: [{ name: PORT_NAME, port: EXPORTER_DEFAULT_PORT, targetPort: PORT_NAME, protocol: 'TCP' }],
      // Keep a not-ready exporter scrapeable: its /metrics says why (genesys_up 0, collector errors), and
      // the alerts need those series. Prometheus is the only client of this Service.
      publishNotReadyAddresses: true,
    },
  });
}

export function buildServiceMonitor(): ServiceMonitor {
  return new ServiceMonitor({
    metadata: { name, labels },
    spec: {
      // job = the value of this Service label = EXPORTER_JOB, what every generated alert selects.
      jobLabel: JOB_LABEL,
      selector: { matchLabels: selectorLabels },
      endpoints: [
        {
          port: PORT_NAME,
          path: HEALTH_PATHS.metrics,
          interval: SCRAPE.interval,
          scrapeTimeout: SCRAPE.timeout,
          // Same as the example scrape config: temporary/test queues are dropped before they are stored.
          metricRelabelings: [{ sourceLabels: ['queue_name'], regex: TRANSIENT_QUEUE_NAMES, action: 'drop' }],
        },
      ],
    },
  });
}

export interface Manifest {
  readonly path: string;
  readonly model: Deployment | Service | ServiceMonitor;
  readonly notes: readonly string[];
}

export function kubernetesManifests(version: string): readonly Manifest[] {
  const secretCommand = [
    `kubectl create secret generic ${name}`,
    `--from-literal=${secretKeys.clientId}=<OAuth client id>`,
    `--from-literal=${secretKeys.clientSecret}=<OAuth client secret>`,
    `--from-literal=${secretKeys.region}=<region, e.g. eu_west_1>`,
  ].join(' ');
  return [
    {
      path: 'deploy/kubernetes/deployment.yaml',
      model: buildDeployment(version),
      notes: [
        `The exporter, one replica per Genesys Cloud org. Credentials come from the Secret "${name}"`,
        `(keys ${Object.values(secretKeys).join(', ')}), which this repository does not ship. Create it with:`,
        `  ${secretCommand}`,
        `Set the image to where you pushed out/deploy/Dockerfile's build (default ${DEPLOY.image}:${version}).`,
      ],
    },
    {
      path: 'deploy/kubernetes/service.yaml',
      model: buildService(),
      notes: [`The exporter's ${PORT_NAME} port (${EXPORTER_DEFAULT_PORT}) for the ServiceMonitor.`],
    },
    {
      path: 'deploy/kubernetes/servicemonitor.yaml',
      model: buildServiceMonitor(),
      notes: [
        "prometheus-operator scrape configuration. Prometheus' `job` label becomes",
        `"${EXPORTER_JOB}" (via jobLabel), the job the generated alerts select. If your Prometheus selects`,
        'ServiceMonitors by label (kube-prometheus-stack: `release: <helm release>`), add that label.',
      ],
    },
  ];
}
