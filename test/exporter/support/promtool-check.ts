// `promtool check metrics` on an exposition text (it reads stdin only): its exit code and every word it
// printed, so an assertion shows promtool's own lint message.
import { spawnSync } from 'node:child_process';

export function promtoolCheckMetrics(text: string): { status: number | null; output: string } {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw new Error(`promtool could not run (${result.error.message}); install it with scripts/ensure-tools.sh`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
