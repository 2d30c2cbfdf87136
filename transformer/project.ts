/**
 * Where a project stands among others: the directory its recorded file paths start from. The path is part of
 * a function's identity in the database (`functions.file` and the default group), so functions of different
 * projects that write to one database never merge, and their names stay paths a reader recognizes.
 *
 *   a project on its own (not composite, in no workspace)     its tsconfig's directory    src/util.helper
 *   composite projects of one package (`tsc -b`)              the package's directory      a/src/util.helper
 *   a project inside an npm, yarn or pnpm workspace           the workspace's directory    packages/a/src/util.helper
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export function identityRoot(projectDir: string, composite: boolean): string {
  const workspace = findUp(projectDir, isWorkspaceRoot);
  if (workspace) return workspace;
  if (composite) return findUp(projectDir, dir => fs.existsSync(path.join(dir, 'package.json'))) ?? projectDir;
  return projectDir;
}

/** The nearest directory at or above `start` that `matches`, or undefined. */
export function findUp(start: string, matches: (dir: string) => boolean): string | undefined {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (matches(dir)) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** A directory whose package.json declares `workspaces` (npm, yarn), or that holds pnpm-workspace.yaml. */
function isWorkspaceRoot(dir: string): boolean {
  if (fs.existsSync(path.join(dir, 'pnpm-workspace.yaml'))) return true;
  const manifest = path.join(dir, 'package.json');
  if (!fs.existsSync(manifest)) return false;
  try {
    return 'workspaces' in JSON.parse(fs.readFileSync(manifest, 'utf8'));
  } catch {
    // A package.json that does not parse is npm's error to report, not a reason to fail the build here.
    return false;
  }
}
