// The whole pipeline on the project's own examples/: compile through ts-patch, run, record into SQLite.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { compile, plainTypeScript, repoRoot, scratchDir } from './compile.mjs';
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

/** Whether a name in .test-out/ is one of the builds compileProject keeps from run to run. */
export const isKeptBuild = name => /^compiled-.+-[0-9a-f]{8}-[0-9a-f]{16}$/.test(name);

/**
 * Compiles such a project's src/ with the plugin (and any extra plugin options); the output directory. The
 * projects kept in the repository are compiled once for all test files: loading ts-patch's compiler and
 * parsing the standard library for a build costs each test process several seconds of CPU. Their output is
 * kept in `.test-out/compiled-<project>-<options>-<hash>/`, the hash of everything it is made from (sources,
 * tsconfig.json, plugin options, the built transformer, the TypeScript version, these helpers); a build with
 * another hash for the same project and options is stale, and removed when the new one is put in place.
 */
export function compileProject(projectDir, plugin = {}) {
  if (projectDir.startsWith(path.join(repoRoot, '.test-out') + path.sep)) return build(projectDir, plugin);
  const base = path.join(repoRoot, '.test-out');
  const variant = createHash('sha256').update(JSON.stringify(plugin)).digest('hex').slice(0, 8);
  const prefix = `compiled-${path.basename(projectDir)}-${variant}-`;
  const kept = path.join(base, prefix + buildHash(projectDir, plugin));
  if (fs.existsSync(kept)) return kept;
  // Built aside and renamed into place, so that no process ever runs a half-written build; a process that
  // finds another's build already in place uses that one.
  const built = build(projectDir, plugin);
  try {
    fs.renameSync(built, kept);
  } catch (error) {
    if (!fs.existsSync(kept)) throw error;
  }
  for (const stale of fs.readdirSync(base).filter(name => name.startsWith(prefix) && name !== path.basename(kept)))
    fs.rmSync(path.join(base, stale), { recursive: true, force: true });
  return kept;
}

/** Everything a build of the project depends on, hashed. */
function buildHash(projectDir, plugin) {
  const hash = createHash('sha256').update(JSON.stringify({ plugin, typescript: plainTypeScript.version }));
  const files = dir => fs.readdirSync(dir, { recursive: true }).map(file => path.join(dir, file));
  for (const file of [
    ...files(path.join(projectDir, 'src')),
    path.join(projectDir, 'tsconfig.json'),
    ...files(path.join(repoRoot, 'dist', 'transformer')),
    path.join(repoRoot, 'node_modules', 'ts-patch', 'package.json'),
    path.join(import.meta.dirname, 'compile.mjs'),
    import.meta.filename,
  ].sort()) {
    if (fs.statSync(file).isFile()) hash.update(`${file}\0`).update(fs.readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

function build(projectDir, plugin) {
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
