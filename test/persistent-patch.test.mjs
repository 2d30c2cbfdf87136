// `ts-patch install` patches the typescript package in node_modules, so the next `npm ci` replaces it and
// plain `tsc` emits uninstrumented code. The `prepare` script `observatory init` writes runs after every
// install and patches it again: after `npm ci`, plain `tsc` still builds instrumented output that records.
// typescript and ts-patch are the versions this repository installed, so npm takes them from its cache.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { outsideScratchDir, repoRoot } from './helpers/compile.mjs';
import { runShop, writeShopProject } from './helpers/checkout.mjs';

const require = createRequire(import.meta.url);
const cli = path.join(repoRoot, 'dist', 'viewer', 'cli.js');
const versionOf = name => require(`${name}/package.json`).version;

function run(t, dir, command, args) {
  const result = spawnSync(command, args, { cwd: dir, encoding: 'utf8' });
  t.is(result.status, 0, `${command} ${args.join(' ')}\n${result.stdout}\n${result.stderr}`);
  return result;
}

const npm = (t, dir, ...args) => run(t, dir, 'npm', [...args, '--prefer-offline', '--no-audit', '--no-fund']);

/**
 * Installs as the project's lock file says, then puts this repository's ts-observatory in node_modules:
 * the registry's ts-observatory of this version is not this build, and a `file:` link would let npm
 * reconcile this repository's own node_modules.
 */
function install(t, dir, ...args) {
  npm(t, dir, ...args);
  fs.symlinkSync(repoRoot, path.join(dir, 'node_modules', 'ts-observatory'), 'dir');
}

/** Plain `tsc`, the project's own, as `npx tsc` runs it; whether its output is instrumented. */
function tscBuildsInstrumented(t, dir) {
  fs.rmSync(path.join(dir, 'dist'), { recursive: true, force: true });
  run(t, dir, process.execPath, [path.join(dir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir]);
  return fs.readFileSync(path.join(dir, 'dist', 'cart.js'), 'utf8').includes('ts-observatory/runtime');
}

test('the prepare script observatory init writes keeps tsc patched across npm ci', t => {
  const dir = writeShopProject(outsideScratchDir('persistent-patch'), {
    devDependencies: { typescript: versionOf('typescript'), 'ts-patch': versionOf('ts-patch') },
  });
  run(t, dir, process.execPath, [cli, 'init']);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  t.is(manifest.scripts.prepare, 'ts-patch install -s');
  delete manifest.dependencies['ts-observatory']; // linked by install() instead
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2));

  // Without its scripts, an install leaves typescript as npm unpacked it: tsc emits plain code. This is the
  // state `npm ci` leaves a patched project in, the failure the prepare script is there for.
  install(t, dir, 'install', '--ignore-scripts');
  t.false(tscBuildsInstrumented(t, dir), 'the typescript npm installs is unpatched');

  install(t, dir, 'ci');
  t.true(tscBuildsInstrumented(t, dir), 'npm ci ran prepare: tsc is patched again');
  t.deepEqual(
    runShop(t, path.join(dir, 'dist', 'main.js')).map(row => row.fn),
    ['Cart.add', 'Cart.add', 'Cart.total', 'quote', 'quote'],
  );
});
