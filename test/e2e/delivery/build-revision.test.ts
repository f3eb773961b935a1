// The revision `npm run build` bakes into dist/build-info.json: git's, or BUILD_REVISION in a container
// build (no .git there), or "unknown"; never an arbitrary string from the environment.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildRevision } from '../../../scripts/build.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('build revision', () => {
  it('is the checkout HEAD, 12 hex digits', () => {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const revision = buildRevision(ROOT, {});
    assert.match(revision, /^[0-9a-f]{12}$/);
    assert.ok(head.startsWith(revision));
  });

  it('is "unknown" outside a git checkout', () => {
    const dir = mkdtempSync(join(tmpdir(), 'build-revision-'));
    try {
      assert.equal(buildRevision(dir, { GIT_DIR: join(dir, 'none'), GIT_CEILING_DIRECTORIES: dir }), 'unknown');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes BUILD_REVISION (the Dockerfile build argument) and rejects what is not a commit id', () => {
    assert.equal(buildRevision('/nonexistent', { BUILD_REVISION: '0123456789ab' }), '0123456789ab');
    assert.throws(() => buildRevision(ROOT, { BUILD_REVISION: 'main; rm -rf /' }), /BUILD_REVISION "main; rm -rf \/" is not a git commit id/);
  });
});
