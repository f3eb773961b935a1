// The npm package as an operator gets it: `npm pack` (which builds), then the tarball installed with
// production dependencies only into an empty folder, and its bin run from there: --version, the demo, a
// real (simulated) Genesys endpoint with credentials the way the systemd unit passes them, SIGTERM.
// The build runs in a copy of the sources (node_modules linked), never in the shared working tree's dist/.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CREDENTIAL_ENV, DEPLOY } from '../../../config/deploy.ts';
import { tarballName } from '../../../deploy/artifacts.ts';
import { buildInputs } from '../../../deploy/build-inputs.ts';
import { BIN_NAME, BIN_PATH, BUILD_INFO_PATH, DIST_DIR } from '../../../deploy/package-layout.ts';
import { ENVIRONMENT_FILE, renderSystemdUnit, unitSections } from '../../../deploy/systemd.ts';
import { startSimulatorProcess } from '../../../stack/simulator-process.ts';
import { get } from '../../support/http-client.ts';
import { waitFor } from '../../../stack/wait-for.ts';
import { cleanEnv, run, startBin } from './support/run-exporter.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  bin: Record<string, string>;
  files: string[];
  dependencies: Record<string, string>;
};
const revision = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();

let work: string;
let installDir: string;
let bin: string;
let packedFiles: string[];

before(() => {
  work = mkdtempSync(join(tmpdir(), 'delivery-package-'));
  const staging = join(work, 'source');
  for (const path of ['package.json', 'package-lock.json', 'README.md', ...buildInputs()]) cpSync(join(ROOT, path), join(staging, path), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(staging, 'node_modules'), 'dir');
  // `npm pack` runs the prepack script (npm run build). The copy has no .git: the revision comes in as
  // BUILD_REVISION, the way the Dockerfile passes it.
  const packed = run('npm', ['pack', '--json', '--pack-destination', work], { cwd: staging, env: { ...process.env, BUILD_REVISION: revision } });
  const [report] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  assert.ok(report !== undefined, 'npm pack printed no report');
  assert.equal(report.filename, tarballName(pkg.name, pkg.version), 'the tarball name the systemd unit and README give');
  packedFiles = report.files.map((file) => file.path);

  installDir = join(work, 'empty');
  mkdirSync(installDir);
  run('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', join(work, report.filename)], { cwd: installDir });
  bin = join(installDir, 'node_modules', '.bin', BIN_NAME);
});

after(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe('npm package', () => {
  it('package.json points its bin and files at the build output', () => {
    assert.deepEqual(pkg.bin, { [BIN_NAME]: BIN_PATH });
    assert.deepEqual(pkg.files, [`${DIST_DIR}/`]);
  });

  it('ships the compiled exporter, build info and README, and no sources, tests or generated out/', () => {
    assert.ok(packedFiles.includes(BIN_PATH), `${BIN_PATH} is in the tarball`);
    assert.ok(packedFiles.includes(BUILD_INFO_PATH), `${BUILD_INFO_PATH} is in the tarball`);
    assert.ok(packedFiles.includes('dist/simulator/index.js'), 'the embedded simulator (--simulator) is in the tarball');
    const unexpected = packedFiles.filter((path) => !path.startsWith(`${DIST_DIR}/`) && !['package.json', 'README.md', 'LICENSE'].includes(path));
    assert.deepEqual(unexpected, []);
    assert.deepEqual(
      packedFiles.filter((path) => path.endsWith('.ts')),
      [],
      'no TypeScript in the package',
    );
  });

  it('installs only production dependencies, and the installed code imports nothing else', () => {
    const installed = readdirSync(join(installDir, 'node_modules'));
    for (const devOnly of ['typescript', 'tsx', 'ts-morph', '@grafana', '@prometheus-io', 'kubernetes-models']) {
      assert.ok(!installed.includes(devOnly), `${devOnly} must not be installed with --omit=dev`);
    }
    // Every bare import in the shipped JavaScript names a production dependency or a Node.js builtin.
    const dist = join(installDir, 'node_modules', pkg.name, DIST_DIR);
    const imported = new Set<string>();
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.js')) {
          for (const match of readFileSync(path, 'utf8').matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"./][^'"]*)['"]/g))
            imported.add(match[1]!);
        }
      }
    };
    walk(dist);
    const packages = [...imported]
      .filter((specifier) => !specifier.startsWith('node:'))
      .map((specifier) =>
        specifier
          .split('/')
          .slice(0, specifier.startsWith('@') ? 2 : 1)
          .join('/'),
      );
    assert.ok(packages.includes('prom-client'), `the scan finds imports (found: ${[...imported].join(', ')})`);
    assert.deepEqual([...new Set(packages)].filter((name) => !(name in pkg.dependencies)).sort(), [], 'imported but not in dependencies');
  });

  it('`genesys-cloud-exporter --version` from the empty folder prints the version and the git revision', () => {
    const result = run(bin, ['--version'], { cwd: installDir, env: cleanEnv() });
    assert.equal(result.stdout, `genesys-cloud-exporter ${pkg.version} (revision ${revision})\n`);
  });

  it('without credentials the bin refuses to start (exit 2) instead of serving anything', () => {
    const result = spawnSync(bin, ['--web.listen-address=127.0.0.1:0'], { cwd: installDir, env: cleanEnv(), encoding: 'utf8', timeout: 30_000 });
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /GENESYSCLOUD_OAUTHCLIENT_ID/);
  });

  it('the bin runs the demo, serves /metrics and exits 0 promptly on SIGTERM', async () => {
    const exporter = startBin(bin, ['--simulator', '--web.listen-address=127.0.0.1:0'], { cwd: installDir });
    try {
      const url = await exporter.url();
      const body = await waitFor('queue series on /metrics', async () => {
        const reply = await get(`${url}/metrics`);
        return reply.status === 200 && reply.body.includes('genesys_queue_depth{') ? reply.body : undefined;
      });
      assert.match(body, /^genesys_exporter_simulated 1$/m);
      assert.match(body, new RegExp(`^genesys_exporter_build_info\\{[^}]*revision="${revision}"[^}]*\\} 1$`, 'm'));
      assert.match(body, new RegExp(`^genesys_exporter_build_info\\{[^}]*version="${pkg.version.replace(/\./g, '\\.')}"`, 'm'));
    } finally {
      const exit = await exporter.stop();
      assert.deepEqual(exit, { code: 0, signal: null }, exporter.logLines.slice(-5).join('\n'));
    }
  });
});

describe('systemd unit', () => {
  const unitValues = (key: string): string[] => unitSections().flatMap((section) => section.entries.filter(([k]) => k === key).map(([, v]) => v));

  it('passes `systemd-analyze verify` with ExecStart at the installed bin', (t) => {
    if (spawnSync('systemd-analyze', ['--version']).status !== 0) return t.skip('systemd-analyze is not installed');
    const unitDir = join(work, 'systemd');
    mkdirSync(unitDir, { recursive: true });
    const unitFile = join(unitDir, `${BIN_NAME}.service`);
    const unit = renderSystemdUnit(tarballName(pkg.name, pkg.version));
    assert.ok(unit.includes(`ExecStart=${DEPLOY.systemd.execStart}\n`));
    writeFileSync(unitFile, unit.replace(`ExecStart=${DEPLOY.systemd.execStart}\n`, `ExecStart=${bin}\n`));
    const verify = spawnSync('systemd-analyze', ['verify', unitFile], { encoding: 'utf8' });
    assert.equal(verify.status, 0, verify.stderr);
    // verify exits 0 on unknown keys and bad values too; it reports them on stderr.
    assert.equal(verify.stderr.trim(), '', 'no warnings about the unit');
  });

  it("the installed bin starts with the unit's credentials and environment file and becomes ready", async () => {
    // What systemd does: credential files in $CREDENTIALS_DIRECTORY (%d), EnvironmentFile, Environment=.
    const simWork = join(work, 'simulator');
    mkdirSync(simWork, { recursive: true });
    const simulator = await startSimulatorProcess({ workDir: simWork, seed: 3 });
    const credentialsDir = join(work, 'credentials');
    mkdirSync(credentialsDir, { mode: 0o700 });
    const values: Record<string, string> = { 'client-id': simulator.endpoint.clientId, 'client-secret': simulator.endpoint.clientSecret };
    const env: Record<string, string> = {};
    for (const credential of unitValues('LoadCredential')) {
      const [name] = credential.split(':');
      writeFileSync(join(credentialsDir, name!), `${values[name!]}\n`, { mode: 0o600 });
    }
    for (const assignment of unitValues('Environment')) {
      const [name, value] = assignment.split(/=(.*)/s) as [string, string];
      env[name] = value.replace('%d', credentialsDir);
    }
    assert.deepEqual(unitValues('EnvironmentFile'), [ENVIRONMENT_FILE]);
    env[CREDENTIAL_ENV.region] = 'eu_west_1'; // what the README puts into the environment file
    assert.ok(env[`${CREDENTIAL_ENV.clientSecret}_FILE`]?.startsWith(credentialsDir), 'the secret comes from a credential file');

    const exporter = startBin(
      bin,
      [`--genesys.api-url=${simulator.endpoint.url}`, `--genesys.login-url=${simulator.endpoint.url}`, '--web.listen-address=127.0.0.1:0'],
      { cwd: installDir, env: cleanEnv(env) },
    );
    try {
      const url = await exporter.url();
      await waitFor('/-/ready to answer 200', async () => ((await get(`${url}/-/ready`)).status === 200 ? true : undefined), { timeoutMs: 60_000 });
      // Every collector (the aggregates one too) has polled the endpoint with those credentials.
      const body = await waitFor(
        'genesys_up 1',
        async () => {
          const reply = await get(`${url}/metrics`);
          return /^genesys_up 1$/m.test(reply.body) ? reply.body : undefined;
        },
        { timeoutMs: 60_000 },
      );
      assert.match(body, /^genesys_exporter_simulated 0$/m, 'credentials mode, not the demo');
      assert.ok(!exporter.logLines.join('\n').includes(simulator.endpoint.clientSecret), 'the secret is not logged');
    } finally {
      const exit = await exporter.stop();
      await simulator.process.stop();
      assert.deepEqual(exit, { code: 0, signal: null });
      assert.ok(existsSync(credentialsDir));
    }
  });
});
