// Does a JSON value fit the type an SDK method declares, as a plain literal? Read from the SDK's own
// declaration files with ts-morph, so the written module passes a literal (checked by the compiler) wherever
// one fits, an enum member where the type is an enum, and marks only the rest as verbatim.

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Project, type SourceFile } from 'ts-morph';

const require = createRequire(import.meta.url);
const project = new Project({ skipAddingFilesFromTsConfig: true, skipFileDependencyResolution: true });
const typeFiles = new Map<string, SourceFile | undefined>();

function typesOf(module: string): SourceFile | undefined {
  if (typeFiles.has(module)) return typeFiles.get(module);
  let file: SourceFile | undefined;
  try {
    const dir = dirname(require.resolve(`@grafana/grafana-foundation-sdk/${module}`));
    file = project.addSourceFileAtPath(join(dir, 'types.gen.d.ts'));
  } catch {
    file = undefined;
  }
  typeFiles.set(module, file);
  return file;
}

/** Splits `a | b | { c: d | e }` at the top-level bars only. */
function topLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if ('{[(<'.includes(char)) depth++;
    if ('}])>'.includes(char)) depth--;
    if (char === separator && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += char;
  }
  parts.push(current.trim());
  return parts.filter((p) => p !== '');
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

function fieldsFit(value: unknown, fields: readonly { name: string; type: string; optional: boolean }[], module: string): boolean {
  if (!isObject(value)) return false;
  const byName = new Map(fields.map((f) => [f.name, f]));
  if (fields.some((f) => !f.optional && !(f.name in value))) return false;
  return Object.entries(value).every(([key, v]) => {
    const field = byName.get(key);
    return field !== undefined && fits(v, field.type, module);
  });
}

function inlineFields(text: string): { name: string; type: string; optional: boolean }[] | undefined {
  const body = text.trim().replace(/^\{/, '').replace(/\}$/, '');
  const fields = [];
  for (const member of topLevel(body.replaceAll('\n', ' '), ';')) {
    const match = /^(\w+)(\?)?:\s*(.+)$/s.exec(member);
    if (!match?.[1] || !match[3]) return undefined;
    fields.push({ name: match[1], type: match[3].trim(), optional: match[2] === '?' });
  }
  return fields;
}

/** The enum a type names (`common.GraphDrawStyle`), with its members by value, if it is one. */
export function enumOf(
  typeText: string,
  module: string,
): { readonly module: string; readonly name: string; readonly members: Map<unknown, string> } | undefined {
  const [owner, name] = typeText.includes('.') ? typeText.split('.') : [module, typeText];
  if (owner === undefined || name === undefined || !/^\w+$/.test(name)) return undefined;
  const declaration = typesOf(owner)?.getEnum(name);
  if (declaration === undefined) return undefined;
  return { module: owner, name, members: new Map(declaration.getMembers().map((m) => [m.getValue(), m.getName()])) };
}

/** Whether `value`, written as a JSON literal, type-checks against `typeText` (declared in `module`'s types). */
export function fits(value: unknown, typeText: string, module: string): boolean {
  const text = typeText.trim();
  const union = topLevel(text, '|');
  if (union.length > 1) return union.some((t) => fits(value, t, module));
  if (text === 'any' || text === 'unknown') return true;
  if (text === 'string' || text === 'number' || text === 'boolean') return typeof value === text;
  if (text === 'null') return value === null;
  if (/^"[^"]*"$/.test(text)) return value === JSON.parse(text);
  if (/^-?\d+(\.\d+)?$/.test(text)) return value === Number(text);
  if (/^Record<string, any>$/.test(text)) return isObject(value);
  if (text.endsWith('[]')) return Array.isArray(value) && value.every((v) => fits(v, text.slice(0, -2), module));
  if (text.startsWith('{')) {
    const fields = inlineFields(text);
    return fields !== undefined && fieldsFit(value, fields, module);
  }
  const [owner, name] = text.includes('.') ? text.split('.') : [module, text];
  if (owner === undefined || name === undefined || !/^\w+$/.test(name)) return false;
  const file = typesOf(owner);
  const alias = file?.getTypeAlias(name);
  if (alias !== undefined) return fits(value, alias.getTypeNode()?.getText() ?? 'unknown', owner);
  const declaration = file?.getInterface(name);
  if (declaration === undefined || declaration.getExtends().length > 0) return false;
  const fields = declaration.getProperties().map((p) => ({ name: p.getName(), type: p.getTypeNode()?.getText() ?? 'unknown', optional: p.hasQuestionToken() }));
  return fieldsFit(value, fields, owner);
}
