// generate type-checks the dashboard, alert and metric modules (tsx runs them unchecked) with ts-morph's own
// compiler, reading the repository's tsconfig.json, and reports file:line:column and the compiler's message.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createTypeChecker } from '../../generator/type-check.ts';
import { formatTypeProblem } from '../../generator/type-problem.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const DETAIL = 'dashboards/queue-detail.ts';
// One checker for the file: a later call reuses the declarations the first one parsed (seconds).
let checker: ReturnType<typeof createTypeChecker> | undefined;
function typeCheck(replacements?: ReadonlyMap<string, string>) {
  checker ??= createTypeChecker(ROOT);
  return checker(replacements).problems;
}

describe('type check of the generator sources', () => {
  // One check, not two: a check costs seconds of CPU (the compiler checks every module again in each program),
  // and "exactly one problem, the misspelt unit" also says that the repository's modules compile as they are.
  test("the repository modules compile under the bundled compiler with tsconfig.json: a misspelt unit ('percentunitt') is the one problem, reported with file, line and the compiler's message", () => {
    const original = readFileSync(resolve(ROOT, DETAIL), 'utf8');
    const at = original.indexOf("unit: 'percentunit',");
    assert.ok(at >= 0, `${DETAIL} sets unit: 'percentunit' somewhere (fixture)`);
    const line = original.slice(0, at).split('\n').length;
    const broken = `${original.slice(0, at)}unit: 'percentunitt',${original.slice(at + "unit: 'percentunit',".length)}`;
    const problems = typeCheck(new Map([[DETAIL, broken]]));
    assert.equal(problems.length, 1, `want only the misspelt unit; the checker reported:\n${problems.map(formatTypeProblem).join('\n')}`);
    const [problem] = problems;
    assert.equal(problem?.file, DETAIL);
    assert.equal(problem?.line, line);
    assert.match(problem?.message ?? '', /'"percentunitt"' is not assignable to type 'Unit'/);
    assert.match(formatTypeProblem(problem ?? { file: '', line: 0, column: 0, message: '' }), new RegExp(`^${DETAIL}:${line}:\\d+: `));
  });

  test('a replacement outside the checked folders is refused, naming them', () => {
    assert.throws(() => typeCheck(new Map([['exporter/main.ts', '']])), /exporter\/main\.ts is not under dashboards, alerts, metrics/);
  });
});
