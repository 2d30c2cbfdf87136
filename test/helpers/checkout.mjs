// The checkout program (test/programs/checkout): the small multi-module program every build and run path is tried
// with, and the bundlers installed for those tests (test/integrations).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './compile.mjs';
import { summarize } from './fixture-run.mjs';
import { integrationsDir } from './integrations.mjs';
import { readCalls, runNode } from './trace.mjs';

export const shopSources = path.join(repoRoot, 'test', 'programs', 'checkout', 'src');
export const tspc = path.join(repoRoot, 'node_modules', 'ts-patch', 'bin', 'tspc.js');

/** What main.js prints. */
export const SHOP_OUTPUT = '{"net":11,"tax":2}\n';

/** Writes the shop's sources and a tsconfig.json that names the plugin for tspc into `dir`. */
export function writeShopProject(dir, manifest) {
  fs.cpSync(shopSources, path.join(dir, 'src'), { recursive: true });
  writeProjectConfig(dir);
  if (manifest)
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'shop', private: true, ...manifest }));
  return dir;
}

/** Writes a tsconfig.json for the project in `dir`, its sources in src/, that names the plugin for tspc. */
export function writeProjectConfig(dir) {
  const compilerOptions = {
    target: 'es2022',
    module: 'commonjs',
    strict: true,
    esModuleInterop: true,
    // As `tsc --init` writes it: without it, each cold tspc also type-checks every package's declarations
    // under node_modules/@types, four fifths of a build's time.
    skipLibCheck: true,
    rootDir: 'src',
    outDir: 'dist',
    plugins: [{ transform: 'ts-observatory/transformer' }],
  };
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['src'] }));
}

/** Builds the project in `dir` with the real `tspc` command; returns the process result. */
export function tspcBuild(dir) {
  return spawnSync(process.execPath, [tspc, '-p', dir], { cwd: dir, encoding: 'utf8' });
}

/** Throws, for a test's `before`, unless .ci/run (or a developer) installed the bundlers. */
export function assertIntegrationsInstalled() {
  if (!fs.existsSync(path.join(integrationsDir, 'node_modules'))) {
    throw new Error('The bundlers are not installed: run `node test/helpers/integrations.mjs` (npm test does).');
  }
}

/**
 * Runs a shop entry (main.js, or main.ts under a loader in `nodeArgs`) recording into traces.db beside it;
 * asserts it ran cleanly and printed the total; returns the process result and its rows.
 */
export function runShopProcess(t, file, { nodeArgs = [], env = {} } = {}) {
  const dbPath = path.join(path.dirname(file), 'traces.db');
  // A fresh database for each run: a watch test runs the same entry again after a rebuild.
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${dbPath}${suffix}`, { force: true });
  const run = runNode(file, { dbPath, nodeArgs, env });
  t.is(run.status, 0, `node ${file}\n${run.stdout}\n${run.stderr}`);
  t.is(run.stdout, SHOP_OUTPUT);
  return { run, rows: summarize(readCalls(dbPath)) };
}

/** The rows of runShopProcess. */
export const runShop = (t, file, options) => runShopProcess(t, file, options).rows;

/** The test file the test-runner paths run: the same calls as main.ts. */
export const SHOP_TEST = imports => `${imports}
import { Cart } from '../src/cart';

test('a cart totals its lines', () => {
  const cart = new Cart();
  cart.add('pen', 3, 2);
  cart.add('pad', 1, 5);
  expect(cart.total()).toEqual({ net: 11, tax: 2 });
});
`;
