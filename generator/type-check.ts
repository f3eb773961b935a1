// Type-checks the modules the generator compiles (dashboards/, alerts/, metrics/ and what they import)
// before anything is written: tsx runs TypeScript without checking it, so `unit: 'percentunitt'` would
// otherwise reach out/. ts-morph carries its own compiler (not the repository's native TypeScript 7), so
// tsconfig.json is read through it and only options that compiler knows are kept.

import { relative, resolve } from 'node:path';
import { Project, ts } from 'ts-morph';

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

export interface TypeCheckOptions {
  /** Repository root, holding tsconfig.json. */
  readonly root: string;
  /** Files to check with other content than on disk (repository-relative path → text), e.g. in tests. */
  readonly replacements?: ReadonlyMap<string, string>;
}

/** tsconfig.json's compiler options as the bundled compiler reads them; unknown options are dropped. */
function compilerOptions(root: string): ts.CompilerOptions {
  const configPath = resolve(root, 'tsconfig.json');
  const read = ts.readConfigFile(configPath, ts.sys.readFile);
  if (read.error !== undefined) throw new Error(`tsconfig.json: ${ts.flattenDiagnosticMessageText(read.error.messageText, '\n')}`);
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root, undefined, configPath);
  // Options the bundled compiler does not know (code 5023 "Unknown compiler option") are newer than it: skip
  // them rather than refuse to generate. Any other tsconfig error is real.
  const fatal = parsed.errors.filter((error) => error.code !== 5023);
  if (fatal.length > 0) throw new Error(`tsconfig.json: ${fatal.map((e) => ts.flattenDiagnosticMessageText(e.messageText, '\n')).join('; ')}`);
  // The repository is ESM through package.json's "type": "module", which ts-morph's compiler host does not
  // report for NodeNext, so every import.meta would read as CommonJS: check as ES modules resolved the way
  // tsx runs them (bundler resolution keeps the .ts extensions of the imports).
  return { ...parsed.options, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, noEmit: true };
}

/** Type errors in the generator's source modules (empty: they compile). */
export function typeCheckSources(options: TypeCheckOptions): TypeProblem[] {
  const project = new Project({ compilerOptions: compilerOptions(options.root), skipAddingFilesFromTsConfig: true });
  const roots = TYPE_CHECKED_FOLDERS.flatMap((folder) => project.addSourceFilesAtPaths(resolve(options.root, folder, '**/*.ts')));
  for (const [path, text] of options.replacements ?? []) {
    const file = project.getSourceFile(resolve(options.root, path));
    if (file === undefined) throw new Error(`type check: ${path} is not under ${TYPE_CHECKED_FOLDERS.join(', ')}`);
    file.replaceWithText(text);
  }
  project.resolveSourceFileDependencies();
  const program = project.getProgram().compilerObject;
  const problems: TypeProblem[] = [];
  for (const root of roots) {
    const file = program.getSourceFile(root.getFilePath());
    if (file === undefined) continue;
    for (const diagnostic of [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]) {
      const at = diagnostic.start === undefined ? { line: 0, character: 0 } : file.getLineAndCharacterOfPosition(diagnostic.start);
      problems.push({
        file: relative(options.root, file.fileName),
        line: at.line + 1,
        column: at.character + 1,
        message: ts.flattenDiagnosticMessageText(diagnostic.messageText, ' '),
      });
    }
  }
  return problems;
}
