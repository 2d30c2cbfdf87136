// The whole pipeline on the project's own examples/: compile through ts-patch, run, record into SQLite.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compile, repoRoot, scratchDir } from './compile.mjs';
import { runNode } from './trace.mjs';

export const examplesDir = path.join(repoRoot, 'examples');

/**
 * Compiles examples/src with the plugin (and any extra plugin options), runs examples' main with recording
 * into `dbPath`, and returns the process result. Runs `times` times to give readers more than one call.
 */
export function recordExamples(dbPath, { plugin = {}, times = 1, env = {} } = {}) {
  const outDir = scratchDir('examples');
  const srcDir = path.join(examplesDir, 'src');
  const tsconfig = JSON.parse(fs.readFileSync(path.join(examplesDir, 'tsconfig.json'), 'utf8'));
  const { plugins, outDir: _outDir, ...compilerOptions } = tsconfig.compilerOptions;
  const { transform: _transform, ...pluginOptions } = plugins[0];
  const { diagnostics } = compile({
    rootDir: examplesDir,
    files: fs.readdirSync(srcDir).map(file => path.join(srcDir, file)),
    outDir,
    compilerOptions: { ...compilerOptions, rootDir: srcDir },
    plugin: { ...pluginOptions, ...plugin },
  });
  if (diagnostics) throw new Error(`examples did not compile:\n${diagnostics}`);
  let result;
  for (let run = 0; run < times; run++) {
    result = runNode(path.join(outDir, 'main.js'), { dbPath, env, nodeArgs: ['--enable-source-maps'] });
    if (result.status !== 0) throw new Error(`examples failed: ${result.stderr}`);
  }
  return { ...result, outDir };
}
