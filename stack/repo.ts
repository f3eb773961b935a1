// Where the repository is, so the stack can run the project's own entry points from any working directory.
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

/** `node --import tsx <script>`: one process (no npm or tsx wrapper in between), so a signal reaches it directly. */
export function tsNodeCommand(script: string, args: readonly string[]): { command: string; args: string[] } {
  return { command: process.execPath, args: ['--import', 'tsx', script, ...args] };
}
