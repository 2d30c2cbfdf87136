// `observatory check` lists what the tags ask for and whether the built output instruments it, and names
// the likely cause when the output instruments nothing.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot, scratchDir } from './helpers/compile.mjs';
import { tspcBuild, writeShopProject } from './helpers/checkout.mjs';

const cli = path.join(repoRoot, 'dist', 'viewer', 'cli.js');
const check = dir => spawnSync(process.execPath, [cli, 'check'], { cwd: dir, encoding: 'utf8' });
const plainTsc = dir =>
  spawnSync(process.execPath, [path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], {
    encoding: 'utf8',
  });

const FUNCTIONS = ['quote @ src/pricing.ts:7', 'Cart.add @ src/cart.ts:7', 'Cart.total @ src/cart.ts:13'];

test('a tspc build instruments every tagged function, and check says so', t => {
  const dir = writeShopProject(scratchDir('check-tspc'));
  t.is(tspcBuild(dir).status, 0);
  const run = check(dir);
  t.is(run.status, 0, run.stderr);
  t.deepEqual(run.stdout.trim().split('\n'), [
    ...FUNCTIONS.map(fn => `instrumented      ${fn}`),
    '3 of 3 functions instrumented in the built output.',
  ]);
});

/** The shop built by plain, unpatched tsc: its output instruments nothing. */
let unpatched;
test.before(() => {
  unpatched = writeShopProject(scratchDir('check-tsc'));
  const build = plainTsc(unpatched);
  if (build.status !== 0) throw new Error(build.stdout + build.stderr);
});

test('output of an unpatched tsc: check exits 1 and names the cause', t => {
  const run = check(unpatched);
  t.is(run.status, 1);
  t.deepEqual(run.stdout.split('\n').slice(0, 4), [
    ...FUNCTIONS.map(fn => `NOT instrumented  ${fn}`),
    '0 of 3 functions instrumented in the built output.',
  ]);
  t.regex(run.stdout, /Likely cause: the output was built without the plugin: by an unpatched tsc/);
});

test('no build, and a build older than its sources: check exits 1 and names each cause', t => {
  const dir = writeShopProject(scratchDir('check-stale'));
  const missing = check(dir);
  t.is(missing.status, 1);
  t.regex(missing.stdout, /Likely cause: no built output/);
  // The unpatched build, copied in and dated before its sources were written.
  fs.cpSync(path.join(unpatched, 'dist'), path.join(dir, 'dist'), { recursive: true });
  const past = new Date('2020-01-01');
  for (const file of fs.readdirSync(path.join(dir, 'dist'))) fs.utimesSync(path.join(dir, 'dist', file), past, past);
  const stale = check(dir);
  t.is(stale.status, 1);
  t.regex(stale.stdout, /Likely cause: a stale build: .*changed after the build/);
});
