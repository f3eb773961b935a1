// Type-checks the modules the generator compiles (dashboards/, alerts/, metrics/ and what they import)
// before anything is written: tsx runs TypeScript without checking it, so `unit: 'percentunitt'` would
// otherwise reach out/. ts-morph carries its own compiler (not the repository's native TypeScript 7), so
// tsconfig.json is read through it and only options that compiler knows are kept.

import { relative, resolve } from 'node:path';
import { Project, type SourceFile, ts } from 'ts-morph';
import { TYPE_CHECKED_FOLDERS, type TypeProblem } from './type-problem.ts';

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

export interface TypeCheckResult {
  readonly problems: TypeProblem[];
  /** Every file the program read outside node_modules (repository-relative path → the text checked): what a
   * cached result depends on. */
  readonly inputs: ReadonlyMap<string, string>;
}

/** Files to check with other content than on disk (repository-relative path → text). */
export type Replacements = ReadonlyMap<string, string>;

/**
 * A checker over one ts-morph project: each call applies its replacements (undoing the previous call's) and
 * checks again. A later call reuses the parsed files of the earlier one (the compiler's old-program reuse), so
 * checking a variant costs the check, not parsing the foundation SDK's declarations again.
 */
export function createTypeChecker(root: string): (replacements?: Replacements) => TypeCheckResult {
  const project = new Project({ compilerOptions: compilerOptions(root), skipAddingFilesFromTsConfig: true });
  const roots = TYPE_CHECKED_FOLDERS.flatMap((folder) => project.addSourceFilesAtPaths(resolve(root, folder, '**/*.ts')));
  const replaced = new Map<SourceFile, string>();
  return (replacements = new Map()) => {
    for (const [file, original] of replaced) file.replaceWithText(original);
    replaced.clear();
    for (const [path, text] of replacements) {
      const file = project.getSourceFile(resolve(root, path));
      if (file === undefined) throw new Error(`type check: ${path} is not under ${TYPE_CHECKED_FOLDERS.join(', ')}`);
      replaced.set(file, file.getFullText());
      file.replaceWithText(text);
    }
    project.resolveSourceFileDependencies();
    const program = project.getProgram().compilerObject;
    const problems: TypeProblem[] = [];
    for (const rootFile of roots) {
      const file = program.getSourceFile(rootFile.getFilePath());
      if (file === undefined) continue;
      for (const diagnostic of [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]) {
        const at = diagnostic.start === undefined ? { line: 0, character: 0 } : file.getLineAndCharacterOfPosition(diagnostic.start);
        problems.push({
          file: relative(root, file.fileName),
          line: at.line + 1,
          column: at.character + 1,
          message: ts.flattenDiagnosticMessageText(diagnostic.messageText, ' '),
        });
      }
    }
    const inputs = new Map(
      program
        .getSourceFiles()
        .map((file) => [relative(root, file.fileName), file.text] as const)
        .filter(([path]) => !path.startsWith('..') && !path.split('/').includes('node_modules')),
    );
    return { problems, inputs };
  };
}
