// What the generator's type check reports, apart from the check itself (generator/type-check.ts), so that
// reading a cached result does not load the compiler.

/** The source folders whose files are the roots of the check; their imports are followed. */
export const TYPE_CHECKED_FOLDERS = ['dashboards', 'alerts', 'metrics'] as const;

export interface TypeProblem {
  /** Repository-relative path, e.g. 'dashboards/queue-detail.ts'. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export function formatTypeProblem(problem: TypeProblem): string {
  return `${problem.file}:${problem.line}:${problem.column}: ${problem.message}`;
}
