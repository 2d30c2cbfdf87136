// ts-observatory is a runtime dependency of the user's program: installed from its package the way the
// README says, with `npm install --omit=dev`, a built program runs and records.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { outsideScratchDir, repoRoot, scratchDir } from './helpers/compile.mjs';
import { SHOP_OUTPUT, tspcBuild, writeShopProject } from './helpers/checkout.mjs';
import { readCalls, runNode } from './helpers/trace.mjs';

const npm = (args, cwd) => spawnSync('npm', args, { cwd, encoding: 'utf8' });

test('npm install --omit=dev installs what the built program needs, and not the typescript or ts-patch peers', t => {
  const dir = outsideScratchDir('install');
  const pack = npm(['pack', '--pack-destination', dir, repoRoot], dir);
  t.is(pack.status, 0, pack.stderr);
  const tarball = path.join(dir, pack.stdout.trim().split('\n').pop());
  // The compiler is the repository's, so that what lands in node_modules is what ts-observatory itself asks for.
  writeShopProject(dir, { dependencies: { 'ts-observatory': `file:${tarball}` } });
  // better-sqlite3's install script compiles SQLite, minutes on a loaded machine: the install skips scripts,
  // and the addon npm ci built for this repository, of the version the same range picks, takes its place.
  const install = npm(
    ['install', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'],
    dir,
  );
  t.is(install.status, 0, install.stderr);
  const installed = dir =>
    JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8'));
  t.is(installed(dir).version, installed(repoRoot).version);
  const addon = path.join('node_modules', 'better-sqlite3', 'build');
  fs.cpSync(path.join(repoRoot, addon), path.join(dir, addon), { recursive: true });
  t.false(fs.existsSync(path.join(dir, 'node_modules', 'typescript')), 'typescript is an optional peer only');
  t.false(fs.existsSync(path.join(dir, 'node_modules', 'ts-patch')));

  // The build loads the plugin from the installed package, as a user's tspc does.
  const build = tspcBuild(dir);
  t.is(build.status, 0, build.stdout + build.stderr);
  t.is(build.stderr, '', 'no warning: ts-observatory is in dependencies');

  const dbPath = path.join(dir, 'traces.db');
  const run = runNode(path.join(dir, 'dist', 'main.js'), { dbPath });
  t.is(run.status, 0, run.stderr);
  t.is(run.stdout, SHOP_OUTPUT);
  t.deepEqual(
    readCalls(dbPath).map(
      call => `${call.group}.${call.fn} ${call.values.map(([name, , , value]) => `${name}=${value}`).join(' ')}`,
    ),
    [
      'src/cart.Cart.add item=pen units=3 unitPrice=2 result=1',
      'src/cart.Cart.add item=pad units=1 unitPrice=5 result=2',
      'src/cart.Cart.total net=11 tax=2',
      'src/pricing.quote units=3 unitPrice=2 net=6 tax=1',
      'src/pricing.quote units=1 unitPrice=5 net=5 tax=1',
    ],
  );
});

test('a build warns when ts-observatory is only a devDependency, and still succeeds', t => {
  const dir = scratchDir('dev-dependency');
  writeShopProject(dir, { devDependencies: { 'ts-observatory': '^0.1.0' } });
  const build = tspcBuild(dir);
  t.is(build.status, 0, build.stdout + build.stderr);
  t.regex(build.stderr, /^ts-observatory: ts-observatory is a devDependency, .* move it to dependencies/);
  t.is(build.stderr.trim().split('\n').length, 1, 'one line, once per build');
});
