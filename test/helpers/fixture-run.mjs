// Compiling a fixture into a scratch directory and running it, instrumented or not.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compile, fixtureFiles, readFixtureOptions, scratchDir } from './compile.mjs';
import { readCalls, runNode } from './trace.mjs';

/**
 * Compiles fixtures/<name>/input.ts (or the copy of the fixture in `from`) with the plugin (and its
 * options.json), runs the output with recording into a fresh database, and returns the process result, every
 * recorded call and the emitted text by file name.
 */
export function runFixture(name, { from, plugin = {}, env = {}, nodeArgs = [] } = {}) {
  const { dir, files, entry } = fixtureFiles(name, from);
  const fixtureOptions = readFixtureOptions(name);
  const outDir = scratchDir(name);
  const { diagnostics, emitted } = compile({
    rootDir: dir,
    files,
    outDir,
    compilerOptions: fixtureOptions.compilerOptions,
    plugin: { ...fixtureOptions.plugin, ...plugin },
  });
  if (diagnostics) throw new Error(`fixture ${name} did not compile:\n${diagnostics}`);
  const module = fixtureOptions.compilerOptions?.module ?? 'commonjs';
  if (/^es|^preserve/i.test(module)) fs.writeFileSync(path.join(outDir, 'package.json'), '{ "type": "module" }\n');
  const dbPath = path.join(outDir, 'traces.db');
  const result = runNode(path.join(outDir, entry), { dbPath, env, nodeArgs });
  const calls = fs.existsSync(dbPath) ? readCalls(dbPath) : [];
  return { ...result, calls, dbPath, outDir, emitted };
}

/** The parts of a call the execution tests compare: function, status, error, parent and values. */
export function summarize(calls) {
  return calls.map(call => ({
    fn: call.fn,
    status: call.status,
    error: call.error,
    parent: call.parent,
    values: call.values,
  }));
}
