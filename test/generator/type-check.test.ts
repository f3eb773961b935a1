// generate type-checks the dashboard, alert and metric modules (tsx runs them unchecked) with ts-morph's own
// compiler, reading the repository's tsconfig.json, and reports file:line:column and the compiler's message.
//
// The checker's behaviour is shown on a small tree whose tsconfig.json extends the repository's and whose
// packages are the repository's (the same options, module resolution and SDK declarations, a fraction of the
// files): a check of the whole repository is seconds of CPU. Only the global declarations are fewer: no
// @types/node and no DOM library (four fifths of what the compiler would parse). The repository itself must pass
// too: that is generate's own cached check, which checks again whenever a file it read, tsconfig.json or the
// installed packages changed since its last pass, so the repository's own types and libraries are checked there
// (`npm test` runs `generate --check` before the tests).

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Unit } from '../../dashboards/common/panels.ts';
import { createTypeChecker } from '../../generator/type-check.ts';
import { typeCheckUnlessUnchanged } from '../../generator/type-check-cache.ts';
import { formatTypeProblem } from '../../generator/type-problem.ts';

const ROOT = resolve(import.meta.dirname, '../..');

// The repository's own unit type rejects the misspelling (`npm run typecheck` fails if this stops being an error).
// @ts-expect-error 'percentunitt' is not one of the SDK's unit ids
export const misspeltUnit: Unit = 'percentunitt';

const tree = mkdtempSync(join(tmpdir(), 'type-check-'));
after(() => rmSync(tree, { recursive: true, force: true }));
const write = (path: string, text: string) => {
  mkdirSync(join(tree, path, '..'), { recursive: true });
  writeFileSync(join(tree, path), text);
};
write('tsconfig.json', JSON.stringify({ extends: join(ROOT, 'tsconfig.json'), compilerOptions: { types: [], lib: ['ES2022'] } }));
write('package.json', JSON.stringify({ type: 'module' }));
symlinkSync(join(ROOT, 'node_modules'), join(tree, 'node_modules'));
// A unit type derived from the SDK's unit ids as dashboards/common/panels.ts derives it, imported from outside
// the checked folders with a .ts extension; import.meta is an ES module's (tsconfig's NodeNext would not allow it here).
write(
  'lib/units.ts',
  "import type * as units from '@grafana/grafana-foundation-sdk/units';\nexport type Unit = Extract<(typeof units)[keyof typeof units], string>;\n",
);
const PANEL = 'dashboards/panel.ts';
const panel = (unit: string) =>
  [
    "import type { Unit } from '../lib/units.ts';",
    'export const meta: object = import.meta;',
    'export const spec: { readonly title: string; readonly unit: Unit } = {',
    "  title: 'Service level',",
    `  unit: '${unit}',`,
    '};',
    '',
  ].join('\n');
write(PANEL, panel('percentunit'));

// One checker for the file: a later call reuses the declarations the first one parsed.
let checker: ReturnType<typeof createTypeChecker> | undefined;
function typeCheck(replacements?: ReadonlyMap<string, string>) {
  checker ??= createTypeChecker(tree);
  return checker(replacements).problems;
}

describe('type check of the generator sources', () => {
  test("with the repository's compiler options and the SDK's declarations, a misspelt unit ('percentunitt') is the one problem, reported with file, line and the compiler's message; the file as on disk passes", () => {
    const problems = typeCheck(new Map([[PANEL, panel('percentunitt')]]));
    assert.equal(problems.length, 1, `want only the misspelt unit; the checker reported:\n${problems.map(formatTypeProblem).join('\n')}`);
    const [problem] = problems;
    assert.equal(problem?.file, PANEL);
    assert.equal(problem?.line, 5);
    assert.match(problem?.message ?? '', /'"percentunitt"' is not assignable to type 'Unit'/);
    assert.match(formatTypeProblem(problem ?? { file: '', line: 0, column: 0, message: '' }), new RegExp(`^${PANEL}:5:\\d+: `));
    // The replacement is undone by the next check.
    assert.deepEqual(typeCheck().map(formatTypeProblem), []);
  });

  test('a replacement outside the checked folders is refused, naming them', () => {
    assert.throws(() => typeCheck(new Map([['exporter/main.ts', '']])), /exporter\/main\.ts is not under dashboards, alerts, metrics/);
  });

  test("the repository's modules pass the check (generate's recorded pass while nothing it read changed, else a check)", async () => {
    const { problems } = await typeCheckUnlessUnchanged(ROOT, () => import('../../generator/type-check.ts'));
    assert.deepEqual(problems.map(formatTypeProblem), []);
  });
});
