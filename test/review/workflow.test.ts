// The GitHub Actions workflow, tested as far as it can be without GitHub: the file parses and has the
// structure Actions needs (trigger, permissions, ordered steps), every npm script it runs exists, the
// review step writes where the comment step reads, and the comment step's own script, run against an
// in-memory comment list that behaves like GitHub's issue-comments API, posts one comment and then
// updates that same comment on the next push.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { load } from 'js-yaml';
import { COMMENT_MARKER } from '../../review/markdown.ts';
import { REPO } from '../support/review-fixtures.ts';

interface Step {
  readonly name?: string;
  readonly id?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly with?: Record<string, unknown>;
}
interface Workflow {
  readonly on: Record<string, unknown>;
  readonly permissions: Record<string, string>;
  readonly jobs: Record<string, { 'runs-on': string; steps: Step[] }>;
}

const workflow = load(readFileSync(join(REPO, '.github/workflows/review.yml'), 'utf8')) as Workflow;
const steps = workflow.jobs.review?.steps ?? [];
const runs = steps.flatMap((s) => (s.run === undefined ? [] : [s.run.trim()]));
const packageJson = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

describe('.github/workflows/review.yml', () => {
  test('runs on pull requests with read access to the code and write access to pull requests only', () => {
    assert.ok('pull_request' in workflow.on);
    assert.deepEqual(workflow.permissions, { contents: 'read', 'pull-requests': 'write' });
    assert.equal(workflow.jobs.review?.['runs-on'], 'ubuntu-latest');
    const checkout = steps.find((s) => s.uses?.startsWith('actions/checkout@'));
    assert.equal(checkout?.with?.['fetch-depth'], 0, 'the base commit must be in the clone for git worktree');
  });

  test('npm ci, generate --check, the fast test lane, then the review, in that order', () => {
    assert.deepEqual(runs, [
      'npm ci --no-audit --no-fund',
      'npm run generate -- --check',
      'npm run test:unit',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a template string
      'npm run -s review -- --base "${{ github.event.pull_request.base.sha }}" --out review-out',
    ]);
  });

  test('every npm script the workflow runs exists in package.json', () => {
    const scripts = runs.flatMap((run) => [...run.matchAll(/npm run (?:-s )?([\w:-]+)/g)].map((m) => m[1] as string));
    assert.deepEqual(scripts, ['generate', 'test:unit', 'review']);
    const missing = scripts.filter((name) => packageJson.scripts[name] === undefined);
    assert.deepEqual(missing, [], `package.json has no script ${missing.join(', ')}`);
    assert.equal(packageJson.scripts.review, 'node --import tsx review.ts');
  });

  test('the comment step posts one comment, then updates it on the next push, leaving other comments alone', async () => {
    const step = steps.find((s) => s.uses?.startsWith('actions/github-script@'));
    const script = step?.with?.script;
    assert.equal(typeof script, 'string');
    assert.match(String(script), /readFileSync\('review-out\/review\.md'/, 'reads what the review step wrote with --out review-out');

    // GitHub's issue-comments API, in memory: list (paged), create, update.
    const comments: { id: number; body: string; user: { type: string } }[] = [{ id: 1, body: 'LGTM', user: { type: 'User' } }];
    const calls: string[] = [];
    const github = {
      paginate: async (method: (args: unknown) => Promise<{ data: unknown[] }>, args: unknown) => (await method(args)).data,
      rest: {
        issues: {
          listComments: async (args: { issue_number: number }) => {
            calls.push(`list ${args.issue_number}`);
            return { data: comments.map((c) => ({ ...c })) };
          },
          createComment: async (args: { issue_number: number; body: string }) => {
            calls.push(`create ${args.issue_number}`);
            const comment = { id: comments.length + 1, body: args.body, user: { type: 'Bot' } };
            comments.push(comment);
            return { data: comment };
          },
          updateComment: async (args: { comment_id: number; body: string }) => {
            calls.push(`update ${args.comment_id}`);
            const comment = comments.find((c) => c.id === args.comment_id);
            assert.ok(comment);
            comment.body = args.body;
            return { data: comment };
          },
        },
      },
    };
    const context = { repo: { owner: 'acme', repo: 'genesys' }, payload: { pull_request: { number: 7 } }, serverUrl: 'https://github.com', runId: 42 };
    const logged: string[] = [];
    const core = { info: (line: string) => logged.push(line) };
    const realRequire = createRequire(join(REPO, 'package.json'));
    let review = '';
    // github-script resolves relative requires and paths from the workspace (the repository root).
    const requireInWorkspace = (id: string): unknown =>
      id === 'fs' ? { readFileSync: (path: string) => (path === 'review-out/review.md' ? review : assert.fail(`unexpected read ${path}`)) } : realRequire(id);
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...values: unknown[]) => Promise<void>;
    const run = new AsyncFunction('require', 'github', 'context', 'core', String(script));

    review =
      '<!-- genesys-review -->\n**Summary:** 1 dashboard changed (1 panel).\n\n![Layout of genesys-queue-overview before and after](genesys-queue-overview.svg)\n';
    await run(requireInWorkspace, github, context, core);
    review = '<!-- genesys-review -->\n**No changes.**\n';
    await run(requireInWorkspace, github, context, core);

    assert.deepEqual(calls, ['list 7', 'create 7', 'list 7', 'update 2']);
    assert.deepEqual(logged, ['review comment created: 2', 'review comment updated: 2']);
    assert.deepEqual(
      comments.map((c) => c.body),
      ['LGTM', '<!-- genesys-review -->\n**No changes.**\n'],
    );
  });

  test('the comment step looks for the marker the review writes on its first line', () => {
    const { MARKER } = createRequire(join(REPO, 'package.json'))('./review/post-comment.cjs') as { MARKER: string };
    assert.equal(MARKER, COMMENT_MARKER);
  });

  test('layout pictures become a link to the run artifact; an over-long review is cut with a note', () => {
    const { commentBody } = createRequire(join(REPO, 'package.json'))('./review/post-comment.cjs') as {
      commentBody: (markdown: string, url: string) => string;
    };
    const url = 'https://github.com/acme/genesys/actions/runs/42';
    assert.equal(
      commentBody('<!-- genesys-review -->\n![Layout of d before and after](d.svg)\n', url),
      '<!-- genesys-review -->\n_Layout of d before and after: `d.svg` in the [review artifact](https://github.com/acme/genesys/actions/runs/42)._\n',
    );
    const long = commentBody(`<!-- genesys-review -->\n${'- x\n'.repeat(30000)}`, url);
    assert.ok(long.length < 65536, `${long.length} characters is over GitHub's limit`);
    assert.match(long, /\*\*Cut at 60000 characters\.\*\* The whole review is `review\.md` in the \[review artifact\]/);
    // Cut inside a code block inside <details>: both are closed before the note, so it renders as text.
    const inBlock = commentBody(`<!-- genesys-review -->\n<details><summary>x</summary>\n\n\`\`\`diff\n${'- x\n'.repeat(30000)}\`\`\`\n</details>\n`, url);
    assert.match(inBlock, /\n- x\n```\n<\/details>\n\n\*\*Cut at 60000 characters\.\*\*/);
  });
});
