// Walking a parsed PromQL tree (@prometheus-io/lezer-promql): the node names that are expressions and the few
// accessors the generator's checker (generator/promql-analysis.ts) and the importer (importer/promql.ts) both need.
import type { parser } from '@prometheus-io/lezer-promql';

type Tree = ReturnType<typeof parser.parse>;
export type SyntaxNode = Tree['topNode'];

/** Node names that are expressions (as opposed to keywords, label lists, operators). */
export const EXPRESSION_NODES: ReadonlySet<string> = new Set([
  'AggregateExpr',
  'BinaryExpr',
  'FunctionCall',
  'MatrixSelector',
  'NumberDurationLiteral',
  'OffsetExpr',
  'ParenExpr',
  'StringLiteral',
  'SubqueryExpr',
  'UnaryExpr',
  'VectorSelector',
  'StepInvariantExpr',
  'AnchoredExpr',
  'SmoothedExpr',
]);

export function children(node: SyntaxNode): SyntaxNode[] {
  const result: SyntaxNode[] = [];
  for (let child = node.firstChild; child !== null; child = child.nextSibling) result.push(child);
  return result;
}

export const child = (node: SyntaxNode, name: string): SyntaxNode | undefined => children(node).find((c) => c.name === name);

export const expressionChildren = (node: SyntaxNode): SyntaxNode[] => children(node).filter((c) => EXPRESSION_NODES.has(c.name));

/** The expression arguments of a call or aggregation (inside its FunctionCallBody). */
export function argumentsOf(node: SyntaxNode): SyntaxNode[] {
  const body = child(node, 'FunctionCallBody');
  return body === undefined ? [] : expressionChildren(body);
}

/** Where the first syntax error of a parsed expression starts, or undefined when it parsed cleanly. */
export function firstSyntaxErrorOffset(tree: Tree): number | undefined {
  let offset: number | undefined;
  tree.iterate({
    enter(node) {
      if (offset !== undefined) return false;
      if (node.type.isError) offset = node.from;
      return undefined;
    },
  });
  return offset;
}
