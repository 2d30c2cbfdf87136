// Builds a project's src/main.ts with rollup and the ts-observatory plugin into <outDir>/before.js, replaces
// every <search> with <replace> in <file>, and builds again with the same plugin and rollup's cache, as watch mode
// does after an edit, into <outDir>/after.js:
//   node rebuild.mjs <projectDir> <outDir> <file> <search> <replace>
// Without a file watcher, so that the test waits on nothing but the two builds.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { rollup } from 'rollup';
import observatory from 'ts-observatory/rollup';

const [projectDir, outDir, file, search, replace] = process.argv.slice(2);
const plugin = observatory();

/** One build of src/main.ts into <outDir>/<name>.js; returns rollup's cache for the next. */
async function build(name, cache) {
  const bundle = await rollup({
    input: path.join(projectDir, 'src', 'main.ts'),
    external: [/^ts-observatory(\/|$)/],
    plugins: [plugin, nodeResolve({ extensions: ['.ts', '.js'] })],
    cache,
  });
  await bundle.write({ file: path.join(outDir, `${name}.js`), format: 'cjs' });
  await bundle.close();
  return bundle.cache;
}

const cache = await build('before');
const text = fs.readFileSync(file, 'utf8');
if (!text.includes(search)) throw new Error(`${search} is not in ${file}`);
fs.writeFileSync(file, text.replaceAll(search, replace));
await build('after', cache);
