// Writes generator/schemas/grafana-validators.js (and its declarations) from Grafana's JSON schemas in
// generator/schemas/grafana/. Run it after changing a schema file; test/generator/grafana-validators.test.ts
// fails until you do.
import { writeFileSync } from 'node:fs';
import { compileGrafanaValidators, VALIDATORS_MODULE, validatorDeclarations, VALIDATORS_DECLARATIONS } from '../generator/grafana-validator-source.ts';

writeFileSync(VALIDATORS_MODULE, compileGrafanaValidators());
writeFileSync(VALIDATORS_DECLARATIONS, validatorDeclarations());
console.log(`wrote ${VALIDATORS_MODULE.pathname} and its declarations`);
