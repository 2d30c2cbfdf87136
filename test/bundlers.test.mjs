// The bundler and dev-server plugins (ts-observatory/vite, /rollup, /esbuild, /webpack, /rspack) and vitest
// with the vite plugin: the same multi-module program, built by each, records exactly the rows tspc's build
// records, and the bundle's source map leads back into the TypeScript source. The bundlers come from
// test/integrations (installed by .ci/run), vite and vitest from the repository's own devDependencies.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { SourceMap } from 'node:module';
import * as path from 'node:path';
import { repoRoot, scratchDir } from './helpers/compile.mjs';
import { summarize } from './helpers/fixture-run.mjs';
import { readCalls, runNode } from './helpers/trace.mjs';

const integrations = path.join(repoRoot, 'test', 'integrations');
const shop = path.join(repoRoot, 'test', 'programs', 'shop', 'src');
const tspc = path.join(repoRoot, 'node_modules', 'ts-patch', 'bin', 'tspc.js');
const vitest = path.join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs');

test.before(() => {
  if (!fs.existsSync(path.join(integrations, 'node_modules'))) {
    throw new Error('The bundlers are not installed: run `npm ci --prefix test/integrations` (.ci/run does).');
  }
});

/** A project with the shop program and a tsconfig.json that names the plugin for tspc. */
function shopProject(label) {
  const dir = scratchDir(label);
  fs.cpSync(shop, path.join(dir, 'src'), { recursive: true });
  const compilerOptions = { target: 'es2022', module: 'commonjs', strict: true, types: ['node'], rootDir: 'src', outDir: 'dist' };
  fs.writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { ...compilerOptions, plugins: [{ transform: 'ts-observatory/transformer' }] }, include: ['src'] }),
  );
  return dir;
}

function check(t, what, result) {
  t.is(result.status, 0, `${what}\n${result.stdout}\n${result.stderr}`);
}

function runAndRead(t, file) {
  const dbPath = path.join(path.dirname(file), 'traces.db');
  const run = runNode(file, { dbPath });
  check(t, `node ${file}`, run);
  t.is(run.stdout, '{"net":11,"tax":2}\n');
  return summarize(readCalls(dbPath));
}

let tspcRows;
test.before('the rows of the tspc build, to compare against', t => {
  const dir = shopProject('tspc-shop');
  check(t, 'tspc', spawnSync(process.execPath, [tspc, '-p', dir], { encoding: 'utf8' }));
  tspcRows = runAndRead(t, path.join(dir, 'dist', 'main.js'));
});

test('the tspc build records the five calls with their values, typed from the source', t => {
  // The baseline the bundler tests compare against must itself be the full record: object outputs split
  // into their properties (which only the type checker knows), parents linked.
  t.is(tspcRows.length, 5);
  const quote = tspcRows.find(row => row.fn === 'quote');
  t.deepEqual(quote.values, [
    ['units', 'INPUT', 'number', 3],
    ['unitPrice', 'INPUT', 'number', 2],
    ['net', 'OUTPUT', 'number', 6],
    ['tax', 'OUTPUT', 'number', 1],
  ]);
  t.is(quote.parent, 'Cart.total');
});

/** The generated position of `needle` in `file`, mapped back through `file`.map. */
function originalPositionOf(file, needle) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const line = lines.findIndex(text => text.includes(needle));
  if (line === -1) throw new Error(`${needle} is not in ${file}`);
  const map = new SourceMap(JSON.parse(fs.readFileSync(`${file}.map`, 'utf8')));
  return map.findEntry(line, lines[line].indexOf(needle));
}

for (const tool of ['esbuild', 'rollup', 'webpack', 'rspack', 'vite']) {
  test(`${tool} with ts-observatory/${tool}: the same rows as tspc, and a source map into the TypeScript`, t => {
    const dir = shopProject(`${tool}-shop`);
    const outDir = path.join(dir, 'bundle');
    check(t, `${tool} build`, spawnSync(process.execPath, [path.join(integrations, 'build.mjs'), tool, dir, outDir], { encoding: 'utf8' }));
    t.deepEqual(runAndRead(t, path.join(outDir, 'main.js')), tspcRows);

    const entry = originalPositionOf(path.join(outDir, 'main.js'), 'function quote(');
    t.regex(entry.originalSource, /src\/pricing\.ts$/);
    t.is(entry.originalLine, 6, 'quote is declared on line 7 of pricing.ts');
  });
}

test('vitest with the vite plugin records the calls a test makes, as tspc does', t => {
  const dir = shopProject('vitest-shop');
  fs.mkdirSync(path.join(dir, 'tests'));
  fs.writeFileSync(
    path.join(dir, 'tests', 'cart.test.ts'),
    `import { expect, test } from 'vitest';
import { Cart } from '../src/cart';

test('a cart totals its lines', () => {
  const cart = new Cart();
  cart.add('pen', 3, 2);
  cart.add('pad', 1, 5);
  expect(cart.total()).toEqual({ net: 11, tax: 2 });
});
`,
  );
  fs.writeFileSync(
    path.join(dir, 'vitest.config.mjs'),
    `import observatory from 'ts-observatory/vite';
export default { plugins: [observatory()], test: { include: ['tests/*.test.ts'], setupFiles: ['ts-observatory/vitest'] } };
`,
  );
  const dbPath = path.join(dir, 'traces.db');
  const run = spawnSync(process.execPath, [vitest, 'run'], {
    cwd: dir,
    env: { ...process.env, OBSERVATORY_DB: dbPath },
    encoding: 'utf8',
  });
  check(t, 'vitest run', run);
  t.deepEqual(summarize(readCalls(dbPath)), tspcRows);
});
