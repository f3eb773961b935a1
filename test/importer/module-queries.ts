// Reads an imported module with ts-morph and says how each query's expr is written: as builder calls of
// metrics/promql.ts (alone, or as holes of a raw`…` template), or as a raw PromQL string, with the comment above it.

import { type CallExpression, type Expression, Node, Project, SyntaxKind } from 'ts-morph';

export type ExprForm = 'builder' | 'template' | 'string';

export interface ModuleQuery {
  /** How the expr is written. */
  readonly form: ExprForm;
  /** Whether the target is this project's query({...}) helper. */
  readonly viaQueryHelper: boolean;
  /** metrics/promql.ts functions called inside the expr. */
  readonly builderCalls: readonly string[];
  /** The comment lines right above `.withTarget(`. */
  readonly comments: readonly string[];
  readonly text: string;
}

const BUILDER = new Set(['series', 'up', 'range', 'rate', 'increase', 'sum', 'sumBy', 'aggregate', 'aggregateBy', 'histogramQuantile']);

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
    const property = Node.isObjectLiteralExpression(spec) ? spec.getProperty('expr') : undefined;
    return Node.isPropertyAssignment(property) ? property.getInitializer() : undefined;
  }
  const exprCall = [target, ...target.getDescendantsOfKind(SyntaxKind.CallExpression)].find(
    (node): node is CallExpression =>
      Node.isCallExpression(node) && Node.isPropertyAccessExpression(node.getExpression()) && node.getExpression().getText().endsWith('.expr'),
  );
  return exprCall?.getArguments()[0] as Expression | undefined;
}

/** Every `.withTarget(…)` of the module, in order. */
export function moduleQueries(source: string): ModuleQuery[] {
  const file = new Project({ useInMemoryFileSystem: true }).createSourceFile('module.ts', source);
  return (
    file
      .getDescendantsOfKind(SyntaxKind.CallExpression)
      .filter((call) => {
        const callee = call.getExpression();
        return Node.isPropertyAccessExpression(callee) && callee.getName() === 'withTarget';
      })
      // A chain nests the last call outermost: order by where each `.withTarget` is written.
      .sort((a, b) => a.getExpression().getEnd() - b.getExpression().getEnd())
      .map((call) => {
        const [target] = call.getArguments();
        const expr = target === undefined ? undefined : exprOfTarget(target);
        if (target === undefined || expr === undefined) throw new Error(`no expr in ${call.getText().slice(0, 200)}`);
        // Comments between the previous call and `.withTarget` belong to the name node's leading trivia.
        const callee = call.getExpression();
        const nameNode = Node.isPropertyAccessExpression(callee) ? callee.getNameNode() : callee;
        const dot = nameNode.getPreviousSibling() ?? nameNode;
        const comments = [...dot.getLeadingCommentRanges(), ...nameNode.getLeadingCommentRanges()].map((range) => range.getText());
        return {
          form: formOf(expr),
          viaQueryHelper: Node.isCallExpression(target) && target.getExpression().getText() === 'query',
          builderCalls: calledNames(expr),
          comments,
          text: expr.getText(),
        };
      })
  );
}
