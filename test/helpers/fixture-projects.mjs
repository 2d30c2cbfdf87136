// The runnable fixtures, each written as a project of its own, for building them all in one go through a
// bundler, the Node loader or ts-jest, and running every built fixture in one process
// (helpers/fixture-runner.mjs).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultCompilerOptions, fixtureFiles, fixtureNames, fixturesDir, readFixtureOptions } from './compile.mjs';
import { readCalls } from './trace.mjs';

/** Every fixture that compiles: those that keep no expected diagnostics. */
export function runnableFixtures() {
  return fixtureNames().filter(name => !fs.existsSync(path.join(fixturesDir, name, 'diagnostics.txt')));
}

/** Whether Node runs the fixture's emitted `.js` as an ES module (as helpers/fixture-run.mjs decides). */
export function isModuleFixture(name) {
  return /^es|^preserve/i.test(readFixtureOptions(name).compilerOptions?.module ?? 'commonjs');
}

/**
 * Writes each fixture into `<dir>/<name>/`: its sources, and the tsconfig.json `tspc` would build it with
 * (the test compiler options, the fixture's own, and the plugin entry with the fixture's plugin options);
 * an ES module fixture gets a package.json of type "module", as its tspc build does. Returns each fixture's
 * entry, the TypeScript file to run (the driver when it has one), by name.
 */
export function writeFixtureProjects(dir, names) {
  const entries = new Map();
  // One workspace for them all, so that each fixture's functions are known by its directory: standalone
  // projects that write one database keep paths from their own directory (transformer/project.ts), and
  // sampling's input.ts `risky` and source-map's would be one function, with one of their parameter lists.
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ private: true, workspaces: ['*'] }));
  for (const name of names) {
    const { files, entry } = fixtureFiles(name);
    const projectDir = path.join(dir, name);
    fs.mkdirSync(projectDir, { recursive: true });
    for (const file of files) fs.copyFileSync(file, path.join(projectDir, path.basename(file)));
    const { compilerOptions = {}, plugin = {} } = readFixtureOptions(name);
    const tsconfig = {
      compilerOptions: {
        ...defaultCompilerOptions,
        ...compilerOptions,
        plugins: [{ transform: 'ts-observatory/transformer', ...plugin }],
      },
      files: files.map(file => path.basename(file)),
    };
    fs.writeFileSync(path.join(projectDir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
    if (isModuleFixture(name)) fs.writeFileSync(path.join(projectDir, 'package.json'), '{ "type": "module" }\n');
    const source = files.find(file => path.basename(file).replace(/\.([cm]?)ts$/, '.$1js') === entry);
    entries.set(name, path.join(projectDir, path.basename(source)));
  }
  return entries;
}

const runner = path.join(import.meta.dirname, 'fixture-runner.mjs');

/**
 * Runs each built fixture (`files`: its emitted entry by name) in a worker thread of its own, one process for
 * them all, recording into `dbPath`; returns, by name, the worker's exit code, what it printed and the calls
 * made on its thread.
 */
export function runFixtureBuilds(files, dbPath, { nodeArgs = [] } = {}) {
  const run = spawnSync(process.execPath, [...nodeArgs, runner], {
    input: JSON.stringify({ db: dbPath, files: Object.fromEntries(files) }),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`fixture-runner exited ${run.status}\n${run.stderr}`);
  const workers = JSON.parse(run.stdout.slice(run.stdout.lastIndexOf('\n{') + 1));
  const calls = fs.existsSync(dbPath) ? readCalls(dbPath) : [];
  return {
    stderr: run.stderr,
    fixtures: new Map(
      Object.entries(workers).map(([name, { exitCode, threadId, stdout }]) => [
        name,
        { exitCode, stdout, calls: calls.filter(call => call.threadId === threadId) },
      ]),
    ),
  };
}
