// The generated Kubernetes manifests, read back from out/deploy/kubernetes/ and checked with the
// maintained model libraries (kubernetes-models, @kubernetes-models/prometheus-operator): schema
// validation, then what the schemas cannot know: the objects select each other, Prometheus' job is the one
// the alerts select, the scrape settings are the example scrape config's, and the exporter accepts the
// environment the Deployment gives it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { load } from 'js-yaml';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Service } from 'kubernetes-models/v1';
import { CREDENTIAL_ENV, DEPLOY } from '../../../config/deploy.ts';
import { EXPORTER_JOB } from '../../../config/project.ts';
import { kubernetesManifests } from '../../../deploy/kubernetes.ts';
import { parseConfig } from '../../../exporter/config.ts';
import { renderYaml } from '../../../generator/stable-render.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const OUT = join(ROOT, 'out');
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const readYaml = (path: string): unknown => load(readFileSync(join(OUT, path), 'utf8'));

// Built from the files as committed, not from the generator's objects: this is what `kubectl apply` gets.
const deployment = new Deployment(readYaml('deploy/kubernetes/deployment.yaml') as ConstructorParameters<typeof Deployment>[0]);
const service = new Service(readYaml('deploy/kubernetes/service.yaml') as ConstructorParameters<typeof Service>[0]);
const serviceMonitor = new ServiceMonitor(readYaml('deploy/kubernetes/servicemonitor.yaml') as ConstructorParameters<typeof ServiceMonitor>[0]);
const pod = deployment.spec!.template.spec!;
const container = pod.containers[0]!;

const isSubset = (subset: Readonly<Record<string, string>> | undefined, of: Readonly<Record<string, string>> | undefined): boolean =>
  subset !== undefined && Object.keys(subset).length > 0 && Object.entries(subset).every(([k, v]) => of?.[k] === v);

describe('Kubernetes manifests', () => {
  it('are the generator output (out/ is current)', () => {
    for (const manifest of kubernetesManifests(version)) {
      const committed = readFileSync(join(OUT, manifest.path), 'utf8');
      assert.deepEqual(load(committed), load(renderYaml(manifest.model.toJSON(), [])), `${manifest.path} is stale: run npm run generate`);
    }
  });

  it('validate against the Kubernetes and prometheus-operator schemas', () => {
    assert.doesNotThrow(() => deployment.validate());
    assert.doesNotThrow(() => service.validate());
    assert.doesNotThrow(() => serviceMonitor.validate());
  });

  it('the validation rejects what a cluster would reject (the check can fail)', () => {
    const brokenData = readYaml('deploy/kubernetes/deployment.yaml') as { spec: { replicas: unknown } };
    brokenData.spec.replicas = 'one';
    const broken = new Deployment(brokenData as ConstructorParameters<typeof Deployment>[0]);
    assert.throws(() => broken.validate(), /replicas/);
    const badData = readYaml('deploy/kubernetes/servicemonitor.yaml') as { spec: { endpoints: { interval: string }[] } };
    badData.spec.endpoints[0]!.interval = '15 seconds';
    const badInterval = new ServiceMonitor(badData as ConstructorParameters<typeof ServiceMonitor>[0]);
    assert.throws(() => badInterval.validate(), /interval/);
  });

  it('run the container non-root, read-only, without privileges or service-account token, with resources', () => {
    assert.equal(pod.securityContext?.runAsNonRoot, true);
    assert.ok((pod.securityContext?.runAsUser ?? 0) > 0, 'a numeric non-zero uid (runAsNonRoot can verify it)');
    assert.equal(pod.automountServiceAccountToken, false);
    assert.equal(container.securityContext?.readOnlyRootFilesystem, true);
    assert.equal(container.securityContext?.allowPrivilegeEscalation, false);
    assert.deepEqual(container.securityContext?.capabilities?.drop, ['ALL']);
    assert.ok(container.resources?.requests?.['cpu'] !== undefined && container.resources.requests['memory'] !== undefined, 'requests');
    assert.ok(container.resources?.limits?.['memory'] !== undefined, 'a memory limit');
    assert.equal(container.image, `${DEPLOY.image}:${version}`);
  });

  it('probe /-/healthy (liveness) and /-/ready (readiness) on the named metrics port', () => {
    assert.equal(container.livenessProbe?.httpGet?.path, '/-/healthy');
    assert.equal(container.readinessProbe?.httpGet?.path, '/-/ready');
    const portNames = (container.ports ?? []).map((port) => port.name);
    assert.ok(portNames.includes(container.livenessProbe?.httpGet?.port as string));
    assert.ok(portNames.includes(container.readinessProbe?.httpGet?.port as string));
  });

  it('connect: Deployment selects its pods, Service selects them, ServiceMonitor selects the Service and its port', () => {
    const podLabels = deployment.spec!.template.metadata?.labels;
    assert.ok(isSubset(deployment.spec!.selector.matchLabels, podLabels));
    assert.ok(isSubset(service.spec?.selector, podLabels));
    assert.ok(isSubset(serviceMonitor.spec.selector.matchLabels, service.metadata?.labels));
    const servicePort = service.spec?.ports?.[0];
    assert.equal(servicePort?.name, 'metrics');
    assert.ok((container.ports ?? []).some((port) => port.name === servicePort?.targetPort));
    assert.deepEqual(
      serviceMonitor.spec.endpoints?.map((endpoint) => endpoint.port),
      [servicePort?.name],
    );
    assert.equal(service.spec?.publishNotReadyAddresses, true, 'a not-ready exporter is still scraped (its metrics say why)');
  });

  it('give Prometheus the job name every generated alert selects', () => {
    const jobLabel = serviceMonitor.spec.jobLabel;
    assert.ok(jobLabel !== undefined, 'jobLabel set: without it the job would be the Service name');
    const job = service.metadata?.labels?.[jobLabel];
    assert.equal(job, EXPORTER_JOB);
    const rules = readYaml('prometheus/alerting_rules.yaml') as { groups: { rules: { expr: string }[] }[] };
    const selected = rules.groups.flatMap((group) => group.rules.flatMap((rule) => [...rule.expr.matchAll(/\bjob\s*=\s*"([^"]*)"/g)].map((match) => match[1])));
    assert.ok(selected.length > 0, 'the alerts select on job');
    assert.deepEqual([...new Set(selected)], [job]);
  });

  it('scrape like the example scrape config: interval, timeout, dropped transient queues', () => {
    const scrape = readYaml('prometheus/scrape_config.yaml') as {
      scrape_configs: {
        job_name: string;
        scrape_interval: string;
        scrape_timeout: string;
        metric_relabel_configs: { source_labels: string[]; regex: string; action: string }[];
      }[];
    };
    const job = scrape.scrape_configs.find((config) => config.job_name === EXPORTER_JOB);
    assert.ok(job !== undefined);
    const endpoint = serviceMonitor.spec.endpoints![0]!;
    assert.equal(endpoint.interval, job.scrape_interval);
    assert.equal(endpoint.scrapeTimeout, job.scrape_timeout);
    assert.deepEqual(
      endpoint.metricRelabelings?.map((r) => ({ source_labels: r.sourceLabels, regex: r.regex, action: r.action })),
      job.metric_relabel_configs,
    );
  });

  it('pass the credentials and region under names the exporter accepts, all from the Secret', () => {
    const env = container.env ?? [];
    assert.deepEqual(env.map((variable) => variable.name).sort(), Object.values(CREDENTIAL_ENV).sort());
    const values: Record<string, string> = { 'client-id': 'id-from-secret', 'client-secret': 'secret-from-secret', region: 'eu-west-1' };
    const given = Object.fromEntries(
      env.map((variable) => {
        const ref = variable.valueFrom?.secretKeyRef;
        assert.equal(ref?.name, DEPLOY.kubernetes.name, `${variable.name} from the Secret`);
        return [variable.name, values[ref.key]!];
      }),
    );
    const config = parseConfig(container.args ?? [], given);
    const target = config.genesys.target;
    assert.equal(target.kind, 'genesys');
    assert.equal(target.credentials.clientId, 'id-from-secret');
    assert.equal(target.apiUrl, 'https://api.mypurecloud.ie');
  });
});
