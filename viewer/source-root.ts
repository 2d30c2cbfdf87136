/**
 * Where `functions.file` paths start when `observatory serve` is not told (`--root`). They are relative to the
 * traced project's tsconfig.json, which the database does not record.
 *
 * A database in the default place, `<dir>/.observatory/traces.db`, was written by a program run from `<dir>`;
 * anywhere else the working directory is the best guess. The root is that directory when the recorded files are
 * under it, or else the nearest directory below it that holds most of them: `examples/` for the database that
 * `npm run demo` writes in the repository's `.observatory/`. Never a directory above it, so that what a database
 * records cannot widen what the dashboard reads.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** How deep below the guess the search goes, and how many directories it reads at most. */
const MAX_DEPTH = 3;
const MAX_DIRECTORIES = 2000;
/** Directories that hold no one's sources, or too much to search. */
const SKIPPED = new Set(['node_modules', 'dist', 'build', 'coverage']);

export function defaultSourceRoot(databasePath: string, files: string[]): string {
  const dir = path.dirname(path.resolve(databasePath));
  const guess = path.basename(dir) === '.observatory' ? path.dirname(dir) : process.cwd();
  const relative = files.filter(file => !path.isAbsolute(file) && !file.split(/[\\/]/).includes('..'));
  const found = (root: string) => relative.filter(file => fs.existsSync(path.join(root, file))).length;
  if (relative.length === 0 || found(guess) > 0) return guess;
  let level = [guess];
  let read = 0;
  for (let depth = 1; depth <= MAX_DEPTH && level.length > 0; depth++) {
    const next: string[] = [];
    for (const parent of level) {
      if (read++ >= MAX_DIRECTORIES) return guess;
      next.push(...subdirectories(parent));
    }
    // The nearest level that has any of the files, and in it the directory with the most.
    let best = { root: guess, count: 0 };
    for (const root of next) {
      const count = found(root);
      if (count > best.count) best = { root, count };
    }
    if (best.count > 0) return best.root;
    level = next;
  }
  return guess;
}

function subdirectories(parent: string): string[] {
  try {
    return fs
      .readdirSync(parent, { withFileTypes: true })
      .filter(entry => entry.isDirectory() && !entry.name.startsWith('.') && !SKIPPED.has(entry.name))
      .map(entry => path.join(parent, entry.name))
      .sort();
  } catch {
    return [];
  }
}
