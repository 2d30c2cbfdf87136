// Compiles bench/src once per way of recording, through ts-patch and the real transformer, into bench/.build.
// Every build gets the same sources and compiler options; only the plugin options differ, so the emitted
// call sites are identical and the variants differ only in what sits behind `enter`/`exit`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compile } from '../test/helpers/compile.mjs';
import { benchDir, buildOutput } from './paths.mjs';

const sourceDir = path.join(benchDir, 'src');

// The emitted `require` is resolved from bench/.build/<name>/, so these specifiers reach bench/runtimes/.
const builds = {
  baseline: { enabled: false },
  observatory: {},
  otel: { runtime: '../../runtimes/otel.cjs' },
  pino: { runtime: '../../runtimes/pino.cjs' },
};

export function buildAll() {
  const files = fs
    .readdirSync(sourceDir)
    .filter(file => file.endsWith('.ts'))
    .map(file => path.join(sourceDir, file));
  for (const [name, plugin] of Object.entries(builds)) {
    const outDir = buildOutput(name);
    fs.rmSync(outDir, { recursive: true, force: true });
    const { diagnostics } = compile({ rootDir: sourceDir, files, outDir, plugin });
    if (diagnostics) throw new Error(`bench/src did not compile for ${name}:\n${diagnostics}`);
  }
}
