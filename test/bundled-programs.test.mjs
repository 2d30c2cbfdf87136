// A program bundled into one file, ts-observatory's runtime and all, runs and records: the runtime finds
// the writer thread's files in the installed package (runtime/record/installed-package.ts). Bundlers from
// test/integrations (installed by .ci/run).
import test from 'ava';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot, scratchDir } from './helpers/compile.mjs';
import { summarize } from './helpers/fixture-run.mjs';
import { readCalls, runNode } from './helpers/trace.mjs';

const integrations = path.join(repoRoot, 'test', 'integrations');
const shop = path.join(repoRoot, 'test', 'programs', 'shop', 'src');
const tspc = path.join(repoRoot, 'node_modules', 'ts-patch', 'bin', 'tspc.js');

test.before(() => {
  if (!fs.existsSync(path.join(integrations, 'node_modules'))) {
    throw new Error('The bundlers are not installed: run `npm ci --prefix test/integrations` (.ci/run does).');
  }
});

/** The shop program built by tspc into <dir>/dist: the input every bundler gets, and the unbundled baseline. */
function builtShop(label) {
  const dir = scratchDir(label);
  fs.cpSync(shop, path.join(dir, 'src'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'es2022',
        module: 'commonjs',
        strict: true,
        types: ['node'],
        rootDir: 'src',
        outDir: 'dist',
        plugins: [{ transform: 'ts-observatory/transformer' }],
      },
    }),
  );
  const build = spawnSync(process.execPath, [tspc, '-p', dir], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(build.stdout + build.stderr);
  return dir;
}

function runAndRead(t, file) {
  const dbPath = path.join(path.dirname(file), 'traces.db');
  const run = runNode(file, { dbPath });
  t.is(run.status, 0, run.stderr);
  t.is(run.stderr, '');
  t.is(run.stdout, '{"net":11,"tax":2}\n');
  return summarize(readCalls(dbPath));
}

let unbundled;
test.before(t => {
  unbundled = runAndRead(t, path.join(builtShop('unbundled'), 'dist', 'main.js'));
});

for (const tool of ['esbuild', 'rollup', 'webpack']) {
  test(`tspc output bundled by ${tool} into one file, runtime included, records what the unbundled program records`, t => {
    const dir = builtShop(`bundled-${tool}`);
    const bundle = path.join(dir, 'bundle', 'main.js');
    const run = spawnSync(process.execPath, [path.join(integrations, 'bundle.mjs'), tool, path.join(dir, 'dist', 'main.js'), bundle], {
      encoding: 'utf8',
    });
    t.is(run.status, 0, run.stdout + run.stderr);
    t.deepEqual(fs.readdirSync(path.dirname(bundle)), ['main.js'], 'one file');
    t.true(fs.readFileSync(bundle, 'utf8').includes('function installedPackageDir('), 'the runtime is inside the bundle');
    t.is(unbundled.length, 5);
    t.deepEqual(runAndRead(t, bundle), unbundled);
  });
}
