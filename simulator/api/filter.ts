// The analytics filter grammar shared by observation and aggregate queries:
//   filter = {type: and|or, predicates?: [predicate], clauses?: [{type: and|or, predicates: [predicate]}]}
//   predicate = {type?: 'dimension', dimension, operator?: matches|exists|notExists, value?}
// Validation errors name the path of the offending field; a valid filter compiles to a fast matcher
// ('or' of many `matches` on one dimension becomes a set lookup).

import { badRequest } from './errors.ts';
import { isPlainObject as isObject } from '../../lib/plain-object.ts';
import { getOrInsertComputed } from '../../lib/map.ts';

/** Dimension values of one group or contact; absent dimensions are undefined. */
export type Dimensions = (dimension: string) => string | undefined;
export type Matcher = (dims: Dimensions) => boolean;

export interface CompiledFilter {
  readonly matches: Matcher;
  /** Values of every `matches` predicate on each dimension (observations require queue ids). */
  readonly matchedValues: ReadonlyMap<string, ReadonlySet<string>>;
  /**
   * The only values `dimension` can have in what the filter matches (an 'or' of queueId predicates names
   * its queues), or undefined when the filter does not bound it: lets a large org's query look at the
   * named queues only instead of scanning everything.
   */
  readonly restriction: (dimension: string) => ReadonlySet<string> | undefined;
}

/** Per dimension, the values a node lets through (absent: any value). */
type Restriction = ReadonlyMap<string, ReadonlySet<string>>;

const OPERATORS = ['matches', 'exists', 'notExists'] as const;
type Operator = (typeof OPERATORS)[number];

export function compileFilter(value: unknown, allowedDimensions: readonly string[], path = 'filter'): CompiledFilter {
  const matchedValues = new Map<string, Set<string>>();
  const { matcher, restriction } = compileNode(value, allowedDimensions, path, 0, matchedValues);
  return { matches: matcher, matchedValues, restriction: (dimension) => restriction.get(dimension) };
}

/** 'and': each part's bound holds (the first per dimension is enough); 'or': a dimension every part bounds, by the union. */
function combine(type: 'and' | 'or', parts: readonly Restriction[]): Restriction {
  const out = new Map<string, ReadonlySet<string>>();
  if (type === 'and') {
    for (const part of parts) for (const [dimension, values] of part) if (!out.has(dimension)) out.set(dimension, values);
    return out;
  }
  const [first, ...rest] = parts;
  for (const dimension of first?.keys() ?? []) {
    if (!rest.every((part) => part.has(dimension))) continue;
    out.set(dimension, new Set(parts.flatMap((part) => [...part.get(dimension)!])));
  }
  return out;
}

function compileNode(
  value: unknown,
  allowed: readonly string[],
  path: string,
  depth: number,
  seen: Map<string, Set<string>>,
): { matcher: Matcher; restriction: Restriction } {
  if (!isObject(value)) throw badRequest(`${path} must be an object`);
  const type = value['type'];
  if (type !== 'and' && type !== 'or') throw badRequest(`${path}.type must be "and" or "or", got ${JSON.stringify(type)}`);
  const predicates = value['predicates'] ?? [];
  const clauses = value['clauses'] ?? [];
  if (!Array.isArray(predicates)) throw badRequest(`${path}.predicates must be an array`);
  if (!Array.isArray(clauses)) throw badRequest(`${path}.clauses must be an array`);
  if (depth > 0 && clauses.length > 0) throw badRequest(`${path}.clauses: clauses nest at most two levels (a clause holds predicates only)`);
  if (predicates.length === 0 && clauses.length === 0) throw badRequest(`${path} must have at least one predicate or clause`);

  const parts: Matcher[] = [];
  const restrictions: Restriction[] = [];
  const sets = new Map<string, Set<string>>();
  predicates.forEach((predicate: unknown, i: number) => {
    const compiled = compilePredicate(predicate, allowed, `${path}.predicates[${i}]`);
    if (compiled.operator === 'matches') {
      getOrInsertComputed(seen, compiled.dimension, () => new Set()).add(compiled.value!);
    }
    if (type === 'or' && compiled.operator === 'matches') {
      getOrInsertComputed(sets, compiled.dimension, () => new Set()).add(compiled.value!);
    } else {
      parts.push(compiled.matcher);
      restrictions.push(compiled.operator === 'matches' ? new Map([[compiled.dimension, new Set([compiled.value!])]]) : new Map());
    }
  });
  for (const [dimension, set] of sets) {
    parts.push((dims) => {
      const v = dims(dimension);
      return v !== undefined && set.has(v);
    });
    restrictions.push(new Map([[dimension, set]]));
  }
  clauses.forEach((clause: unknown, i: number) => {
    const compiled = compileNode(clause, allowed, `${path}.clauses[${i}]`, depth + 1, seen);
    parts.push(compiled.matcher);
    restrictions.push(compiled.restriction);
  });
  const matcher: Matcher = type === 'and' ? (dims) => parts.every((p) => p(dims)) : (dims) => parts.some((p) => p(dims));
  return { matcher, restriction: combine(type, restrictions) };
}

function compilePredicate(
  value: unknown,
  allowed: readonly string[],
  path: string,
): { dimension: string; operator: Operator; value?: string; matcher: Matcher } {
  if (!isObject(value)) throw badRequest(`${path} must be an object`);
  const type = value['type'] ?? 'dimension';
  if (type !== 'dimension') throw badRequest(`${path}.type ${JSON.stringify(type)} is not supported: only "dimension" predicates`);
  const dimension = value['dimension'];
  if (typeof dimension !== 'string' || !allowed.includes(dimension)) {
    throw badRequest(`${path}.dimension ${JSON.stringify(dimension)} is not a valid dimension here (allowed: ${allowed.join(', ')})`);
  }
  const operator = value['operator'] ?? 'matches';
  if (!(OPERATORS as readonly unknown[]).includes(operator))
    throw badRequest(`${path}.operator must be one of ${OPERATORS.join(', ')}, got ${JSON.stringify(operator)}`);
  const op = operator as Operator;
  const predicateValue = value['value'];
  if (op === 'matches') {
    if (typeof predicateValue !== 'string' || predicateValue === '') throw badRequest(`${path}.value must be a non-empty string for operator "matches"`);
    return { dimension, operator: op, value: predicateValue, matcher: (dims) => dims(dimension) === predicateValue };
  }
  if (predicateValue !== undefined) throw badRequest(`${path}.value must be absent for operator "${op}"`);
  return op === 'exists'
    ? { dimension, operator: op, matcher: (dims) => dims(dimension) !== undefined }
    : { dimension, operator: op, matcher: (dims) => dims(dimension) === undefined };
}
