// A validation problem names the module to open, the item inside it and the mistake, so the message alone
// is enough to fix it: `dashboards/queue-overview.ts › panel "Depth" (id 3) : … (hint)`.

export interface Problem {
  /** Source file of the offending item, e.g. 'dashboards/queue-overview.ts'. */
  readonly module: string;
  /** The item inside the module: `panel "Depth" (id 3)`, `rule QueueDepthCritical`, `group genesys-queues`. */
  readonly item: string;
  readonly message: string;
  readonly hint?: string;
}

export function formatProblem(problem: Problem): string {
  const hint = problem.hint === undefined ? '' : ` (${problem.hint})`;
  return `${problem.module} › ${problem.item} : ${problem.message}${hint}`;
}

/** A problem found in one expression, before it is placed in its module and item. */
export interface ExprProblem {
  readonly message: string;
  readonly hint?: string;
}

export function placeProblems(module: string, item: string, problems: readonly ExprProblem[]): Problem[] {
  return problems.map((problem) => ({ module, item, ...problem }));
}
