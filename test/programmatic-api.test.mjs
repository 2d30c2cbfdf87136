// The README's programmatic use of `createTransformer`: tag errors reach the user even from a build script
// that never looks at diagnostics.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fixtureFiles, fixturesDir, scratchDir } from './helpers/compile.mjs';

const expected = fs
  .readFileSync(path.join(fixturesDir, 'invalid-tag-options', 'diagnostics.txt'), 'utf8')
  .match(/error TS990001: .*/g);

/**
 * Runs a build script that emits the invalid-tag-options fixture with `createTransformer(program, {}, extras)`.
 * Its program has the standard library alone: the DOM's and every @types package's declarations would make
 * each cold start several times slower, and the fixture needs none of them.
 */
function build(extrasSource) {
  const dir = scratchDir('programmatic-api');
  const script = path.join(dir, 'build.cjs');
  fs.writeFileSync(
    script,
    `const ts = require('typescript');
const { createTransformer } = require('ts-observatory/transformer');
const program = ts.createProgram([${JSON.stringify(fixtureFiles('invalid-tag-options').files[0])}], {
  outDir: ${JSON.stringify(path.join(dir, 'out'))}, module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2022.d.ts'], types: [],
});
const collected = [];
program.emit(undefined, undefined, undefined, false, { before: [createTransformer(program, {}, ${extrasSource})] });
console.log(JSON.stringify({ collected: collected.map(d => d.messageText) }));
`,
  );
  const run = spawnSync(process.execPath, [script], { encoding: 'utf8' });
  return { ...run, report: JSON.parse(run.stdout), emitted: fs.existsSync(path.join(dir, 'out', 'input.js')) };
}

test('a build script that reads no diagnostics still prints every tag error and exits 1', t => {
  const run = build('{}');
  t.is(run.status, 1, run.stderr);
  t.deepEqual(run.stderr.match(/error TS990001: .*/g), expected);
  t.true(run.emitted, 'the output is still written, as tsc writes it');
});

test('a caller that passes addDiagnostic takes the tag errors over, and nothing is printed', t => {
  const run = build('{ addDiagnostic: d => collected.push(d) }');
  t.is(run.status, 0, run.stderr);
  t.is(run.stderr, '');
  t.deepEqual(
    run.report.collected.map(message => `error TS990001: ${message}`),
    expected,
  );
});
