// Expected files kept beside the fixtures (output.js, diagnostics.txt, stdout.txt), reviewed like code.
// `UPDATE_FIXTURES=1 npm test` rewrites each one that differs from what the code produces now and logs its
// diff; the test still compares against the file as it was, so an update run stays red until the new files
// are reviewed and the suite runs again. CI never rewrites them.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from './compile.mjs';

export const updating = process.env.UPDATE_FIXTURES === '1';
if (updating && process.env.CI === 'true') {
  throw new Error('UPDATE_FIXTURES=1 is refused under CI=true: expected files are reviewed, never rewritten by CI');
}

/**
 * The expected text of `file` as it is now ('' when absent). Under UPDATE_FIXTURES, `actual()` is asked
 * for the current text, and the file is rewritten to it (removed when '') with the diff logged on `t`.
 */
export function expectedText(t, file, actual) {
  const before = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  if (!updating) return before;
  const now = actual();
  if (now === before) return before;
  const previous = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'observatory-fixture-')), path.basename(file));
  fs.writeFileSync(previous, before);
  if (now === '') fs.rmSync(file, { force: true });
  else fs.writeFileSync(file, now);
  const diff = spawnSync(
    'git',
    ['diff', '--no-index', '--no-color', '--', previous, fs.existsSync(file) ? file : '/dev/null'],
    { encoding: 'utf8' },
  );
  fs.rmSync(path.dirname(previous), { recursive: true, force: true });
  t.log(`rewrote ${path.relative(repoRoot, file)}:\n${diff.stdout}`);
  return before;
}
