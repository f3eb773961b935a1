// `npm run build`: compiles the exporter (and what it runs: metrics/, config/, the embedded simulator) to
// plain JavaScript in dist/ with tsconfig.build.json, then
// - writes dist/build-info.json ({version, revision}), which exporter/build-info.ts reads for --version and
//   genesys_exporter_build_info;
// - makes the bin (dist/exporter/main.js) executable with a `#!/usr/bin/env node` line, so the package's
//   `bin` entry works when installed from the tarball.
// dist/ is emptied first: a deleted source file must not live on as a stale .js file in the package.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN_PATH, BUILD_INFO_PATH, DIST_DIR } from '../deploy/package-layout.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The revision baked into the build: BUILD_REVISION when set (a container build has no .git, so the
 * Dockerfile passes it as a build argument), else `git rev-parse --short=12 HEAD`, else "unknown".
 */
export function buildRevision(cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const given = env['BUILD_REVISION']?.trim();
  if (given !== undefined && given !== '' && given !== 'unknown') {
    if (!/^[0-9a-f]{7,40}$/.test(given)) throw new Error(`BUILD_REVISION "${given}" is not a git commit id (7 to 40 lower-case hex digits)`);
    return given;
  }
  try {
    return (
      execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
        cwd,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'ignore'],
        encoding: 'utf8',
      }).trim() || 'unknown'
    );
  } catch {
    return 'unknown'; // not a git checkout (a source tarball, a container build context without .git)
  }
}

const SHEBANG = '#!/usr/bin/env node\n';

function build(): void {
  rmSync(join(root, DIST_DIR), { recursive: true, force: true });
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!existsSync(tsc)) throw new Error('TypeScript is not installed: run `npm ci` (the build needs the dev dependencies)');
  const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
  if (compiled.status !== 0) {
    // tsc emits even with type errors; a half-checked dist/ must not be packaged.
    rmSync(join(root, DIST_DIR), { recursive: true, force: true });
    throw new Error(`tsc -p tsconfig.build.json failed (exit ${compiled.status ?? compiled.signal}); dist/ removed`);
  }

  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const info = { version, revision: buildRevision(root) };
  writeFileSync(join(root, BUILD_INFO_PATH), `${JSON.stringify(info, null, 2)}\n`);

  const bin = join(root, BIN_PATH);
  const code = readFileSync(bin, 'utf8');
  if (!code.startsWith('#!')) writeFileSync(bin, SHEBANG + code);
  chmodSync(bin, 0o755);
  // stderr: `npm pack --json` (which runs this as prepack) keeps a parseable stdout.
  process.stderr.write(`build: ${DIST_DIR}/ written (version ${info.version}, revision ${info.revision}); bin ${BIN_PATH}\n`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    build();
  } catch (error) {
    process.stderr.write(`build: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
