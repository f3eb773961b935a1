// The container image without a container engine: the stages out/deploy/Dockerfile is rendered from are
// executed in a temp folder (npm ci, npm run build, npm ci --omit=dev, the COPYs), then the image's
// ENTRYPOINT is started the way the Kubernetes Deployment configures it (its env names, its Secret's keys,
// its probe paths) against the simulated org, as the image's unprivileged uid when the test runs as root.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DEPLOY } from '../../../config/deploy.ts';
import { EXPORTER_DEFAULT_PORT } from '../../../config/project.ts';
import { APP_DIR, imageStages, renderDockerfile, renderDockerignore } from '../../../deploy/dockerfile.ts';
import { BIN_PATH } from '../../../deploy/package-layout.ts';
import { buildDeployment } from '../../../deploy/kubernetes.ts';
import { startSimulatorProcess } from '../../../stack/simulator-process.ts';
import { get } from '../../support/http-client.ts';
import { waitFor } from '../../../stack/wait-for.ts';
import { type ExecutedStage, executeStages } from './support/image-steps.ts';
import { cleanEnv, startBin } from './support/run-exporter.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const revision = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
const stages = imageStages(version);

let work: string;
let runtime: ExecutedStage;

before(() => {
  work = mkdtempSync(join(tmpdir(), 'delivery-image-'));
  chmodSync(work, 0o755); // the runtime stage's unprivileged uid must reach its files, as in the image
  const executed = executeStages(stages, {
    context: ROOT,
    workRoot: work,
    buildArgs: { BUILD_REVISION: revision },
    // The base image provides node and npm on PATH. npm's own cache is warm here, so installs come from
    // it (prefer-offline: same packages, same lockfile, no network unless something is missing).
    baseEnv: { ...cleanEnv(), npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false' },
  });
  const last = executed.get('runtime');
  assert.ok(last !== undefined, 'a stage named runtime');
  runtime = last;
});

after(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe('container image', () => {
  it('the Dockerfile is exactly the rendering of the executed stages', () => {
    const dockerfile = readFileSync(join(ROOT, 'out', 'deploy', 'Dockerfile'), 'utf8');
    assert.equal(dockerfile, renderDockerfile(version, stages), 'out/deploy/Dockerfile is stale: run npm run generate');
    assert.equal(stages.at(-1)?.name, 'runtime', 'the last stage is the image');
  });

  it('the dockerignore lets through every file a COPY reads from the context, and nothing else', () => {
    const ignore = readFileSync(join(ROOT, 'out', 'deploy', 'Dockerfile.dockerignore'), 'utf8');
    assert.equal(ignore, renderDockerignore(stages));
    const allowed = ignore
      .split('\n')
      .filter((line) => line.startsWith('!'))
      .map((line) => line.slice(1));
    for (const stage of stages) {
      for (const step of stage.instructions) {
        if (step.op !== 'COPY' || step.from !== undefined) continue;
        for (const source of step.sources) assert.ok(allowed.includes(source.replace(/\/$/, '')), `${source} is let through`);
      }
    }
    assert.ok(ignore.split('\n').includes('*'), 'everything else is ignored (.git, node_modules, out/, test/)');
  });

  it('the runtime stage holds dist/, package.json and production dependencies only', () => {
    const app = runtime.map(APP_DIR);
    assert.deepEqual(readdirSync(app).sort(), ['dist', 'node_modules', 'package.json']);
    const modules = readdirSync(join(app, 'node_modules'));
    assert.ok(modules.includes('prom-client'));
    for (const devOnly of ['typescript', 'tsx', 'ts-morph', 'kubernetes-models', '@grafana'])
      assert.ok(!modules.includes(devOnly), `${devOnly} is not in the image`);
    const info = JSON.parse(readFileSync(join(app, 'dist', 'build-info.json'), 'utf8')) as { version: string; revision: string };
    assert.deepEqual(info, { version, revision }, 'the build argument reached the build');
    assert.ok(!existsSync(join(app, 'dist', 'exporter', 'main.ts')));
  });

  it('runs unprivileged, exposes the exporter port and enters at the bin', () => {
    assert.equal(runtime.user, `${DEPLOY.uid}:${DEPLOY.gid}`);
    assert.notEqual(DEPLOY.uid, 0);
    assert.deepEqual(runtime.exposed, [EXPORTER_DEFAULT_PORT]);
    assert.deepEqual(runtime.entrypoint, ['node', `${APP_DIR}/${BIN_PATH}`]);
  });

  it("starts as the Deployment configures it, answers the Deployment's probes, is ready, and exits 0 on SIGTERM", async () => {
    const simWork = join(work, 'simulator');
    mkdirSync(simWork);
    const simulator = await startSimulatorProcess({ workDir: simWork, seed: 5 });
    const container = buildDeployment(version).spec!.template.spec!.containers[0]!;
    // The Secret's values, by key, as `kubectl create secret generic … --from-literal=…` would hold them.
    const secret: Record<string, string> = {
      [DEPLOY.kubernetes.secretKeys.clientId]: simulator.endpoint.clientId,
      [DEPLOY.kubernetes.secretKeys.clientSecret]: simulator.endpoint.clientSecret,
      [DEPLOY.kubernetes.secretKeys.region]: 'eu_west_1',
    };
    const env: Record<string, string> = { ...runtime.env };
    for (const variable of container.env ?? []) {
      const key = variable.valueFrom?.secretKeyRef?.key;
      assert.ok(key !== undefined && key in secret, `${variable.name} comes from a key of the Secret`);
      env[variable.name] = secret[key]!;
    }
    const [command, ...entryArgs] = runtime.entrypoint!.map((arg) => (arg.startsWith(`${APP_DIR}/`) ? runtime.map(arg) : arg));
    // Extra arguments as `docker run <image> <flags>` passes them: the simulator instead of the region's
    // hosts, and a free loopback port instead of the published one.
    const flags = [`--genesys.api-url=${simulator.endpoint.url}`, `--genesys.login-url=${simulator.endpoint.url}`, '--web.listen-address=127.0.0.1:0'];
    const asImageUser = process.getuid?.() === 0 ? { uid: DEPLOY.uid, gid: DEPLOY.gid } : {};
    const exporter = startBin(command!, [...entryArgs, ...flags], { cwd: runtime.map(runtime.workdir), env: cleanEnv(env), ...asImageUser });
    try {
      const url = await exporter.url();
      const liveness = container.livenessProbe?.httpGet?.path;
      const readiness = container.readinessProbe?.httpGet?.path;
      assert.ok(liveness !== undefined && readiness !== undefined);
      assert.equal((await get(`${url}${liveness}`)).status, 200, `liveness probe ${liveness}`);
      await waitFor(`readiness probe ${readiness} to answer 200`, async () => ((await get(`${url}${readiness}`)).status === 200 ? true : undefined), {
        timeoutMs: 60_000,
      });
      const body = await waitFor(
        'queue depth series on /metrics',
        async () => {
          const reply = await get(`${url}/metrics`);
          return /^genesys_queue_depth\{/m.test(reply.body) ? reply.body : undefined;
        },
        { timeoutMs: 60_000 },
      );
      assert.match(body, /^genesys_exporter_simulated 0$/m, 'credentials mode, not the demo');
    } finally {
      const exit = await exporter.stop();
      await simulator.process.stop();
      assert.deepEqual(exit, { code: 0, signal: null }, exporter.logLines.slice(-5).join('\n'));
    }
  });
});
