// `npm run review -- --base <git-ref>`: what a change does to the generated dashboards, rules,
// Alertmanager configuration and deployment files, as Markdown for a pull-request comment (or JSON).
//   npm run review -- --base origin/main                 Markdown on stdout
//   npm run review -- --base HEAD~1 --out review-out     also review.md, review.json and one SVG per changed dashboard
//   npm run review -- --base HEAD~1 --format json        the structured change list
// Exit 0 whether or not something changed (it is a report); 2 when the review itself fails.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { compareTrees } from './review/compare.ts';
import { renderMarkdown } from './review/markdown.ts';
import { ReviewInputError } from './review/out-tree.ts';
import { generateBothSides, repositoryRoot, ReviewError } from './review/sides.ts';
import { renderLayouts, svgFileName } from './review/svg.ts';

interface CliOptions {
  readonly base: string;
  readonly out?: string;
  readonly format: 'markdown' | 'json';
}

async function main(options: CliOptions): Promise<void> {
  const root = repositoryRoot(process.cwd());
  const { base, head } = await generateBothSides(root, options.base);
  const review = compareTrees(base.tree, head.tree, {
    base: { ref: base.ref, commit: base.commit },
    head: { ref: head.ref, commit: head.commit },
  });
  const pictures = options.out === undefined ? new Map<string, string>() : renderLayouts(review.dashboards, base.tree, head.tree);
  const layouts = Object.fromEntries([...pictures.keys()].map((uid) => [uid, svgFileName(uid)]));
  const json = `${JSON.stringify(options.out === undefined ? review : { ...review, layouts }, null, 2)}\n`;
  const markdown = renderMarkdown(review, { svgFor: (uid) => layouts[uid] });
  if (options.out !== undefined) {
    mkdirSync(options.out, { recursive: true });
    writeFileSync(join(options.out, 'review.md'), markdown);
    writeFileSync(join(options.out, 'review.json'), json);
    for (const [uid, svg] of pictures) writeFileSync(join(options.out, svgFileName(uid)), svg);
  }
  process.stdout.write(options.format === 'json' ? json : markdown);
}

const program = new Command('review')
  .description('Generate the base ref and the working tree, and report what changed in the generated output')
  .requiredOption('--base <git-ref>', 'the commit to compare with (a branch, tag, HEAD~1, origin/main)')
  .option('--out <dir>', 'also write review.md, review.json and one SVG layout picture per changed dashboard here')
  .addOption(new Option('--format <format>', 'markdown for people, json for machines').choices(['markdown', 'json']).default('markdown'))
  .action(async (options: CliOptions) => {
    try {
      await main(options);
    } catch (error) {
      if (!(error instanceof ReviewError || error instanceof ReviewInputError)) throw error;
      process.stderr.write(`review: ${error.message}\n`);
      process.exitCode = 2;
    }
  });

await program.parseAsync();
