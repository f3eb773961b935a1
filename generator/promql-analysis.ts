// Checks one PromQL expression (Grafana variables already substituted) with the official parser
// (@prometheus-io/lezer-promql) against the series registry, and works out which labels its result
// carries. Walks the syntax tree once; every check that can fail adds a problem and the walk goes on,
// so one run reports every mistake in the expression.

import { parser } from '@prometheus-io/lezer-promql';
import type { ExprProblem } from './problems.ts';
import { didYouMean } from './suggest.ts';
import { EXPRESSION_NODES, child, children, expressionChildren, firstSyntaxErrorOffset, type SyntaxNode } from '../metrics/promql-syntax.ts';
import {
  histogramBaseName,
  labelSet,
  summaryBaseName,
  NO_LABELS,
  UNKNOWN_LABELS,
  type LabelSet,
  type SeriesInfo,
  type SeriesRegistry,
} from './series-registry.ts';

export interface PromqlAnalysis {
  readonly problems: readonly ExprProblem[];
  /** Labels of the expression's result; `known: false` when the parser failed or a series is opaque. */
  readonly outputLabels: LabelSet;
}

/** Functions whose range-vector argument may be a counter or histogram series. */
const COUNTER_FUNCTIONS = new Set(['rate', 'increase', 'irate', 'resets', 'changes']);
/** Existence checks never look at the value, so any series may be their argument. */
const EXISTENCE_FUNCTIONS = new Set(['absent', 'absent_over_time', 'present_over_time']);
const NEEDS_RANGE = new Set(['rate', 'increase', 'irate', 'resets', 'changes', 'delta', 'idelta', 'deriv', 'predict_linear']);
const SCALAR_FUNCTIONS = new Set(['vector', 'time', 'scalar', 'pi']);
const KEEPS_INNER_LABELS = new Set(['topk', 'bottomk', 'limitk', 'limit_ratio']);
const COMPARISONS = new Set(['Eql', 'Neq', 'Gtr', 'Lss', 'Gte', 'Lte']);
type Tree = ReturnType<typeof parser.parse>;

interface Parsed {
  readonly tree: Tree;
  readonly syntaxError: ExprProblem | undefined;
}

/** Parsed expressions by text. A run analyses the rules' expressions against two registries and dashboards
 * repeat queries: most of its parsing was of text already parsed. Trees are immutable. */
const parsed = new Map<string, Parsed>();
/** Analyses by registry, then text: a registry never changes (withRecorded makes a new one). */
const analysed = new WeakMap<SeriesRegistry, Map<string, PromqlAnalysis>>();
const KEPT = 2000;

function parse(expr: string): Parsed {
  let result = parsed.get(expr);
  if (result === undefined) {
    if (parsed.size >= KEPT) parsed.clear();
    const tree = parser.parse(expr);
    result = { tree, syntaxError: syntaxError(expr, tree) };
    parsed.set(expr, result);
  }
  return result;
}

function syntaxError(expr: string, tree: Tree): ExprProblem | undefined {
  const from = firstSyntaxErrorOffset(tree);
  if (from === undefined) return undefined;
  const near = expr.slice(from, from + 24);
  const where = near === '' ? 'at the end (unclosed bracket or missing operand?)' : `at column ${from + 1} near "${near}"`;
  return { message: `PromQL does not parse ${where}`, hint: `expression: ${expr}` };
}

const sortedList = (labels: ReadonlySet<string>): string => [...labels].sort().join(', ') || 'no labels';

class Analyzer {
  readonly problems: ExprProblem[] = [];
  constructor(
    private readonly text: string,
    private readonly registry: SeriesRegistry,
  ) {}

  private source(node: SyntaxNode): string {
    return this.text.slice(node.from, node.to);
  }

  labelsOf(node: SyntaxNode): LabelSet {
    switch (node.name) {
      case 'PromQL':
      case 'ParenExpr':
      case 'OffsetExpr':
      case 'SubqueryExpr':
      case 'StepInvariantExpr':
      case 'AnchoredExpr':
      case 'SmoothedExpr':
      case 'UnaryExpr':
      case 'MatrixSelector': {
        const inner = expressionChildren(node)[0];
        return inner === undefined ? UNKNOWN_LABELS : this.labelsOf(inner);
      }
      case 'NumberDurationLiteral':
      case 'StringLiteral':
        return NO_LABELS;
      case 'VectorSelector':
        return this.selector(node);
      case 'FunctionCall':
        return this.functionCall(node);
      case 'AggregateExpr':
        return this.aggregate(node);
      case 'BinaryExpr':
        return this.binary(node);
      default:
        return UNKNOWN_LABELS;
    }
  }

  private metricNameOf(selector: SyntaxNode): string | undefined {
    const identifier = child(selector, 'Identifier');
    if (identifier !== undefined) return this.source(identifier);
    for (const matcher of this.matchers(selector)) {
      if (matcher.label === '__name__' && matcher.op === '=') return matcher.value;
    }
    return undefined;
  }

  private matchers(selector: SyntaxNode): { label: string; op: string; value: string }[] {
    const list = child(selector, 'LabelMatchers');
    if (list === undefined) return [];
    return children(list).flatMap((matcher) => {
      const label = child(matcher, 'LabelName') ?? child(matcher, 'QuotedLabelName');
      const op = child(matcher, 'MatchOp');
      const value = child(matcher, 'StringLiteral');
      if (label === undefined || op === undefined || value === undefined) return [];
      return [{ label: this.source(label).replace(/^"|"$/g, ''), op: this.source(op), value: this.source(value).slice(1, -1) }];
    });
  }

  /** The series a selector names, or undefined (and a problem) when it names none we know. */
  private resolve(selector: SyntaxNode): SeriesInfo | undefined {
    const name = this.metricNameOf(selector);
    if (name === undefined) {
      this.problems.push({ message: `selector ${this.source(selector)} names no metric`, hint: 'select a metric from metrics/catalog.ts by name' });
      return undefined;
    }
    const info = this.registry.lookup(name);
    if (info !== undefined) return info;
    if (histogramBaseName(name)) {
      this.problems.push({
        message: `"${name}" is a histogram, which Prometheus stores as three series`,
        hint: `select ${name}_bucket, ${name}_sum or ${name}_count`,
      });
    } else if (summaryBaseName(name)) {
      this.problems.push({
        message: `"${name}" is a summary (without quantiles), which Prometheus stores as two series`,
        hint: `select ${name}_sum or ${name}_count; rate(${name}_sum[5m]) / rate(${name}_count[5m]) is the average`,
      });
    } else {
      this.problems.push({
        message: `unknown metric "${name}": not in metrics/catalog.ts, not a recording rule, not up/ALERTS`,
        hint: didYouMean(name, this.registry.names()) ?? 'add it to metrics/catalog.ts or fix the name',
      });
    }
    return undefined;
  }

  private selector(node: SyntaxNode): LabelSet {
    const info = this.resolve(node);
    if (info === undefined) return UNKNOWN_LABELS;
    if (info.labels.known) {
      for (const { label } of this.matchers(node)) {
        if (label === '__name__' || info.labels.labels.has(label)) continue;
        this.problems.push({
          message: `label "${label}" is not on ${info.name} (it has: ${sortedList(info.labels.labels)})`,
          hint: didYouMean(label, info.labels.labels) ?? 'labels come from metrics/catalog.ts plus job, instance, cluster',
        });
      }
    }
    this.checkRawValueUse(node, info);
    return info.labels;
  }

  /** Counters and histogram series only make sense through rate() and friends. */
  private checkRawValueUse(selector: SyntaxNode, info: SeriesInfo): void {
    const needsRate = info.kind === 'counter' || info.kind.startsWith('histogram_') || info.kind.startsWith('summary_');
    if (!needsRate) return;
    const direct = selector.parent;
    const asRange = direct?.name === 'MatrixSelector' ? direct : undefined;
    const call = (asRange ?? selector).parent?.parent;
    const fn = call?.name === 'FunctionCall' ? this.functionName(call) : undefined;
    if (fn !== undefined && EXISTENCE_FUNCTIONS.has(fn)) return;
    if (asRange !== undefined && fn !== undefined && COUNTER_FUNCTIONS.has(fn)) return;
    const what = info.kind === 'counter' ? 'counter' : info.kind.startsWith('summary_') ? 'summary series' : 'histogram series';
    this.problems.push({
      message: `${what} ${info.name} is used without rate()/increase()/irate(): its raw value only grows and drops to 0 when the exporter restarts`,
      hint: `wrap it: rate(${info.name}[$__rate_interval]) in panels, rate(${info.name}[5m]) in rules`,
    });
  }

  private functionName(call: SyntaxNode): string {
    const identifier = child(call, 'FunctionIdentifier');
    return identifier === undefined ? '' : this.source(identifier);
  }

  private arguments(call: SyntaxNode): SyntaxNode[] {
    const body = child(call, 'FunctionCallBody');
    return body === undefined ? [] : expressionChildren(body);
  }

  private functionCall(node: SyntaxNode): LabelSet {
    const fn = this.functionName(node);
    const args = this.arguments(node);
    const argLabels = args.map((arg) => this.labelsOf(arg));
    if (NEEDS_RANGE.has(fn) || fn.endsWith('_over_time')) {
      const rangeArg = args.find((arg) => arg.name === 'MatrixSelector' || arg.name === 'SubqueryExpr');
      if (rangeArg === undefined) {
        this.problems.push({ message: `${fn}() needs a range vector`, hint: `give it a window: ${fn}(x[5m]) or ${fn}(x[$__rate_interval])` });
      }
    }
    if (COUNTER_FUNCTIONS.has(fn) && fn !== 'changes') this.checkRateOfGauge(fn, args);
    if (fn === 'histogram_quantile') return this.histogramQuantile(args, argLabels);
    if (SCALAR_FUNCTIONS.has(fn)) return NO_LABELS;
    if (fn === 'absent' || fn === 'absent_over_time' || fn === 'info') return UNKNOWN_LABELS;
    const vectorLabels = args
      .map((arg, index) => ({ arg, labels: argLabels[index] ?? UNKNOWN_LABELS }))
      .filter(({ arg }) => arg.name !== 'NumberDurationLiteral' && arg.name !== 'StringLiteral')
      .map(({ labels }) => labels);
    let result = union(vectorLabels);
    if ((fn === 'label_replace' || fn === 'label_join') && result.known) {
      const target = args.find((arg) => arg.name === 'StringLiteral');
      if (target !== undefined) result = labelSet([...result.labels, this.source(target).slice(1, -1)]);
    }
    return result;
  }

  private checkRateOfGauge(fn: string, args: SyntaxNode[]): void {
    const selector = args[0]?.name === 'MatrixSelector' ? child(args[0], 'VectorSelector') : undefined;
    const name = selector === undefined ? undefined : this.metricNameOf(selector);
    const info = name === undefined ? undefined : this.registry.lookup(name);
    if (info?.kind === 'gauge') {
      this.problems.push({
        message: `${fn}() of gauge ${info.name}: ${fn} is for counters and treats every decrease as a reset`,
        hint: 'use delta()/deriv() for a gauge, or the gauge itself',
      });
    }
  }

  private histogramQuantile(args: SyntaxNode[], argLabels: LabelSet[]): LabelSet {
    const vector = args[1];
    const labels = argLabels[1];
    if (vector === undefined || labels === undefined) {
      this.problems.push({ message: 'histogram_quantile() takes two arguments', hint: 'histogram_quantile(0.95, sum by (le) (rate(x_bucket[5m])))' });
      return UNKNOWN_LABELS;
    }
    const kinds = this.selectedKinds(vector);
    const opaque = kinds.has('recorded') || kinds.has('synthetic') || kinds.has('unknown');
    if (!opaque && !kinds.has('histogram_bucket')) {
      this.problems.push({
        message: `histogram_quantile() over ${this.source(vector)}, which selects no histogram _bucket series`,
        hint: 'histogram_quantile(0.95, sum by (le, queue_name) (rate(genesys_queue_wait_time_seconds_bucket[5m])))',
      });
    }
    if (labels.known && !labels.labels.has('le')) {
      this.problems.push({
        message: `histogram_quantile() gets series without the le label (they keep only: ${sortedList(labels.labels)})`,
        hint: 'keep le when aggregating: sum by (le, queue_name) (rate(…_bucket[…]))',
      });
    }
    return labels.known ? labelSet([...labels.labels].filter((l) => l !== 'le')) : UNKNOWN_LABELS;
  }

  private selectedKinds(node: SyntaxNode): Set<string> {
    const kinds = new Set<string>();
    const visit = (n: SyntaxNode): void => {
      if (n.name === 'VectorSelector') {
        const name = this.metricNameOf(n);
        kinds.add((name === undefined ? undefined : this.registry.lookup(name))?.kind ?? 'unknown');
        return;
      }
      children(n).forEach(visit);
    };
    visit(node);
    return kinds;
  }

  private groupingLabels(node: SyntaxNode | undefined): string[] {
    if (node === undefined) return [];
    return children(node)
      .filter((c) => c.name === 'LabelName' || c.name === 'QuotedLabelName')
      .map((c) => this.source(c).replace(/^"|"$/g, ''));
  }

  private checkLabelsExist(clause: string, labels: readonly string[], on: LabelSet, side: string): void {
    if (!on.known) return;
    for (const label of labels) {
      if (on.labels.has(label)) continue;
      this.problems.push({
        message: `${clause}: label "${label}" is not on ${side} (it has: ${sortedList(on.labels)})`,
        hint: didYouMean(label, on.labels) ?? 'group only by labels the series carry (metrics/catalog.ts)',
      });
    }
  }

  private aggregate(node: SyntaxNode): LabelSet {
    const opNode = child(node, 'AggregateOp');
    const op = opNode === undefined ? '' : this.source(opNode);
    const args = this.arguments(node);
    const argLabels = args.map((arg) => this.labelsOf(arg));
    const inner = argLabels[argLabels.length - 1] ?? UNKNOWN_LABELS;
    const modifier = child(node, 'AggregateModifier');
    const kind = modifier === undefined ? undefined : child(modifier, 'By') !== undefined ? 'by' : 'without';
    const grouping = this.groupingLabels(modifier === undefined ? undefined : child(modifier, 'GroupingLabels'));
    if (kind !== undefined) this.checkLabelsExist(`${op} ${kind} (${grouping.join(', ')})`, grouping, inner, 'the aggregated series');
    if (KEEPS_INNER_LABELS.has(op)) return inner;
    const extra = op === 'count_values' && args[0]?.name === 'StringLiteral' ? [this.source(args[0]).slice(1, -1)] : [];
    if (kind === 'by') return labelSet([...grouping, ...extra]);
    if (kind === 'without') return inner.known ? labelSet([...inner.labels].filter((l) => !grouping.includes(l)).concat(extra)) : UNKNOWN_LABELS;
    return labelSet(extra);
  }

  private isScalar(node: SyntaxNode): boolean {
    switch (node.name) {
      case 'NumberDurationLiteral':
      case 'StringLiteral':
        return true;
      case 'FunctionCall':
        return ['scalar', 'time', 'pi'].includes(this.functionName(node));
      case 'ParenExpr':
      case 'UnaryExpr': {
        const inner = expressionChildren(node)[0];
        return inner !== undefined && this.isScalar(inner);
      }
      case 'BinaryExpr':
        return expressionChildren(node).every((side) => this.isScalar(side));
      default:
        return false;
    }
  }

  private binary(node: SyntaxNode): LabelSet {
    const [lhs, rhs] = expressionChildren(node);
    if (lhs === undefined || rhs === undefined) return UNKNOWN_LABELS;
    const left = this.labelsOf(lhs);
    const right = this.labelsOf(rhs);
    const op = children(node).find((c) => !EXPRESSION_NODES.has(c.name) && c.name !== 'BoolModifier' && c.name !== 'MatchingModifierClause')?.name ?? '';
    if (this.isScalar(lhs)) return right;
    if (this.isScalar(rhs)) return left;
    const clause = child(node, 'MatchingModifierClause');
    const groupings = clause === undefined ? [] : children(clause).filter((c) => c.name === 'GroupingLabels');
    const matching = this.groupingLabels(groupings[0]);
    const extra = this.groupingLabels(groupings[1]);
    const on = clause !== undefined && child(clause, 'On') !== undefined;
    const groupLeft = clause !== undefined && child(clause, 'GroupLeft') !== undefined;
    const groupRight = clause !== undefined && child(clause, 'GroupRight') !== undefined;
    if (on) {
      this.checkLabelsExist(`on (${matching.join(', ')})`, matching, left, 'the left-hand side');
      this.checkLabelsExist(`on (${matching.join(', ')})`, matching, right, 'the right-hand side');
    } else if (clause !== undefined && left.known && right.known) {
      const both = labelSet([...left.labels, ...right.labels]);
      this.checkLabelsExist(`ignoring (${matching.join(', ')})`, matching, both, 'either side');
    }
    if (groupLeft) this.checkLabelsExist(`group_left (${extra.join(', ')})`, extra, right, 'the right-hand side');
    if (groupRight) this.checkLabelsExist(`group_right (${extra.join(', ')})`, extra, left, 'the left-hand side');
    if (op === 'Or') return union([left, right]);
    if (op === 'And' || op === 'Unless') return left;
    if (groupLeft) return left.known ? labelSet([...left.labels, ...extra]) : UNKNOWN_LABELS;
    if (groupRight) return right.known ? labelSet([...right.labels, ...extra]) : UNKNOWN_LABELS;
    const filters = COMPARISONS.has(op) && child(node, 'BoolModifier') === undefined;
    if (filters) return left;
    if (on) return labelSet(matching);
    if (clause !== undefined) return left.known ? labelSet([...left.labels].filter((l) => !matching.includes(l))) : UNKNOWN_LABELS;
    return left;
  }
}

function union(sets: readonly LabelSet[]): LabelSet {
  const labels: string[] = [];
  for (const set of sets) {
    if (!set.known) return UNKNOWN_LABELS;
    labels.push(...set.labels);
  }
  return labelSet(labels);
}

function analyze(expr: string, registry: SeriesRegistry): PromqlAnalysis {
  if (expr.trim() === '') return { problems: [{ message: 'empty PromQL expression' }], outputLabels: UNKNOWN_LABELS };
  const { tree, syntaxError } = parse(expr);
  if (syntaxError !== undefined) return { problems: [syntaxError], outputLabels: UNKNOWN_LABELS };
  const analyzer = new Analyzer(expr, registry);
  const outputLabels = analyzer.labelsOf(tree.topNode);
  return { problems: analyzer.problems, outputLabels };
}

export function analyzePromql(expr: string, registry: SeriesRegistry): PromqlAnalysis {
  let byText = analysed.get(registry);
  if (byText === undefined) {
    byText = new Map();
    analysed.set(registry, byText);
  }
  let analysis = byText.get(expr);
  if (analysis === undefined) {
    if (byText.size >= KEPT) byText.clear();
    analysis = analyze(expr, registry);
    byText.set(expr, analysis);
  }
  return analysis;
}
