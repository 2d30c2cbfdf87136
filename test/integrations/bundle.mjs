// Bundles a built program into one CommonJS file, ts-observatory's runtime included, with nothing left
// outside but Node's own modules:
//   node bundle.mjs <esbuild|rollup|webpack> <entry.js> <outfile>
// The runtime loads what no bundle can hold (the writer thread's files, better-sqlite3) from the installed
// package at run time (runtime/record/installed-package.ts).
import * as path from 'node:path';
import { builtinModules } from 'node:module';

const [tool, entry, outfile] = process.argv.slice(2);

const bundlers = {
  async esbuild() {
    const esbuild = await import('esbuild');
    await esbuild.build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      logLevel: 'warning',
    });
  },
  async rollup() {
    const { rollup } = await import('rollup');
    const { nodeResolve } = await import('@rollup/plugin-node-resolve');
    const { default: commonjs } = await import('@rollup/plugin-commonjs');
    const builtins = new Set([...builtinModules, ...builtinModules.map(name => `node:${name}`)]);
    const bundle = await rollup({
      input: entry,
      external: id => builtins.has(id),
      plugins: [nodeResolve(), commonjs()],
    });
    await bundle.write({ file: outfile, format: 'cjs', inlineDynamicImports: true });
    await bundle.close();
  },
  async webpack() {
    const { default: webpack } = await import('webpack');
    const compiler = webpack({
      mode: 'none',
      target: 'node',
      entry,
      output: { path: path.dirname(outfile), filename: path.basename(outfile) },
    });
    await new Promise((resolve, reject) =>
      compiler.run((error, stats) => {
        if (error) return reject(error);
        if (stats.hasErrors()) return reject(new Error(stats.toString({ all: false, errors: true })));
        compiler.close(() => resolve());
      }),
    );
  },
};

await bundlers[tool]();
