// buildInfo(): from dist/build-info.json when the build wrote one, else package.json and git; never throws.
// The module is copied into temp layouts (a built tree, a bare unpacked tree) and imported from there, as
// it finds its files relative to itself.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildInfo, versionLine } from '../../exporter/build-info.ts';

const MODULE = new URL('../../exporter/build-info.ts', import.meta.url);

describe('buildInfo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'build-info-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** A copy of the module at <root>/exporter/build-info.ts, with `files` at <root>. */
  async function loadFrom(root: string, files: Record<string, string>): Promise<typeof import('../../exporter/build-info.ts')> {
    mkdirSync(join(root, 'exporter'), { recursive: true });
    copyFileSync(MODULE, join(root, 'exporter', 'build-info.ts'));
    for (const [name, content] of Object.entries(files)) writeFileSync(join(root, name), content);
    return import(pathToFileURL(join(root, 'exporter', 'build-info.ts')).href);
  }

  test('from source: the version in package.json and the checkout revision (12 hex digits)', () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const revision = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' }).trim();
    assert.deepEqual(buildInfo(), { version, revision });
    assert.equal(versionLine(), `genesys-cloud-exporter ${version} (revision ${revision})`);
  });

  test('built: build-info.json one level above the module wins', async () => {
    const built = await loadFrom(join(dir, 'dist'), {
      'build-info.json': JSON.stringify({ version: '2.3.4', revision: 'feedbeef1234' }),
      'package.json': JSON.stringify({ version: '0.0.1' }),
    });
    assert.deepEqual(built.buildInfo(), { version: '2.3.4', revision: 'feedbeef1234' });
  });

  test('no build-info.json, no git: the package version and revision "unknown", no exception', async () => {
    const bare = await loadFrom(join(dir, 'bare'), { 'package.json': JSON.stringify({ version: '5.6.7' }) });
    assert.deepEqual(bare.buildInfo(), { version: '5.6.7', revision: 'unknown' });
    const nothing = await loadFrom(join(dir, 'nothing'), { 'build-info.json': '{not json' });
    assert.deepEqual(nothing.buildInfo(), { version: 'unknown', revision: 'unknown' });
  });
});
