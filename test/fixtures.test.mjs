// Every fixture is compiled through ts-patch and its emitted JavaScript compared with fixtures/<case>/output.js.
// A fixture that is meant to fail compiling keeps the expected diagnostics in fixtures/<case>/diagnostics.txt.
// `UPDATE_FIXTURES=1 npm test` rewrites the expected files from what the compiler emits now and prints the diff
// of each file it changed; those tests still compare against the files as they were, so an update run is red
// until the new files are reviewed and the suite runs again. CI never rewrites them.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compile, fixtureFiles, fixtureNames, readFixtureOptions, repoRoot } from './helpers/compile.mjs';

const update = process.env.UPDATE_FIXTURES === '1';
if (update && process.env.CI === 'true') throw new Error('UPDATE_FIXTURES=1 is refused under CI=true: expected files are reviewed, never rewritten by CI');

/** The expected text of `file` as it is now ('' when absent); under UPDATE_FIXTURES, rewritten to `actual` with its diff logged. */
function expected(t, file, actual) {
  const before = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  if (update && before !== actual) {
    const previous = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'observatory-fixture-')), path.basename(file));
    fs.writeFileSync(previous, before);
    if (actual === '') fs.rmSync(file, { force: true });
    else fs.writeFileSync(file, actual);
    const diff = spawnSync('git', ['diff', '--no-index', '--no-color', '--', previous, fs.existsSync(file) ? file : '/dev/null'], { encoding: 'utf8' });
    fs.rmSync(path.dirname(previous), { recursive: true, force: true });
    t.log(`rewrote ${path.relative(repoRoot, file)}:\n${diff.stdout}`);
  }
  return before;
}

for (const name of fixtureNames()) {
  test(`fixture ${name}`, t => {
    const { dir, files, output } = fixtureFiles(name);
    const { emitted, diagnostics } = compile({ rootDir: dir, files, ...readFixtureOptions(name) });
    const actual = emitted.get(path.join(dir, output));
    t.is(actual, expected(t, path.join(dir, output.replace(/^input/, 'output')), actual));
    t.is(diagnostics, expected(t, path.join(dir, 'diagnostics.txt'), diagnostics));
  });
}
