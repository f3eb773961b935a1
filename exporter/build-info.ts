// The exporter's version and git revision, for --version and genesys_exporter_build_info.
// A build writes both into build-info.json next to the compiled tree (dist/build-info.json, one level above
// dist/exporter/); running from source there is no such file, so the version comes from package.json and
// the revision from git. Never throws: a missing fact reads "unknown" rather than stopping the exporter.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface BuildInfo {
  readonly version: string;
  readonly revision: string;
}

let cached: BuildInfo | undefined;

export function buildInfo(): BuildInfo {
  cached ??= fromBuild() ?? fromSource();
  return cached;
}

/** e.g. "genesys-cloud-exporter 0.1.0 (revision abc123def456)". */
export function versionLine(): string {
  const { version, revision } = buildInfo();
  return `genesys-cloud-exporter ${version} (revision ${revision})`;
}

function fromBuild(): BuildInfo | undefined {
  const json = readJson(new URL('../build-info.json', import.meta.url));
  if (json === undefined) return undefined;
  return { version: text(json['version']) ?? 'unknown', revision: text(json['revision']) ?? 'unknown' };
}

function fromSource(): BuildInfo {
  const version = text(readJson(new URL('../package.json', import.meta.url))?.['version']) ?? 'unknown';
  return { version, revision: gitRevision() };
}

function gitRevision(): string {
  try {
    const output = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
      cwd: fileURLToPath(new URL('.', import.meta.url)),
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
      encoding: 'utf8',
    });
    return text(output.trim()) ?? 'unknown';
  } catch {
    return 'unknown'; // no git, not a checkout, or a tarball install without build-info.json
  }
}

function readJson(url: URL): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(url, 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
