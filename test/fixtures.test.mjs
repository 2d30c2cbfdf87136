// Every fixture is compiled through ts-patch and its emitted JavaScript compared with fixtures/<case>/output.js.
// A fixture that is meant to fail compiling keeps the expected diagnostics in fixtures/<case>/diagnostics.txt.
// `UPDATE_FIXTURES=1 npm test` rewrites the expected files from what the compiler emits now.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compile, fixtureFiles, fixtureNames, readFixtureOptions } from './helpers/compile.mjs';

const update = process.env.UPDATE_FIXTURES === '1';

for (const name of fixtureNames()) {
  test(`fixture ${name}`, t => {
    const { dir, files, output } = fixtureFiles(name);
    const { emitted, diagnostics } = compile({ rootDir: dir, files, ...readFixtureOptions(name) });
    const actual = emitted.get(path.join(dir, output));
    const expectedOutput = path.join(dir, output.replace(/^input/, 'output'));
    const expectedDiagnostics = path.join(dir, 'diagnostics.txt');
    if (update) {
      fs.writeFileSync(expectedOutput, actual);
      if (diagnostics) fs.writeFileSync(expectedDiagnostics, diagnostics);
      else fs.rmSync(expectedDiagnostics, { force: true });
    }
    t.is(actual, fs.readFileSync(expectedOutput, 'utf8'));
    t.is(diagnostics, fs.existsSync(expectedDiagnostics) ? fs.readFileSync(expectedDiagnostics, 'utf8') : '');
  });
}
