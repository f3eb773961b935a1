// Reads an org definition from a YAML or JSON file (chosen by extension; YAML otherwise).

import { readFileSync } from 'node:fs';
import { load as loadYaml } from 'js-yaml';
import { OrgDefinitionError, parseOrgDefinition, type OrgDefinition } from './definition.ts';

export function loadOrgFile(path: string): OrgDefinition {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new OrgDefinitionError(`cannot read org file ${path}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = path.endsWith('.json') ? JSON.parse(text) : loadYaml(text);
  } catch (error) {
    throw new OrgDefinitionError(`org file ${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message}`);
  }
  return parseOrgDefinition(value, path);
}
