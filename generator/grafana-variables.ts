// Substitutes Grafana template variables in a query the way Grafana does before it sends the query to
// Prometheus, so that the result can be parsed as plain PromQL. Multi-value and All variables become
// a regex `(a|b)` (Grafana's Prometheus formatting), which is only valid inside a =~ or !~ matcher.

import type { ExprProblem } from './problems.ts';
import { didYouMean } from './suggest.ts';

export interface TemplateVariable {
  readonly name: string;
  readonly type: string;
  readonly multiValued: boolean;
  /** A value the variable can take, used where it appears outside a string (e.g. an interval). */
  readonly sample: string;
}

/** Grafana's global variables and a representative value of each (durations, numbers). */
const BUILTINS: Readonly<Record<string, string>> = {
  __rate_interval: '1m',
  __interval: '30s',
  __range: '1h',
  __rate_interval_ms: '60000',
  __interval_ms: '30000',
  __range_ms: '3600000',
  __range_s: '3600',
  __from: '1700000000000',
  __to: '1700003600000',
};

/** `${name}`, `${name:format}`, `$name`, `[[name]]`, `[[name:format]]`. Names start with a letter or `_`,
 * so label_replace's capture references (`$1`) are left alone, as Grafana leaves them. */
const REFERENCE = /^(?:\$\{([A-Za-z_]\w*)(?::(\w+))?\}|\$([A-Za-z_]\w*)|\[\[([A-Za-z_]\w*)(?::(\w+))?\]\])/;

export interface Substitution {
  readonly promql: string;
  readonly problems: readonly ExprProblem[];
  readonly variablesUsed: readonly string[];
}

export function substituteVariables(query: string, variables: readonly TemplateVariable[]): Substitution {
  const byName = new Map(variables.map((v) => [v.name, v]));
  const problems: ExprProblem[] = [];
  const used: string[] = [];
  let out = '';
  let quote: string | undefined;
  for (let i = 0; i < query.length; ) {
    const char = query[i] ?? '';
    if (quote !== undefined && char === '\\' && quote !== '`') {
      out += query.slice(i, i + 2);
      i += 2;
      continue;
    }
    const match = char === '$' || char === '[' ? REFERENCE.exec(query.slice(i)) : null;
    if (match !== null) {
      const name = match[1] ?? match[3] ?? match[4] ?? '';
      const format = match[2] ?? match[5];
      used.push(name);
      out += replacement(name, format, quote !== undefined, byName, problems);
      i += match[0].length;
      continue;
    }
    if (quote === undefined && (char === '"' || char === "'" || char === '`')) quote = char;
    else if (quote === char) quote = undefined;
    out += char;
    i += 1;
  }
  return { promql: out, problems, variablesUsed: used };
}

function replacement(
  name: string,
  format: string | undefined,
  inString: boolean,
  byName: ReadonlyMap<string, TemplateVariable>,
  problems: ExprProblem[],
): string {
  const builtin = BUILTINS[name];
  if (builtin !== undefined) return builtin;
  const variable = byName.get(name);
  if (variable === undefined) {
    problems.push({
      message: `uses $${name}, but the dashboard defines no variable "${name}"`,
      hint: didYouMean(name, byName.keys()) ?? 'add the variable to the dashboard or fix the name',
    });
    return inString ? 'value' : '1';
  }
  if (format === 'regex' || variable.multiValued) return '(value_a|value_b)';
  return inString ? 'value' : variable.sample;
}

/** A multi-value/All variable inside `label="…"` matches the literal text `(a|b)`: it needs =~. */
export function multiValueEqualityProblems(query: string, variables: readonly TemplateVariable[]): ExprProblem[] {
  const problems: ExprProblem[] = [];
  for (const variable of variables.filter((v) => v.multiValued)) {
    const pattern = new RegExp(`(\\w+)\\s*(!?=)\\s*"[^"]*(?:\\$\\{${variable.name}(?::\\w+)?\\}|\\$${variable.name}\\b|\\[\\[${variable.name}\\]\\])`, 'g');
    for (const match of query.matchAll(pattern)) {
      const [, label, op] = match;
      problems.push({
        message: `multi-value variable $${variable.name} is used with ${op} on label ${label ?? ''}; Grafana substitutes a regex (a|b)`,
        hint: `use ${op === '=' ? '=~' : '!~'}: ${label ?? ''}${op === '=' ? '=~' : '!~'}"$${variable.name}"`,
      });
    }
  }
  return problems;
}
