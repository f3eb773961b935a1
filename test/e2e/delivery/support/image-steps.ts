// Executes the image's stages (deploy/dockerfile.ts, the list the Dockerfile is rendered from) without a
// container engine: each stage gets a folder that stands in for its root filesystem, container paths are
// mapped into it, COPY copies from the build context or an earlier stage's folder, RUN runs the same
// command line with /bin/sh -c in the mapped WORKDIR with the stage's ARGs and ENVs.
// What this cannot reproduce: the base image itself (the test machine's Node.js stands in for it).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, statSync } from 'node:fs';
import { basename, join, posix } from 'node:path';
import type { Instruction, Stage } from '../../../../deploy/dockerfile.ts';

export interface ExecutedStage {
  /** The folder standing in for the stage's filesystem root. */
  readonly root: string;
  readonly workdir: string;
  /** ENV values: the container's environment (ARGs exist only while building). */
  readonly env: Readonly<Record<string, string>>;
  readonly user: string | undefined;
  readonly exposed: readonly number[];
  readonly entrypoint: readonly string[] | undefined;
  /** A container path as a path on this machine. */
  map(containerPath: string): string;
}

export interface ExecuteOptions {
  readonly context: string;
  readonly workRoot: string;
  readonly buildArgs?: Readonly<Record<string, string>>;
  /** Environment of RUN commands besides ARG/ENV: what the base image provides (PATH, HOME...). */
  readonly baseEnv: NodeJS.ProcessEnv;
}

export function executeStages(stages: readonly Stage[], options: ExecuteOptions): ReadonlyMap<string, ExecutedStage> {
  const done = new Map<string, ExecutedStage>();
  for (const stage of stages) done.set(stage.name, executeStage(stage, options, done));
  return done;
}

function executeStage(stage: Stage, options: ExecuteOptions, earlier: ReadonlyMap<string, ExecutedStage>): ExecutedStage {
  const root = join(options.workRoot, stage.name);
  mkdirSync(root, { recursive: true });
  const map = (containerPath: string): string => join(root, containerPath);
  let workdir = '/';
  const args: Record<string, string> = {};
  const env: Record<string, string> = {};
  let user: string | undefined;
  const exposed: number[] = [];
  let entrypoint: readonly string[] | undefined;
  const resolve = (path: string): string => (posix.isAbsolute(path) ? path : posix.join(workdir, path));

  for (const instruction of stage.instructions as readonly Instruction[]) {
    switch (instruction.op) {
      case 'ARG':
        args[instruction.name] = options.buildArgs?.[instruction.name] ?? instruction.default;
        break;
      case 'ENV':
        Object.assign(env, instruction.vars);
        break;
      case 'WORKDIR':
        workdir = resolve(instruction.path);
        mkdirSync(map(workdir), { recursive: true });
        break;
      case 'COPY': {
        const source = instruction.from === undefined ? undefined : earlier.get(instruction.from);
        if (instruction.from !== undefined && source === undefined) throw new Error(`COPY --from=${instruction.from}: no such earlier stage`);
        const destination = resolve(instruction.dest);
        for (const path of instruction.sources) {
          const from = source === undefined ? join(options.context, path) : source.map(path);
          // Docker: a directory's contents go into the destination; a file goes into it when it ends in /.
          const to = statSync(from).isDirectory() || !instruction.dest.endsWith('/') ? map(destination) : map(posix.join(destination, basename(path)));
          cpSync(from, to, { recursive: true });
        }
        break;
      }
      case 'RUN': {
        const result = spawnSync('/bin/sh', ['-c', instruction.command], {
          cwd: map(workdir),
          env: { ...options.baseEnv, ...args, ...env }, // build ARGs are environment variables of RUN
          encoding: 'utf8',
          maxBuffer: 64 * 1024 * 1024,
        });
        if (result.status !== 0)
          throw new Error(`stage ${stage.name}: RUN ${instruction.command} failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
        break;
      }
      case 'USER':
        user = instruction.user;
        break;
      case 'EXPOSE':
        exposed.push(instruction.port);
        break;
      case 'ENTRYPOINT':
        entrypoint = instruction.argv;
        break;
      case 'LABEL':
        break; // metadata only
    }
  }
  return { root, workdir, env, user, exposed, entrypoint, map };
}
