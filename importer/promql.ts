// An imported query's PromQL, parsed with the official parser (@prometheus-io/lezer-promql), becomes calls of this
// project's typed builder (metrics/promql.ts) where every metric and label it names is in the catalog: selectors,
// windows, rate/increase, sum/max/min/avg/count (by), histogram_quantile. What the builder leaves to template
// literals (arithmetic, comparisons, `or … on()`, other functions) is written the same way the hand-written
// queries write it: `raw(\`… ${builder call} …\`)`. A query naming something the catalog does not know stays the
// raw string, with the reason. The builder's own output is computed while translating and compared with the input
// (canonicalPromql), so a translation that would change the query is never written.

import { parser } from '@prometheus-io/lezer-promql';
import {
  type ClusterSeries,
  type MediaQueueSeries,
  type QueueScope,
  type QueueSeries,
  clusterSeries,
  queueMediaSeries,
  queueSeries,
} from '../dashboards/common.ts';
import { TARGET_LABELS, catalog } from '../metrics/catalog.ts';
import * as promql from '../metrics/promql.ts';
import { EXPRESSION_NODES, argumentsOf, child, children, expressionChildren, firstSyntaxErrorOffset, type SyntaxNode } from '../metrics/promql-syntax.ts';

/** Names of metrics/promql.ts exports a translation may call. */
export type BuilderFunction = 'series' | 'up' | 'range' | 'rate' | 'increase' | 'sum' | 'sumBy' | 'aggregate' | 'aggregateBy' | 'histogramQuantile' | 'raw';

/** The selector helpers of dashboards/common/queries.ts a translation may call. */
export type SelectorHelper = 'queueMediaSeries' | 'queueSeries' | 'clusterSeries';

export type ExprTranslation =
  /** Builder calls (possibly inside a raw template): `code` is a Vector or RangeVector expression. */
  | {
      readonly kind: 'builder';
      readonly code: string;
      readonly calls: ReadonlySet<BuilderFunction>;
      /** Imported from dashboards/common.ts. */
      readonly helpers: ReadonlySet<SelectorHelper>;
    }
  /** The string as written; `reason` says why the builder could not write it. */
  | { readonly kind: 'raw'; readonly reason: string };

// ---- Grafana variables outside strings ----------------------------------------------------------------------

/** `${name}`, `${name:format}`, `$name`, `[[name]]`: Grafana's references (`$1` of label_replace is not one). */
const REFERENCE = /^(?:\$\{[A-Za-z_]\w*(?::\w+)?\}|\$[A-Za-z_]\w*|\[\[[A-Za-z_]\w*(?::\w+)?\]\])/;
const PLACEHOLDER_STEM = '73105';

interface Prepared {
  /** The query with each variable outside a string replaced by a duration placeholder, so the parser accepts it. */
  readonly text: string;
  /** Puts the variables back into a slice of `text`. */
  readonly restore: (slice: string) => string;
}

/**
 * Variables inside strings (`queue_name=~"$queue"`) are plain text to the parser. Outside strings (`[$__rate_interval]`,
 * `> $threshold`) they stand where a duration or number goes; a placeholder duration parses there.
 */
function prepare(query: string): Prepared | undefined {
  if (query.includes(PLACEHOLDER_STEM)) return undefined;
  const references: string[] = [];
  let out = '';
  let quote: string | undefined;
  for (let i = 0; i < query.length; ) {
    const char = query[i] ?? '';
    if (quote !== undefined) {
      if (char === '\\' && quote !== '`') {
        out += query.slice(i, i + 2);
        i += 2;
        continue;
      }
      if (char === quote) quote = undefined;
      out += char;
      i += 1;
      continue;
    }
    const match = char === '$' || char === '[' ? REFERENCE.exec(query.slice(i)) : null;
    if (match !== null) {
      out += `${PLACEHOLDER_STEM}${String(references.length).padStart(4, '0')}s`;
      references.push(match[0]);
      i += match[0].length;
      continue;
    }
    if (char === '"' || char === "'" || char === '`') quote = char;
    out += char;
    i += 1;
  }
  const placeholder = new RegExp(`${PLACEHOLDER_STEM}(\\d{4})s`, 'g');
  return { text: out, restore: (slice) => slice.replace(placeholder, (_, index: string) => references[Number(index)] ?? '') };
}

// ---- syntax tree helpers ---------------------------------------------------------------------------------------

/** A PromQL string literal's value: double quotes (Go escapes), single quotes, or backticks (raw). */
function unquote(literal: string): string {
  if (literal.startsWith('`')) return literal.slice(1, -1);
  const body = literal.slice(1, -1);
  const asJson = literal.startsWith("'") ? body.replace(/\\'/g, "'").replace(/(^|[^\\])((?:\\\\)*)"/g, '$1$2\\"') : body;
  try {
    return JSON.parse(`"${asJson}"`) as string;
  } catch {
    return body;
  }
}

// ---- canonical form, for "is the rebuilt query the same query?" ---------------------------------------------------

const KEYWORDS = new Set(['By', 'Without', 'On', 'Ignoring', 'GroupLeft', 'GroupRight', 'Bool', 'And', 'Or', 'Unless', 'Offset', 'Atan2']);

function canonical(node: SyntaxNode, text: string, restore: (s: string) => string): string {
  const source = (n: SyntaxNode) => restore(text.slice(n.from, n.to));
  const canon = (n: SyntaxNode) => canonical(n, text, restore);
  switch (node.name) {
    case 'PromQL':
    case 'ParenExpr': {
      // Parentheses only group; BinaryExpr below says its grouping itself.
      const inner = expressionChildren(node)[0];
      return inner === undefined ? source(node) : canon(inner);
    }
    case 'BinaryExpr':
      return `(${generic(node, text, restore)})`;
    case 'StringLiteral':
      return JSON.stringify(unquote(source(node)));
    case 'NumberDurationLiteral': {
      const value = Number(source(node));
      return Number.isFinite(value) ? String(value) : source(node);
    }
    case 'LabelMatchers':
      return `{${children(node).map(canon).sort().join(', ')}}`;
    case 'GroupingLabels':
      return `(${children(node).map(canon).sort().join(', ')})`;
    case 'AggregateExpr': {
      const op = child(node, 'AggregateOp');
      const modifier = child(node, 'AggregateModifier');
      const args = argumentsOf(node).map(canon).join(', ');
      return `${op === undefined ? '' : source(op).toLowerCase()}${modifier === undefined ? '' : ` ${canon(modifier)}`} (${args})`;
    }
    case 'FunctionCall': {
      const name = child(node, 'FunctionIdentifier');
      return `${name === undefined ? '' : source(name)}(${argumentsOf(node).map(canon).join(', ')})`;
    }
    case 'MatrixSelector': {
      const vector = expressionChildren(node)[0];
      if (vector === undefined) return source(node);
      return `${canon(vector)}[${restore(text.slice(vector.to, node.to)).replace(/[\s[\]]/g, '')}]`;
    }
    default:
      if (node.firstChild === null) return KEYWORDS.has(node.name) ? source(node).toLowerCase() : source(node);
      return generic(node, text, restore);
  }
}

/** Children in canonical form and the punctuation between them, whitespace dropped, one space apart. */
function generic(node: SyntaxNode, text: string, restore: (s: string) => string): string {
  const tokens: string[] = [];
  let position = node.from;
  for (const c of children(node)) {
    const gap = text.slice(position, c.from).replace(/\s+/g, '');
    if (gap !== '') tokens.push(restore(gap));
    tokens.push(canonical(c, text, restore));
    position = c.to;
  }
  const tail = text.slice(position, node.to).replace(/\s+/g, '');
  if (tail !== '') tokens.push(restore(tail));
  return tokens.join(' ');
}

/**
 * The query in a canonical form: whitespace, redundant parentheses, quoting style, the place of `by (…)`, the order of
 * label matchers and grouping labels and the case of keywords do not change it; anything that changes the query does.
 * Undefined when the query does not parse.
 */
export function canonicalPromql(query: string): string | undefined {
  const prepared = prepare(query);
  if (prepared === undefined) return undefined;
  const tree = parser.parse(prepared.text);
  if (firstSyntaxErrorOffset(tree) !== undefined) return undefined;
  return canonical(tree.topNode, prepared.text, prepared.restore);
}

/** Same query: equal canonical forms, or (where either does not parse) equal strings. */
export function samePromql(a: string, b: string): boolean {
  if (a === b) return true;
  const left = canonicalPromql(a);
  return left !== undefined && left === canonicalPromql(b);
}

// ---- the catalog, at run time ----------------------------------------------------------------------------------

interface SeriesLabels {
  readonly labels: ReadonlySet<string>;
}

/** The series each metric type is exposed as (SeriesName in metrics/promql.ts): suffixes, '' for the name itself. */
const SERIES_SUFFIXES: Readonly<Record<string, readonly string[]>> = {
  gauge: [''],
  counter: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['_sum', '_count'],
};

/** The labels a series can carry (SeriesLabel in metrics/promql.ts), or why it is not one the catalog knows. */
function seriesLabels(name: string): SeriesLabels | string {
  const metrics = catalog as Record<string, { type: string; labels: readonly string[] }>;
  for (const [metric, definition] of Object.entries(metrics)) {
    if (!name.startsWith(metric)) continue;
    const suffix = name.slice(metric.length);
    const suffixes = SERIES_SUFFIXES[definition.type] ?? [];
    if (suffixes.includes(suffix)) {
      return { labels: new Set([...definition.labels, ...TARGET_LABELS, ...(suffix === '_bucket' ? ['le'] : [])]) };
    }
    if (suffix === '') return `metric ${name} is a ${definition.type}: select ${suffixes.map((s) => name + s).join(' or ')}`;
  }
  return `metric ${name} is not in the catalog`;
}

// ---- translation -----------------------------------------------------------------------------------------------

/** A typed piece: the TypeScript that builds it, the value the builder gives, the labels its type carries. */
interface Typed {
  readonly code: string;
  readonly value: promql.Vector<string> | promql.RangeVector<string>;
  readonly labels: ReadonlySet<string>;
  readonly range: boolean;
}

/** A piece the builder leaves to a template literal: its template body (holes included) and its text. */
interface Composed {
  readonly template: string;
  readonly text: string;
}

/** Thrown inside the walk when the query names something the catalog does not know: the query stays raw. */
class NotInCatalog extends Error {}

const AGGREGATIONS = new Set<promql.AggregationOperator>(['sum', 'max', 'min', 'avg', 'count']);
const MATCH_OPS: Readonly<Record<string, (value: string) => promql.LabelMatcher>> = {
  '=': (value) => value,
  '=~': (value) => ({ re: value }),
  '!=': (value) => ({ ne: value }),
  '!~': (value) => ({ nre: value }),
};

const js = (value: string) => JSON.stringify(value);

function matcherCode(matcher: promql.LabelMatcher): string {
  if (typeof matcher === 'string') return js(matcher);
  if ('re' in matcher) return `{ re: ${js(matcher.re)} }`;
  if ('ne' in matcher) return `{ ne: ${js(matcher.ne)} }`;
  return `{ nre: ${js(matcher.nre)} }`;
}

const escapeTemplate = (text: string) => text.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');

const SCOPES: readonly QueueScope[] = ['selected', 'single'];

class Translator {
  readonly calls = new Set<BuilderFunction>();
  readonly helpers = new Set<SelectorHelper>();

  constructor(
    private readonly text: string,
    private readonly restore: (s: string) => string,
  ) {}

  private source(node: SyntaxNode): string {
    return this.restore(this.text.slice(node.from, node.to));
  }

  translate(node: SyntaxNode): Typed | Composed {
    return this.typed(node) ?? this.composed(node);
  }

  /** The builder call for a node the builder expresses (its arguments typed too), else undefined. */
  private typed(node: SyntaxNode): Typed | undefined {
    switch (node.name) {
      case 'VectorSelector':
        return this.selector(node);
      case 'MatrixSelector': {
        const vector = children(node).find((c) => c.name === 'VectorSelector');
        const inner = vector === undefined ? undefined : this.selector(vector);
        if (vector === undefined || inner === undefined || inner.range) return undefined;
        const window = this.restore(this.text.slice(vector.to, node.to))
          .trim()
          .replace(/^\[\s*|\s*\]$/g, '');
        this.calls.add('range');
        return {
          code: `range(${inner.code}, ${js(window)})`,
          value: promql.range(inner.value as promql.Vector<string>, window),
          labels: inner.labels,
          range: true,
        };
      }
      case 'FunctionCall':
        return this.functionCall(node);
      case 'AggregateExpr':
        return this.aggregation(node);
      default:
        return undefined;
    }
  }

  private selector(node: SyntaxNode): Typed {
    const identifier = child(node, 'Identifier');
    if (identifier === undefined) throw new NotInCatalog(`selector ${this.source(node)} names no metric by name`);
    const name = this.source(identifier);
    const matchers: [string, promql.LabelMatcher][] = [];
    const list = child(node, 'LabelMatchers');
    for (const matcher of list === undefined ? [] : children(list)) {
      const label = child(matcher, 'LabelName');
      const op = child(matcher, 'MatchOp');
      const value = child(matcher, 'StringLiteral');
      if (matcher.name !== 'UnquotedLabelMatcher' || label === undefined || op === undefined || value === undefined) {
        throw new NotInCatalog(`matcher ${this.source(matcher)} is not label op "value"`);
      }
      const labelName = this.source(label);
      const make = MATCH_OPS[this.source(op)];
      if (make === undefined) throw new NotInCatalog(`matcher ${this.source(matcher)}: unknown operator`);
      if (matchers.some(([l]) => l === labelName))
        throw new NotInCatalog(`label ${labelName} is matched twice in ${name} (the builder takes one matcher per label)`);
      matchers.push([labelName, make(unquote(this.source(value)))]);
    }
    const body = matchers.map(([l, m]) => `${l}: ${matcherCode(m)}`).join(', ');
    if (name === 'up') {
      const job = matchers.find(([l]) => l === 'job')?.[1];
      const targetLabels = new Set<string>(TARGET_LABELS);
      const foreign = matchers.find(([l]) => !targetLabels.has(l));
      if (foreign !== undefined) throw new NotInCatalog(`up carries only ${TARGET_LABELS.join(', ')}, not ${foreign[0]}`);
      if (typeof job !== 'string') throw new NotInCatalog('up is selected without job="…" (the builder asks for the job)');
      this.calls.add('up');
      const value = promql.up(Object.fromEntries(matchers) as { job: string });
      return { code: `up({ ${body} })`, value, labels: targetLabels, range: false };
    }
    const known = seriesLabels(name);
    if (typeof known === 'string') throw new NotInCatalog(known);
    const unknown = matchers.find(([l]) => !known.labels.has(l));
    if (unknown !== undefined) throw new NotInCatalog(`label ${unknown[0]} is not a label of ${name} in the catalog`);
    const value = promql.series(name as promql.SeriesName, Object.fromEntries(matchers));
    const helper = this.selectorHelper(name, matchers, known.labels, value.text);
    if (helper !== undefined) return { code: helper, value, labels: known.labels, range: false };
    this.calls.add('series');
    return { code: body === '' ? `series(${js(name)})` : `series(${js(name)}, { ${body} })`, value, labels: known.labels, range: false };
  }

  /**
   * The selector as this project's dashboards write it, when it is one: queueMediaSeries (cluster, queue, media
   * type), queueSeries (cluster, queue) or clusterSeries (cluster), the scope and any further matchers as `extra`.
   * Which one is decided by the labels the series carries, as the helpers' types do (MediaQueueSeries, …).
   */
  private selectorHelper(name: string, matchers: readonly [string, promql.LabelMatcher][], labels: ReadonlySet<string>, text: string): string | undefined {
    const extraCode = (shared: number) => {
      const extra = matchers.slice(shared);
      return extra.length === 0 ? '' : `, { ${extra.map(([l, m]) => `${l}: ${matcherCode(m)}`).join(', ')} }`;
    };
    const extraOf = (shared: number) => Object.fromEntries(matchers.slice(shared));
    const found = (helper: SelectorHelper, code: string) => {
      this.helpers.add(helper);
      return code;
    };
    if (labels.has('queue_name') && labels.has('media_type')) {
      for (const scope of SCOPES) {
        if (queueMediaSeries(name as MediaQueueSeries, scope, extraOf(3)).text === text)
          return found('queueMediaSeries', `queueMediaSeries(${js(name)}, ${js(scope)}${extraCode(3)})`);
      }
    } else if (labels.has('queue_name')) {
      for (const scope of SCOPES) {
        if (queueSeries(name as QueueSeries, scope, extraOf(2)).text === text)
          return found('queueSeries', `queueSeries(${js(name)}, ${js(scope)}${extraCode(2)})`);
      }
    } else if (clusterSeries(name as ClusterSeries, extraOf(1)).text === text) return found('clusterSeries', `clusterSeries(${js(name)}${extraCode(1)})`);
    return undefined;
  }

  private functionCall(node: SyntaxNode): Typed | undefined {
    const identifier = child(node, 'FunctionIdentifier');
    const fn = identifier === undefined ? '' : this.source(identifier);
    const args = argumentsOf(node);
    if ((fn === 'rate' || fn === 'increase') && args.length === 1 && args[0] !== undefined) {
      const inner = this.typed(args[0]);
      if (inner === undefined || !inner.range) return undefined;
      this.calls.add(fn);
      const value = (fn === 'rate' ? promql.rate : promql.increase)(inner.value as promql.RangeVector<string>);
      return { code: `${fn}(${inner.code})`, value, labels: inner.labels, range: false };
    }
    if (fn === 'histogram_quantile' && args.length === 2 && args[0]?.name === 'NumberDurationLiteral' && args[1] !== undefined) {
      const quantile = Number(this.source(args[0]));
      const inner = this.typed(args[1]);
      // Without `le` the builder's types refuse it (the query is wrong anyway): a template keeps it as written.
      if (!Number.isFinite(quantile) || inner === undefined || inner.range || !inner.labels.has('le')) return undefined;
      this.calls.add('histogramQuantile');
      const value = promql.histogramQuantile(quantile, inner.value as promql.Vector<'le'>);
      return { code: `histogramQuantile(${quantile}, ${inner.code})`, value, labels: new Set([...inner.labels].filter((l) => l !== 'le')), range: false };
    }
    return undefined;
  }

  private aggregation(node: SyntaxNode): Typed | undefined {
    const opNode = child(node, 'AggregateOp');
    const op = (opNode === undefined ? '' : this.source(opNode).toLowerCase()) as promql.AggregationOperator;
    const modifier = child(node, 'AggregateModifier');
    const args = argumentsOf(node);
    if (!AGGREGATIONS.has(op) || args.length !== 1 || args[0] === undefined) return undefined;
    if (modifier !== undefined && child(modifier, 'By') === undefined) return undefined;
    const grouping = modifier === undefined ? undefined : child(modifier, 'GroupingLabels');
    const labels = grouping === undefined ? [] : children(grouping).map((l) => this.source(l));
    const inner = this.typed(args[0]);
    if (inner === undefined || inner.range) return undefined;
    const missing = labels.find((l) => !inner.labels.has(l));
    if (missing !== undefined) throw new NotInCatalog(`${op} by (${labels.join(', ')}): label ${missing} is not carried by ${this.source(args[0])}`);
    const vector = inner.value as promql.Vector<string>;
    if (modifier === undefined) {
      this.calls.add(op === 'sum' ? 'sum' : 'aggregate');
      const code = op === 'sum' ? `sum(${inner.code})` : `aggregate(${js(op)}, ${inner.code})`;
      return { code, value: promql.aggregate(op, vector), labels: new Set(), range: false };
    }
    const list = `[${labels.map(js).join(', ')}]`;
    this.calls.add(op === 'sum' ? 'sumBy' : 'aggregateBy');
    const code = op === 'sum' ? `sumBy(${list}, ${inner.code})` : `aggregateBy(${js(op)}, ${list}, ${inner.code})`;
    return { code, value: promql.aggregateBy(op, labels, vector), labels: new Set(labels), range: false };
  }

  /**
   * The node as written, with each piece the builder expresses (however deep) as a `${…}` hole: how the hand-written
   * queries combine builder calls with arithmetic and `or`.
   */
  private composed(node: SyntaxNode): Composed {
    let template = '';
    let text = '';
    let position = node.from;
    const visit = (parent: SyntaxNode) => {
      for (const c of children(parent)) {
        if (EXPRESSION_NODES.has(c.name)) {
          const gap = this.restore(this.text.slice(position, c.from));
          const piece = this.translate(c);
          template += escapeTemplate(gap) + ('template' in piece ? piece.template : `\${${piece.code}}`);
          text += gap + ('template' in piece ? piece.text : piece.value.text);
          position = c.to;
        } else visit(c);
      }
    };
    visit(node);
    // Selectors below nodes that are not expressions (a MatrixSelector's own vector is visited through `visit`).
    const tail = this.restore(this.text.slice(position, node.to));
    return { template: template + escapeTemplate(tail), text: text + tail };
  }
}

/**
 * The builder code for a query, or why it stays raw. The code evaluates to a `Vector` (or a `RangeVector` for a bare
 * `x[5m]`); its text is the input's query in the builder's spelling (same canonical form, checked here).
 */
export function translatePromql(query: string): ExprTranslation {
  const prepared = prepare(query);
  if (prepared === undefined) return { kind: 'raw', reason: 'it contains the importer’s placeholder text' };
  if (query.trim() === '') return { kind: 'raw', reason: 'it is empty' };
  // Parsed once: the translation and the canonical form it is checked against below come from this tree.
  const tree = parser.parse(prepared.text);
  if (firstSyntaxErrorOffset(tree) !== undefined) {
    const variables = prepared.text !== query ? ' (read with each Grafana variable outside a string as a duration)' : '';
    return { kind: 'raw', reason: `it does not parse as PromQL${variables}` };
  }
  const top = expressionChildren(tree.topNode)[0];
  if (top === undefined) return { kind: 'raw', reason: 'it has no expression' };
  const translator = new Translator(prepared.text, prepared.restore);
  let piece: Typed | Composed;
  try {
    piece = translator.translate(top);
  } catch (error) {
    if (error instanceof NotInCatalog) return { kind: 'raw', reason: error.message };
    throw error;
  }
  // A leading/trailing comment or whitespace around the expression is kept by the raw form only.
  const outside = (prepared.text.slice(0, top.from) + prepared.text.slice(top.to)).trim();
  if (outside !== '') return { kind: 'raw', reason: 'it has text around the expression (a comment?) the builder would drop' };
  if ('template' in piece) {
    if (translator.calls.size === 0 && translator.helpers.size === 0) return { kind: 'raw', reason: 'it selects no metric the builder can type' };
    translator.calls.add('raw');
  }
  const code = 'template' in piece ? `raw(\`${piece.template}\`)` : piece.code;
  const text = 'template' in piece ? piece.text : piece.value.text;
  // samePromql(query, text), with the query's canonical form from the tree above instead of a second parse of it.
  if (text !== query && canonicalPromql(text) !== canonical(tree.topNode, prepared.text, prepared.restore)) {
    return { kind: 'raw', reason: `the builder would write it differently (${text})` };
  }
  return { kind: 'builder', code, calls: translator.calls, helpers: translator.helpers };
}
