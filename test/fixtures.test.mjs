// Every fixture is compiled through ts-patch and its emitted JavaScript compared with fixtures/<case>/output.js.
// A fixture that is meant to fail compiling keeps the expected diagnostics in fixtures/<case>/diagnostics.txt.
// `UPDATE_FIXTURES=1 npm test` rewrites them (helpers/expected-files.mjs).
import test from 'ava';
import * as path from 'node:path';
import { compile, fixtureFiles, fixtureNames, readFixtureOptions } from './helpers/compile.mjs';
import { expectedText } from './helpers/expected-files.mjs';

for (const name of fixtureNames()) {
  test(`fixture ${name}`, t => {
    const { dir, files, output } = fixtureFiles(name);
    const { emitted, diagnostics } = compile({ rootDir: dir, files, ...readFixtureOptions(name) });
    const actual = emitted.get(path.join(dir, output));
    t.is(
      actual,
      expectedText(t, path.join(dir, output.replace(/^input/, 'output')), () => actual),
    );
    t.is(
      diagnostics,
      expectedText(t, path.join(dir, 'diagnostics.txt'), () => diagnostics),
    );
  });
}
