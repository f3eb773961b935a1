// generate checks dashboards with validators precompiled from Grafana's JSON schemas
// (generator/schemas/grafana-validators.js). This fails when that file is not exactly what the schema files
// compile to today (a schema updated, the compiler changed, the file edited), naming the command that
// rewrites it; and shows the precompiled validators still reject what the schemas reject.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { grafanaSchemas } from '../../generator/grafana-schemas.ts';
import {
  compileGrafanaValidators,
  VALIDATORS_COMMAND,
  VALIDATORS_DECLARATIONS,
  VALIDATORS_MODULE,
  validatorDeclarations,
} from '../../generator/grafana-validator-source.ts';

describe('precompiled Grafana schema validators', () => {
  test('generator/schemas/grafana-validators.js and .d.ts are what the schemas compile to', () => {
    const stale = `is stale: run \`${VALIDATORS_COMMAND}\` and commit the result`;
    assert.ok(readFileSync(VALIDATORS_MODULE, 'utf8') === compileGrafanaValidators(), `generator/schemas/grafana-validators.js ${stale}`);
    assert.ok(readFileSync(VALIDATORS_DECLARATIONS, 'utf8') === validatorDeclarations(), `generator/schemas/grafana-validators.d.ts ${stale}`);
  });

  test('they reject what the schemas reject: a wrong type, an unknown panel property, a bad option, a bad target', () => {
    const schemas = grafanaSchemas();
    const rejects = (errors: string[] | undefined, expected: string) =>
      assert.ok(errors?.includes(expected), `expected "${expected}" in ${JSON.stringify(errors)}`);
    rejects(schemas.dashboard({ title: 'x', refresh: 5 }), '/refresh must be string');
    rejects(schemas.dashboard({ title: 'x' }), "(root) must have required property 'schemaVersion'");
    assert.deepEqual(schemas.panel({ type: 'stat', colour: 'red' }), ['(root) must NOT have additional properties "colour"']);
    rejects(schemas.panelOptions('stat', { colorMode: 7 }), '/colorMode must be string');
    rejects(schemas.prometheusTarget({ refId: 'A', expr: 1 }), '/expr must be string');
    assert.deepEqual(schemas.panel({ type: 'stat', id: 1 }), []);
    assert.equal(schemas.panelOptions('worldmap', {}), undefined);
  });
});
