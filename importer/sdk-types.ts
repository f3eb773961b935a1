// Does a JSON value fit the type an SDK method declares, as a plain literal? Read from the SDK's own
// declaration files with ts-morph, so the written module passes a literal (checked by the compiler) wherever
// one fits, an enum member where the type is an enum, and marks only the rest as verbatim.

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type EnumMember, Node, type NumericLiteral, Project, type SourceFile, SyntaxKind } from 'ts-morph';

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

interface Field {
  readonly name: string;
  readonly type: string;
  readonly optional: boolean;
}

const propertyName = (key: string) => (/^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key));

function objectLiteral(value: unknown, fields: readonly Field[], module: string, used: Set<string>): string | undefined {
  if (!isObject(value)) return undefined;
  const byName = new Map(fields.map((f) => [f.name, f]));
  if (fields.some((f) => !f.optional && !(f.name in value))) return undefined;
  const parts: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    const field = byName.get(key);
    const expression = field === undefined ? undefined : typedLiteral(v, field.type, module, used);
    if (expression === undefined) return undefined;
    parts.push(`${propertyName(key)}: ${expression}`);
  }
  return `{ ${parts.join(', ')} }`;
}

function inlineFields(text: string): Field[] | undefined {
  const body = text.trim().replace(/^\{/, '').replace(/\}$/, '');
  const fields: Field[] = [];
  for (const member of topLevel(body.replaceAll('\n', ' '), ';')) {
    const match = /^(\w+)(\?)?:\s*(.+)$/s.exec(member);
    if (!match?.[1] || !match[3]) return undefined;
    fields.push({ name: match[1], type: match[3].trim(), optional: match[2] === '?' });
  }
  return fields;
}

/**
 * An enum member's value, read from its initializer: every member in the SDK's declarations is initialised with a
 * string or number literal. Asking ts-morph (`getValue()`) would build a program with the type checker and the
 * default libraries first, seconds of CPU on every import, for the same value.
 */
function memberValue(member: EnumMember): string | number | undefined {
  const initializer = member.getInitializer();
  if (Node.isStringLiteral(initializer) || Node.isNoSubstitutionTemplateLiteral(initializer)) return initializer.getLiteralValue();
  if (Node.isNumericLiteral(initializer)) return initializer.getLiteralValue();
  if (Node.isPrefixUnaryExpression(initializer) && Node.isNumericLiteral(initializer.getOperand()) && initializer.getOperatorToken() === SyntaxKind.MinusToken)
    return -(initializer.getOperand() as NumericLiteral).getLiteralValue();
  return member.getValue();
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
  return { module: owner, name, members: new Map(declaration.getMembers().map((m) => [memberValue(m), m.getName()])) };
}

/**
 * A TypeScript expression for `value` that type-checks against `typeText` (declared in `module`'s types): a JSON
 * literal, with enum members where the type says enum (`dashboard.MappingType.ValueToText`); undefined when the
 * value does not fit the type as far as the declarations tell. The modules whose enums it names are added to `used`.
 */
export function typedLiteral(value: unknown, typeText: string, module: string, used: Set<string>): string | undefined {
  const text = typeText.trim();
  const union = topLevel(text, '|');
  if (union.length > 1) {
    for (const alternative of union) {
      // A failed alternative must not leave its enums' modules behind (an unused import).
      const tried = new Set<string>();
      const expression = typedLiteral(value, alternative, module, tried);
      if (expression === undefined) continue;
      for (const name of tried) used.add(name);
      return expression;
    }
    return undefined;
  }
  const literal = JSON.stringify(value);
  if (text === 'any' || text === 'unknown') return literal;
  if (text === 'string' || text === 'number' || text === 'boolean') return typeof value === text ? literal : undefined;
  if (text === 'null') return value === null ? literal : undefined;
  if (/^"[^"]*"$/.test(text)) return value === JSON.parse(text) ? literal : undefined;
  if (/^-?\d+(\.\d+)?$/.test(text)) return value === Number(text) ? literal : undefined;
  if (text === 'Record<string, any>') return isObject(value) ? literal : undefined;
  const record = /^Record<string, (.+)>$/s.exec(text)?.[1];
  if (record !== undefined) {
    if (!isObject(value)) return undefined;
    const parts = Object.entries(value).map(([k, v]) => [k, typedLiteral(v, record, module, used)] as const);
    return parts.every(([, e]) => e !== undefined) ? `{ ${parts.map(([k, e]) => `${propertyName(k)}: ${e}`).join(', ')} }` : undefined;
  }
  if (text.endsWith('[]')) {
    if (!Array.isArray(value)) return undefined;
    const elements = value.map((v) => typedLiteral(v, text.slice(0, -2), module, used));
    return elements.every((e) => e !== undefined) ? `[${elements.join(', ')}]` : undefined;
  }
  if (text.startsWith('{')) {
    const fields = inlineFields(text);
    return fields === undefined ? undefined : objectLiteral(value, fields, module, used);
  }
  const [first, second] = text.includes('.') ? text.split('.') : [module, text];
  if (first === undefined || second === undefined || !/^\w+$/.test(second)) return undefined;
  // `MappingType.ValueToText` (an enum member of this module) or `common.Name` (a type of another module).
  const memberOf = typesOf(first) === undefined ? typesOf(module)?.getEnum(first) : undefined;
  if (memberOf !== undefined) {
    const member = memberOf.getMember(second);
    if (member === undefined || memberValue(member) !== value) return undefined;
    used.add(module);
    return `${module}.${first}.${second}`;
  }
  const enumeration = enumOf(text, module);
  if (enumeration !== undefined) {
    const member = enumeration.members.get(value);
    if (member === undefined) return undefined;
    used.add(enumeration.module);
    return `${enumeration.module}.${enumeration.name}.${member}`;
  }
  const file = typesOf(first);
  const alias = file?.getTypeAlias(second);
  if (alias !== undefined) return typedLiteral(value, alias.getTypeNode()?.getText() ?? 'unknown', first, used);
  const declaration = file?.getInterface(second);
  if (declaration === undefined || declaration.getExtends().length > 0) return undefined;
  const fields = declaration.getProperties().map((p) => ({ name: p.getName(), type: p.getTypeNode()?.getText() ?? 'unknown', optional: p.hasQuestionToken() }));
  return objectLiteral(value, fields, first, used);
}
