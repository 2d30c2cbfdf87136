// Every runnable fixture, built through each path other than tspc, records exactly the rows its tspc build
// records: the bundler plugins (ts-observatory/esbuild, /rollup, /webpack, /rspack, /vite), the Node loader
// (ts-observatory/register) and jest with ts-jest's astTransformers entry (ts-observatory/ts-jest). Each
// fixture is a project of its own, with the tsconfig.json (compiler options and plugin options) tspc builds it
// with; each path builds them all in one go (one multi-entry build per bundler, one jest run) and one process
// runs them all (helpers/fixture-runner.mjs, jest), so that the comparison stays within CI's time.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { compile, scratchDir } from './helpers/compile.mjs';
import { assertIntegrationsInstalled } from './helpers/checkout.mjs';
import {
  isModuleFixture,
  runFixtureBuilds,
  runnableFixtures,
  writeFixtureProjects,
} from './helpers/fixture-projects.mjs';
import { summarize } from './helpers/fixture-run.mjs';
import { integrationsDir } from './helpers/integrations.mjs';
import { fixtureOutput, runFixturesUnderJest } from './helpers/jest-fixtures.mjs';
import { readCalls } from './helpers/trace.mjs';

test.before(assertIntegrationsInstalled);

const names = runnableFixtures();
const dir = scratchDir('fixture-build-paths');
const entries = writeFixtureProjects(path.join(dir, 'projects'), names);

/** `.ts` → `.js`, `.mts` → `.mjs`, `.cts` → `.cjs`. */
const emittedName = file => path.basename(file).replace(/\.([cm]?)ts$/, '.$1js');

/** Each fixture's rows, by name, from its built entries (by name); asserts every fixture ran to exit code 0. */
function rowsOf(t, label, files, options) {
  const { fixtures, stderr } = runFixtureBuilds(files, path.join(dir, `${label}.db`), options);
  if (process.env.DEBUG_PATHS)
    fs.writeFileSync(
      `/tmp/rows-${label}.json`,
      JSON.stringify(Object.fromEntries([...fixtures].map(([name, { calls }]) => [name, summarize(calls)])), null, 1),
    );
  const failed = [...fixtures].filter(([, { exitCode }]) => exitCode !== 0).map(([name]) => name);
  t.deepEqual(failed, [], `${label}: fixtures that did not exit 0\n${stderr}`);
  return Object.fromEntries([...fixtures].map(([name, { calls }]) => [name, summarize(calls)]));
}

/**
 * Asserts each fixture's rows equal its tspc build's: first which fixtures differ, all of them named, then the
 * first one's rows side by side.
 */
function assertRowsOfTspc(t, rows) {
  const differing = names.filter(name => !isDeepStrictEqual(rows[name], tspcRows[name]));
  t.deepEqual(differing, []);
  if (differing.length > 0) t.deepEqual(rows[differing[0]], tspcRows[differing[0]], differing[0]);
}

let tspcRows;
test.before('the rows of each fixture built as tspc builds it', t => {
  const files = new Map();
  for (const [name, entry] of entries) {
    const projectDir = path.dirname(entry);
    const outDir = path.join(dir, 'tspc', name);
    const tsconfig = JSON.parse(fs.readFileSync(path.join(projectDir, 'tsconfig.json'), 'utf8'));
    // The tsconfig.json's own compiler options and plugin entry, through ts-patch's compiler as tspc runs it.
    const {
      plugins: [plugin],
      ...compilerOptions
    } = tsconfig.compilerOptions;
    const rootNames = tsconfig.files.map(file => path.join(projectDir, file));
    const { diagnostics } = compile({ rootDir: projectDir, files: rootNames, outDir, compilerOptions, plugin });
    if (diagnostics) throw new Error(`${name} did not compile:\n${diagnostics}`);
    if (isModuleFixture(name)) fs.writeFileSync(path.join(outDir, 'package.json'), '{ "type": "module" }\n');
    files.set(name, path.join(outDir, emittedName(entry)));
  }
  tspcRows = rowsOf(t, 'tspc', files);
});

test.serial('every runnable fixture records calls under tspc', t => {
  t.deepEqual(
    names.filter(name => tspcRows[name].length === 0),
    [],
  );
});

for (const tool of ['esbuild', 'rollup', 'webpack', 'rspack', 'vite']) {
  test.serial(`${tool} with ts-observatory/${tool}, all fixtures in one build: the rows of tspc`, t => {
    const outDir = path.join(dir, tool);
    const build = spawnSync(
      process.execPath,
      [
        path.join(integrationsDir, 'build.mjs'),
        tool,
        path.join(dir, 'projects'),
        outDir,
        ...[...entries].map(([name, entry]) => `${name}=${entry}`),
      ],
      { encoding: 'utf8' },
    );
    t.is(build.status, 0, `${tool} build\n${build.stdout}\n${build.stderr}`);
    const files = new Map(names.map(name => [name, path.join(outDir, `${name}.js`)]));
    const rows = rowsOf(t, tool, files);
    // The one legitimate difference. A bundler takes ES modules and runs a bundle's modules in ES module order:
    // in import-cycle, cycle.ts runs before input.ts, so the call it makes while input.ts is still loading (the
    // first) happens before input.ts registers `double`: unrecorded and unharmed, as import-cycle-esm shows
    // under tspc. The CommonJS build runs input.ts's registrations first and records it.
    t.deepEqual(rows['import-cycle'], tspcRows['import-cycle'].slice(1));
    assertRowsOfTspc(t, { ...rows, 'import-cycle': tspcRows['import-cycle'] });
  });
}

test.serial('node --import ts-observatory/register, each fixture from its TypeScript: the rows of tspc', t => {
  assertRowsOfTspc(t, rowsOf(t, 'register', entries, { nodeArgs: ['--import', 'ts-observatory/register'] }));
});

test.serial('jest with ts-jest and ts-observatory/ts-jest, every fixture in one jest run: the rows of tspc', t => {
  const outDir = path.join(dir, 'jest');
  fs.mkdirSync(outDir);
  // jest takes a rejection that nothing handled for a failure of the test, and the program's own
  // `unhandledRejection` listener never hears of it. async-finally prints its last line from that listener,
  // about the rejection of `failing`: under jest its test ends on the line before, with `failing` perhaps still
  // pending, so that call's row is left out of the comparison, and a failure of that test must be its rejection.
  const unhandled = { name: 'async-finally', line: 'unhandled: network\n', fn: 'failing' };
  const { run, tests, databases } = runFixturesUnderJest(outDir, entries, name =>
    name === unhandled.name ? fixtureOutput(name).replace(unhandled.line, '') : fixtureOutput(name),
  );
  const failed = names.filter(name => tests.get(name)?.status !== 'passed');
  t.deepEqual(
    failed.filter(name => name !== unhandled.name),
    [],
    run.stderr.slice(-6000),
  );
  if (failed.includes(unhandled.name)) t.regex(tests.get(unhandled.name).failureMessages.join('\n'), /Error: network/);

  const rows = Object.fromEntries(
    [...databases].map(([name, db]) => [name, fs.existsSync(db) ? summarize(readCalls(db)) : []]),
  );
  const settled = calls => calls.filter(call => call.fn !== unhandled.fn);
  t.deepEqual(settled(rows[unhandled.name]), settled(tspcRows[unhandled.name]));
  assertRowsOfTspc(t, { ...rows, [unhandled.name]: tspcRows[unhandled.name] });
});
