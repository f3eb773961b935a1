// Reads an imported module with ts-morph and says how each query's expr is written: as builder calls of
// metrics/promql.ts (alone, or as holes of a raw`…` template), or as a raw PromQL string, with the comment above it;
// and which panel factories of dashboards/common/panels.ts the module calls.

import { type CallExpression, type Expression, Node, Project, SyntaxKind } from 'ts-morph';

export type ExprForm = 'builder' | 'template' | 'string';

export interface ModuleQuery {
  /** How the expr is written. */
  readonly form: ExprForm;
  /** Whether the query is written through this project's helpers: query({…}), or a panel factory's `queries`. */
  readonly viaProjectHelper: boolean;
  /** metrics/promql.ts functions called inside the expr. */
  readonly builderCalls: readonly string[];
  /** The comment lines right above `.withTarget(`. */
  readonly comments: readonly string[];
  readonly text: string;
}

const BUILDER = new Set([
  'series',
  'up',
  'range',
  'rate',
  'increase',
  'sum',
  'sumBy',
  'aggregate',
  'aggregateBy',
  'histogramQuantile',
  // dashboards/common/queries.ts: series() with this project's shared matchers
  'queueMediaSeries',
  'queueSeries',
  'clusterSeries',
]);

function calledNames(node: Node): string[] {
  return node
    .getDescendantsOfKind(SyntaxKind.CallExpression)
    .concat(Node.isCallExpression(node) ? [node] : [])
    .map((call) => call.getExpression().getText())
    .filter((name) => BUILDER.has(name));
}

function formOf(expr: Expression): ExprForm {
  // `<vector>.text` in a DataqueryBuilder chain
  const inner = Node.isPropertyAccessExpression(expr) && expr.getName() === 'text' ? expr.getExpression() : expr;
  if (Node.isStringLiteral(inner) || Node.isNoSubstitutionTemplateLiteral(inner)) return 'string';
  if (Node.isCallExpression(inner) && inner.getExpression().getText() === 'raw') {
    const [argument] = inner.getArguments();
    return Node.isTemplateExpression(argument) && calledNames(argument).length > 0 ? 'template' : 'string';
  }
  return calledNames(inner).length > 0 ? 'builder' : 'string';
}

function exprOfTarget(target: Node): Expression | undefined {
  if (Node.isCallExpression(target) && target.getExpression().getText() === 'query') {
    const [spec] = target.getArguments();
    return spec === undefined ? undefined : exprOfSpec(spec);
  }
  const exprCall = [target, ...target.getDescendantsOfKind(SyntaxKind.CallExpression)].find(
    (node): node is CallExpression =>
      Node.isCallExpression(node) && Node.isPropertyAccessExpression(node.getExpression()) && node.getExpression().getText().endsWith('.expr'),
  );
  return exprCall?.getArguments()[0] as Expression | undefined;
}

/** The `expr` of a QuerySpec object literal ({ refId, expr, … }). */
function exprOfSpec(spec: Node): Expression | undefined {
  const property = Node.isObjectLiteralExpression(spec) ? spec.getProperty('expr') : undefined;
  return Node.isPropertyAssignment(property) ? property.getInitializer() : undefined;
}

/** The panel factories of dashboards/common/panels.ts, whose spec lists its queries. */
const PANEL_FACTORIES = /^(timeSeries|stat|barGauge|table|heatmap|stateTimeline)Panel$/;

/**
 * Every query of the module, in the order written: each `.withTarget(…)` (a query({…}) or a DataqueryBuilder chain)
 * and each element of a panel factory's `queries: [...]`.
 */
export function moduleQueries(source: string): ModuleQuery[] {
  const file = new Project({ useInMemoryFileSystem: true }).createSourceFile('module.ts', source);
  const found: { position: number; query: ModuleQuery }[] = [];
  for (const call of file.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const callee = call.getExpression();
    if (Node.isPropertyAccessExpression(callee) && callee.getName() === 'withTarget') {
      const [target] = call.getArguments();
      const expr = target === undefined ? undefined : exprOfTarget(target);
      if (target === undefined || expr === undefined) throw new Error(`no expr in ${call.getText().slice(0, 200)}`);
      // Comments between the previous call and `.withTarget` are the leading trivia of the dot or the name.
      const nameNode = callee.getNameNode();
      const dot = nameNode.getPreviousSibling() ?? nameNode;
      const comments = [...dot.getLeadingCommentRanges(), ...nameNode.getLeadingCommentRanges()].map((range) => range.getText());
      const viaQueryHelper = Node.isCallExpression(target) && target.getExpression().getText() === 'query';
      // A chain nests the last call outermost: the position of `.withTarget` orders them as written.
      found.push({
        position: nameNode.getStart(),
        query: { form: formOf(expr), viaProjectHelper: viaQueryHelper, builderCalls: calledNames(expr), comments, text: expr.getText() },
      });
    } else if (PANEL_FACTORIES.test(callee.getText())) {
      const [spec] = call.getArguments();
      const queries = Node.isObjectLiteralExpression(spec) ? spec.getProperty('queries') : undefined;
      const list = Node.isPropertyAssignment(queries) ? queries.getInitializer() : undefined;
      if (!Node.isArrayLiteralExpression(list)) throw new Error(`no queries array in ${call.getText().slice(0, 200)}`);
      for (const element of list.getElements()) {
        const expr = exprOfSpec(element);
        if (expr === undefined) throw new Error(`no expr in ${element.getText().slice(0, 200)}`);
        const comments = element.getLeadingCommentRanges().map((range) => range.getText());
        found.push({
          position: element.getStart(),
          query: { form: formOf(expr), viaProjectHelper: true, builderCalls: calledNames(expr), comments, text: expr.getText() },
        });
      }
    }
  }
  return found.sort((a, b) => a.position - b.position).map((f) => f.query);
}

/** The panel factories (timeSeriesPanel, …) the module calls, one entry per call. */
export function panelFactoryCalls(source: string): string[] {
  const file = new Project({ useInMemoryFileSystem: true }).createSourceFile('module.ts', source);
  return file
    .getDescendantsOfKind(SyntaxKind.CallExpression)
    .map((call) => call.getExpression().getText())
    .filter((name) => PANEL_FACTORIES.test(name));
}
