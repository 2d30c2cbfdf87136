// The whole pipeline on the project's own examples/: compile through ts-patch, run, record into SQLite.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { compile, repoRoot, scratchDir } from './compile.mjs';
import { runNode } from './trace.mjs';

export const examplesDir = path.join(repoRoot, 'examples');

/**
 * Compiles examples/src with the plugin (and any extra plugin options), runs examples' main with recording
 * into `dbPath`, and returns the process result. Runs `times` times to give readers more than one call.
 */
export function recordExamples(dbPath, options = {}) {
  return recordProject(examplesDir, dbPath, options);
}

/** The same for any project laid out as examples/ is: tsconfig.json, src/ and src/main.ts. */
export function recordProject(projectDir, dbPath, { plugin = {}, times = 1, env = {} } = {}) {
  const outDir = compileProject(projectDir, plugin);
  let result;
  for (let run = 0; run < times; run++) {
    result = runNode(path.join(outDir, 'main.js'), { dbPath, env, nodeArgs: ['--enable-source-maps'] });
    if (result.status !== 0) throw new Error(`${projectDir} failed: ${result.stderr}`);
  }
  return { ...result, outDir };
}

/** Compiles such a project's src/ with the plugin (and any extra plugin options); the output directory. */
export function compileProject(projectDir, plugin = {}) {
  const outDir = scratchDir(path.basename(projectDir));
  const srcDir = path.join(projectDir, 'src');
  const tsconfig = JSON.parse(fs.readFileSync(path.join(projectDir, 'tsconfig.json'), 'utf8'));
  const { plugins, outDir: _outDir, ...compilerOptions } = tsconfig.compilerOptions;
  const { transform: _transform, ...pluginOptions } = plugins[0];
  const { diagnostics } = compile({
    rootDir: projectDir,
    files: fs.readdirSync(srcDir).map(file => path.join(srcDir, file)),
    outDir,
    compilerOptions: { ...compilerOptions, rootDir: srcDir },
    plugin: { ...pluginOptions, ...plugin },
  });
  if (diagnostics) throw new Error(`${projectDir} did not compile:\n${diagnostics}`);
  return outDir;
}

/**
 * A copy of the recording at `dbPath` in `copyPath` whose calls all start within `spanUs` microseconds of the
 * first, in their recorded order (start times scaled, nothing else changed): a time axis whose width does not
 * depend on how long the runs and the node start-ups between them took on a loaded machine.
 */
export async function squeezedCopy(dbPath, copyPath, spanUs) {
  const source = new Database(dbPath, { readonly: true });
  try {
    await source.backup(copyPath);
  } catch (error) {
    throw new Error(`copying ${dbPath} to ${copyPath}: ${error.code} ${error.message}`, { cause: error });
  } finally {
    source.close();
  }
  const db = new Database(copyPath);
  try {
    const { lo, hi } = db.prepare('SELECT min(start_us) AS lo, max(start_us) AS hi FROM calls').get();
    if (hi > lo)
      db.prepare('UPDATE calls SET start_us = CAST(? + (start_us - ?) * ? / ? AS INTEGER)').run(
        lo,
        lo,
        spanUs,
        hi - lo,
      );
    const after = db.prepare('SELECT max(start_us) - min(start_us) AS span FROM calls').get();
    if (after.span > spanUs) throw new Error(`squeezing ${dbPath} left a span of ${after.span} µs`);
  } finally {
    db.close();
  }
  return copyPath;
}
