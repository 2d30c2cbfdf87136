// A program bundled into one file, ts-observatory's runtime and all, runs and records: the runtime finds
// the writer thread's files in the installed package (runtime/record/installed-package.ts). Bundlers from
// test/integrations (installed by .ci/run).
import test from 'ava';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { scratchDir } from './helpers/compile.mjs';
import { assertIntegrationsInstalled, runShop, tspcBuild, writeShopProject } from './helpers/checkout.mjs';
import { integrationsDir as integrations } from './helpers/integrations.mjs';

test.before(assertIntegrationsInstalled);

// The shop program built once by tspc into <dir>/dist: the input every bundler gets (each writes its bundle
// to a directory of its own), and the unbundled baseline.
let built;
let unbundled;
test.before(t => {
  built = writeShopProject(scratchDir('bundled'));
  const build = tspcBuild(built);
  if (build.status !== 0) throw new Error(build.stdout + build.stderr);
  unbundled = runShop(t, path.join(built, 'dist', 'main.js'));
});

for (const tool of ['esbuild', 'rollup', 'webpack']) {
  test.serial(
    `tspc output bundled by ${tool} into one file, runtime included, records what the unbundled program records`,
    t => {
      const bundle = path.join(built, `bundle-${tool}`, 'main.js');
      const run = spawnSync(
        process.execPath,
        [path.join(integrations, 'bundle.mjs'), tool, path.join(built, 'dist', 'main.js'), bundle],
        {
          encoding: 'utf8',
        },
      );
      t.is(run.status, 0, run.stdout + run.stderr);
      t.deepEqual(fs.readdirSync(path.dirname(bundle)), ['main.js'], 'one file');
      t.true(
        fs.readFileSync(bundle, 'utf8').includes('function installedPackageDir('),
        'the runtime is inside the bundle',
      );
      t.is(unbundled.length, 5);
      t.deepEqual(runShop(t, bundle), unbundled);
    },
  );
}
