// The container image as a typed list of stages and instructions. The Dockerfile is rendered from it, and
// test/e2e/delivery/dockerfile.test.ts executes the very same instructions in a temp folder (no container
// engine runs here), so what the test proves is what the image does.
//
// Build context: the repository root (`docker build -f out/deploy/Dockerfile .`).

import { EXPORTER_DEFAULT_PORT } from '../config/project.ts';
import { DEPLOY } from '../config/deploy.ts';
import { buildInputs } from './build-inputs.ts';
import { BIN_PATH, DIST_DIR } from './package-layout.ts';

export type Instruction =
  | { readonly op: 'ARG'; readonly name: string; readonly default: string }
  | { readonly op: 'WORKDIR'; readonly path: string }
  /** Sources are context paths, or absolute paths in stage `from`; dest is relative to WORKDIR or absolute. */
  | { readonly op: 'COPY'; readonly from?: string; readonly sources: readonly string[]; readonly dest: string }
  /** Shell form: runs under `/bin/sh -c` in WORKDIR, with ARGs and ENVs in its environment. */
  | { readonly op: 'RUN'; readonly command: string }
  | { readonly op: 'ENV'; readonly vars: Readonly<Record<string, string>> }
  | { readonly op: 'LABEL'; readonly labels: Readonly<Record<string, string>> }
  | { readonly op: 'USER'; readonly user: string }
  | { readonly op: 'EXPOSE'; readonly port: number }
  | { readonly op: 'ENTRYPOINT'; readonly argv: readonly string[] };

export interface Stage {
  readonly name: string;
  readonly from: string;
  readonly comment: string;
  readonly instructions: readonly Instruction[];
}

/** Where the application lives in every stage. */
export const APP_DIR = '/app';

const LOCKED_INSTALL = 'npm ci --no-audit --no-fund';

export function imageStages(version: string): readonly Stage[] {
  return [
    {
      name: 'build',
      from: DEPLOY.nodeImage,
      comment: 'Compile the exporter to plain JavaScript (needs the dev dependencies: TypeScript, tsx).',
      instructions: [
        { op: 'WORKDIR', path: APP_DIR },
        { op: 'COPY', sources: ['package.json', 'package-lock.json'], dest: './' },
        // --ignore-scripts: no dependency needs an install script to build, and none should run one.
        { op: 'RUN', command: `${LOCKED_INSTALL} --ignore-scripts` },
        // What the build reads (deploy/build-inputs.ts): sources after the install, so editing them keeps
        // the cached dependency layer.
        ...buildInputs().map((source): Instruction => ({ op: 'COPY', sources: [source], dest: `./${source}` })),
        // No .git in the context: the revision comes in as a build argument (see the header).
        { op: 'ARG', name: 'BUILD_REVISION', default: 'unknown' },
        { op: 'RUN', command: 'npm run build' },
      ],
    },
    {
      name: 'production-dependencies',
      from: DEPLOY.nodeImage,
      comment: 'Only the runtime dependencies, at the versions package-lock.json pins.',
      instructions: [
        { op: 'WORKDIR', path: APP_DIR },
        { op: 'COPY', sources: ['package.json', 'package-lock.json'], dest: './' },
        { op: 'RUN', command: `${LOCKED_INSTALL} --omit=dev --ignore-scripts` },
      ],
    },
    {
      name: 'runtime',
      from: DEPLOY.nodeImage,
      comment: 'The image: Node.js, dist/ and the production node_modules; owned by root, run as an unprivileged uid.',
      instructions: [
        { op: 'ARG', name: 'BUILD_REVISION', default: 'unknown' },
        {
          op: 'LABEL',
          labels: {
            'org.opencontainers.image.title': DEPLOY.image,
            'org.opencontainers.image.description': 'Prometheus exporter for Genesys Cloud CX queues',
            'org.opencontainers.image.version': version,
            // biome-ignore lint/suspicious/noTemplateCurlyInString: a Dockerfile variable, expanded by the builder
            'org.opencontainers.image.revision': '${BUILD_REVISION}',
            'org.opencontainers.image.licenses': 'Apache-2.0',
          },
        },
        { op: 'ENV', vars: { NODE_ENV: 'production' } },
        { op: 'WORKDIR', path: APP_DIR },
        // package.json is needed at run time: its "type": "module" makes Node load dist/*.js as ES modules.
        { op: 'COPY', sources: ['package.json'], dest: './' },
        { op: 'COPY', from: 'production-dependencies', sources: [`${APP_DIR}/node_modules`], dest: './node_modules' },
        { op: 'COPY', from: 'build', sources: [`${APP_DIR}/${DIST_DIR}`], dest: `./${DIST_DIR}` },
        { op: 'USER', user: `${DEPLOY.uid}:${DEPLOY.gid}` },
        { op: 'EXPOSE', port: EXPORTER_DEFAULT_PORT },
        // The bin's file, run by node directly: node is PID 1 and gets SIGTERM, which the exporter handles.
        { op: 'ENTRYPOINT', argv: ['node', `${APP_DIR}/${BIN_PATH}`] },
      ],
    },
  ];
}

const quote = (text: string): string => JSON.stringify(text);

function renderInstruction(instruction: Instruction): string {
  switch (instruction.op) {
    case 'ARG':
      return `ARG ${instruction.name}=${instruction.default}`;
    case 'WORKDIR':
      return `WORKDIR ${instruction.path}`;
    case 'COPY':
      // JSON form: paths with spaces stay one argument.
      return `COPY ${instruction.from === undefined ? '' : `--from=${instruction.from} `}[${[...instruction.sources, instruction.dest].map(quote).join(', ')}]`;
    case 'RUN':
      return `RUN ${instruction.command}`;
    case 'ENV':
      return `ENV ${Object.entries(instruction.vars)
        .map(([k, v]) => `${k}=${quote(v)}`)
        .join(' ')}`;
    case 'LABEL':
      return `LABEL ${Object.entries(instruction.labels)
        .map(([k, v]) => `${k}=${quote(v)}`)
        .join(' \\\n      ')}`;
    case 'USER':
      return `USER ${instruction.user}`;
    case 'EXPOSE':
      return `EXPOSE ${instruction.port}`;
    case 'ENTRYPOINT':
      return `ENTRYPOINT [${instruction.argv.map(quote).join(', ')}]`;
  }
}

export const DOCKERFILE_PATH = 'deploy/Dockerfile';
export const DOCKERIGNORE_PATH = 'deploy/Dockerfile.dockerignore';

/** The Dockerfile of `stages` (imageStages(version): computed once by the caller, since finding the build's
 * inputs reads the sources). */
export function renderDockerfile(version: string, stages: readonly Stage[]): string {
  const header = [
    '# syntax=docker/dockerfile:1',
    '# Generated by `npm run generate` from deploy/dockerfile.ts and config/deploy.ts. Do not edit.',
    '#',
    '# Build from the repository root (the context), tagging with the version and the git revision:',
    `#   docker build -f out/deploy/Dockerfile --build-arg BUILD_REVISION=$(git rev-parse --short=12 HEAD) -t ${DEPLOY.image}:${version} .`,
    '# Run (credentials from the environment; see README "Deploying"):',
    `#   docker run --rm -p ${EXPORTER_DEFAULT_PORT}:${EXPORTER_DEFAULT_PORT} -e GENESYSCLOUD_OAUTHCLIENT_ID -e GENESYSCLOUD_OAUTHCLIENT_SECRET -e GENESYSCLOUD_REGION ${DEPLOY.image}:${version}`,
    `# Arguments after the image name are exporter flags, e.g. \`${DEPLOY.image}:${version} --simulator\` for the demo.`,
    '# The file next to this one, Dockerfile.dockerignore, keeps the context to what the build copies.',
  ];
  const rendered = stages.map((stage) =>
    [`# ${stage.comment}`, `FROM ${stage.from} AS ${stage.name}`, ...stage.instructions.map(renderInstruction)].join('\n'),
  );
  return `${header.join('\n')}\n\n${rendered.join('\n\n')}\n`;
}

/** Everything is ignored but what some COPY reads from the context: a small, secret-free context. */
export function renderDockerignore(stages: readonly Stage[]): string {
  const sources = new Set<string>();
  for (const stage of stages) {
    for (const instruction of stage.instructions) {
      if (instruction.op === 'COPY' && instruction.from === undefined) for (const source of instruction.sources) sources.add(source.replace(/\/$/, ''));
    }
  }
  return [
    '# Generated by `npm run generate` from deploy/dockerfile.ts. Do not edit.',
    '# BuildKit reads <Dockerfile>.dockerignore next to the Dockerfile. Only the files the build copies are sent.',
    '*',
    ...[...sources].sort().map((source) => `!${source}`),
    '',
  ].join('\n');
}
