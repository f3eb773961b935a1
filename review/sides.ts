// Both sides of the review, generated from source: the base ref checked out in a temporary git
// worktree, and the working tree as it is. Each side runs its own generator (`generate.ts --out
// <tmp>`), so neither side's committed out/ is trusted and a generator change shows its effect. The
// base worktree borrows this checkout's node_modules (a base with other dependencies may need `npm ci`
// in a checkout of it instead); the worktree and the temp folders are removed whatever happens.

import { type ChildProcess, execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readOutTree } from './out-tree.ts';

const execFileAsync = promisify(execFile);

/** A generator normally takes seconds; one that hangs must not hold a CI job until its own timeout. */
const GENERATE_TIMEOUT_MS = 600_000;

/** A failure of the review itself (bad ref, a side that does not generate): exit 2, message on stderr. */
export class ReviewError extends Error {}

export interface GeneratedSide {
  readonly ref: string;
  readonly commit: string;
  readonly tree: Map<string, string>;
}

function git(cwd: string, args: readonly string[]): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new ReviewError(`git ${args.join(' ')} failed${stderr === '' ? '' : `: ${stderr}`}`);
  }
}

export function repositoryRoot(cwd: string): string {
  try {
    return git(cwd, ['rev-parse', '--show-toplevel']);
  } catch {
    throw new ReviewError(`${cwd} is not inside a git repository: run npm run review from a checkout of this project`);
  }
}

function resolveCommit(root: string, ref: string): string {
  if (ref.startsWith('-')) throw new ReviewError(`--base ${ref}: a git ref cannot start with "-"`);
  try {
    return git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch {
    throw new ReviewError(`--base ${ref}: not a commit in this repository (try a branch, a tag, HEAD~1 or origin/main after git fetch)`);
  }
}

/** Runs one side's generator into `outDir`; its error output is the error when it fails. */
async function generate(sideRoot: string, outDir: string, label: string, running: Set<ChildProcess>): Promise<Map<string, string>> {
  if (!existsSync(join(sideRoot, 'generate.ts'))) throw new ReviewError(`${label}: has no generate.ts, nothing to generate`);
  const run = execFileAsync(process.execPath, ['--import', 'tsx', 'generate.ts', '--out', outDir, '--no-readme'], {
    cwd: sideRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: GENERATE_TIMEOUT_MS,
  });
  running.add(run.child);
  try {
    await run;
  } catch (error) {
    const e = error as { code?: unknown; killed?: boolean; signal?: unknown; stdout?: unknown; stderr?: unknown };
    const output = `${String(e.stderr ?? '')}${String(e.stdout ?? '')}`.trim();
    const how = e.killed === true && e.signal === 'SIGTERM' ? `did not finish within ${GENERATE_TIMEOUT_MS / 1000} s` : `failed (exit ${String(e.code)})`;
    throw new ReviewError(`${label}: generate ${how}:\n${output}`);
  } finally {
    running.delete(run.child);
  }
  return readOutTree(outDir);
}

export async function generateBothSides(root: string, baseRef: string): Promise<{ base: GeneratedSide; head: GeneratedSide }> {
  const baseCommit = resolveCommit(root, baseRef);
  const headCommit = git(root, ['rev-parse', 'HEAD']);
  const temp = mkdtempSync(join(tmpdir(), 'genesys-review-'));
  const worktree = join(temp, 'base');
  const cleanUp = (): void => {
    if (existsSync(worktree)) {
      try {
        git(root, ['worktree', 'remove', '--force', worktree]);
      } catch {
        // Removed below with the temp folder; `worktree prune` forgets it.
      }
    }
    rmSync(temp, { recursive: true, force: true });
    try {
      git(root, ['worktree', 'prune']);
    } catch {
      // Nothing to prune is not an error worth reporting over the review's own result.
    }
  };
  const running = new Set<ChildProcess>();
  // Interrupted: stop the generators first, so that none writes into the folders being removed.
  const onSignal = (signal: NodeJS.Signals): void => {
    for (const child of running) child.kill('SIGKILL');
    cleanUp();
    process.kill(process.pid, signal);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    git(root, ['worktree', 'add', '--detach', '--quiet', worktree, baseCommit]);
    if (existsSync(join(root, 'node_modules'))) symlinkSync(join(root, 'node_modules'), join(worktree, 'node_modules'), 'dir');
    // Both generators run at once; wait for both to finish before cleaning up, even when one failed.
    const [baseTree, headTree] = await Promise.allSettled([
      generate(worktree, join(temp, 'base-out'), `base ${baseRef} (${baseCommit.slice(0, 7)})`, running),
      generate(root, join(temp, 'head-out'), 'working tree', running),
    ]);
    if (baseTree.status === 'rejected') throw baseTree.reason;
    if (headTree.status === 'rejected') throw headTree.reason;
    return {
      base: { ref: baseRef, commit: baseCommit, tree: baseTree.value },
      head: { ref: 'working tree', commit: headCommit, tree: headTree.value },
    };
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    cleanUp();
  }
}
