// Builds a project's src/main.ts into <outDir>/main.js (CommonJS, for Node) with one bundler and the
// ts-observatory plugin for it, as a user's build config would; or, given entries, each <entry.ts> into
// <outDir>/<name>.js, in one multi-entry build:
//   node build.mjs <vite|rollup|esbuild|webpack|rspack> <projectDir> <outDir> [<name>=<entry.ts> ...]
// ts-observatory itself stays outside the bundle here: a dependency, loaded at run time.
import * as path from 'node:path';

const [tool, projectDir, outDir, ...entryArgs] = process.argv.slice(2);
const entries =
  entryArgs.length > 0
    ? Object.fromEntries(entryArgs.map(arg => [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]))
    : { main: path.join(projectDir, 'src', 'main.ts') };
const external = [/^ts-observatory(\/|$)/];
const extensions = ['.ts', '.js'];

const builders = {
  async vite() {
    const { build } = await import('vite');
    const { default: observatory } = await import('ts-observatory/vite');
    await build({
      root: projectDir,
      configFile: false,
      logLevel: 'warn',
      plugins: [observatory()],
      ssr: { external: ['ts-observatory'] },
      build: {
        ssr: true,
        outDir,
        emptyOutDir: true,
        sourcemap: true,
        rollupOptions: { input: entries, output: { format: 'cjs', entryFileNames: '[name].js' } },
      },
    });
  },
  async rollup() {
    const { rollup } = await import('rollup');
    const { nodeResolve } = await import('@rollup/plugin-node-resolve');
    const { default: commonjs } = await import('@rollup/plugin-commonjs');
    const { default: observatory } = await import('ts-observatory/rollup');
    // commonjs() for the files that TypeScript's `export =` or `import x = require()` make CommonJS.
    const bundle = await rollup({
      input: entries,
      external,
      plugins: [observatory(), nodeResolve({ extensions }), commonjs({ extensions })],
    });
    await bundle.write({ dir: outDir, entryFileNames: '[name].js', format: 'cjs', sourcemap: true });
    await bundle.close();
  },
  async esbuild() {
    const esbuild = await import('esbuild');
    const { default: observatory } = await import('ts-observatory/esbuild');
    await esbuild.build({
      entryPoints: entries,
      outdir: outDir,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      sourcemap: true,
      external: ['ts-observatory', 'ts-observatory/*'],
      logLevel: 'warning',
      plugins: [observatory()],
    });
  },
  async webpack() {
    const { default: webpack } = await import('webpack');
    const { default: observatory } = await import('ts-observatory/webpack');
    await runCompiler(webpack, { plugins: [observatory()], externals: externalsFor('commonjs') });
  },
  async rspack() {
    const { rspack } = await import('@rspack/core');
    const { default: observatory } = await import('ts-observatory/rspack');
    await runCompiler(rspack, { plugins: [observatory()], externals: externalsFor('commonjs') });
  },
};

/** webpack and rspack share their configuration and compiler API. */
function runCompiler(create, { plugins, externals }) {
  const compiler = create({
    mode: 'none',
    target: 'node',
    context: projectDir,
    entry: entries,
    devtool: 'source-map',
    output: { path: outDir, filename: '[name].js', library: { type: 'commonjs2' } },
    resolve: { extensions },
    // TypeScript files are JavaScript once the plugin has emitted them; without a TypeScript loader after it,
    // they are typed as ES modules here, whatever "type" the nearest package.json gives .js files.
    module: { rules: [{ test: /\.[cm]?tsx?$/, type: 'javascript/auto' }] },
    externals,
    plugins,
  });
  return new Promise((resolve, reject) =>
    compiler.run((error, stats) => {
      if (error) return reject(error);
      if (stats.hasErrors()) return reject(new Error(stats.toString({ all: false, errors: true })));
      if (stats.hasWarnings()) console.warn(stats.toString({ all: false, warnings: true }));
      compiler.close(() => resolve());
    }),
  );
}

function externalsFor(type) {
  return ({ request }, callback) =>
    external.some(pattern => pattern.test(request)) ? callback(null, `${type} ${request}`) : callback();
}

await builders[tool]();
