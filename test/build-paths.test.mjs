// Every way to build and run the shop program records exactly the rows tspc's build records: `tspc --watch`
// before and after an edit, ts-node with ts-patch's compiler (and, with -T, all but what it says it cannot
// type), the bundler and dev-server plugins (ts-observatory/vite, /rollup, /esbuild, /webpack, /rspack, each with a source map
// that leads back into the TypeScript), vitest with the vite plugin, and jest with ts-jest and
// ts-observatory/ts-jest, the Node loader (ts-observatory/register), alone and with tsx, in CommonJS and ES
// module packages, and a project whose own compiler is TypeScript 7. The bundlers, ts-node, tsx and TypeScript 7
// come from test/integrations (installed by .ci/run); vite, vitest, jest and ts-jest from the repository's own
// devDependencies.
import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { SourceMap } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot, scratchDir } from './helpers/compile.mjs';
import { summarize } from './helpers/fixture-run.mjs';
import {
  assertIntegrationsInstalled,
  runShop,
  runShopProcess,
  SHOP_OUTPUT,
  SHOP_TEST,
  tspc,
  tspcBuild,
  writeShopProject,
} from './helpers/checkout.mjs';
import { integrationsDir as integrations } from './helpers/integrations.mjs';
import { readCalls, runNode } from './helpers/trace.mjs';

const vitest = path.join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs');
const jest = path.join(repoRoot, 'node_modules', 'jest', 'bin', 'jest.js');

test.before(assertIntegrationsInstalled);

const shopProject = label => writeShopProject(scratchDir(label));

function check(t, what, result) {
  t.is(result.status, 0, `${what}\n${result.stdout}\n${result.stderr}`);
}

let tspcRows;
test.before('the rows of the tspc build, to compare against', t => {
  const dir = shopProject('tspc-shop');
  check(t, 'tspc', tspcBuild(dir));
  tspcRows = runShop(t, path.join(dir, 'dist', 'main.js'));
});

test.serial('the tspc build records the five calls with their values, typed from the source', t => {
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

/** Past this, a `tspc --watch` under test is killed, so that a watcher that never reports fails its test. */
const WATCH_KILL_LIMIT_MS = 180_000;

/**
 * Starts `tspc --watch` on the project in `dir`. `build(n)` resolves with the watcher's report of its n-th
 * build (`Found 0 errors. Watching for file changes.`), which tsc prints once the build's files are written,
 * and rejects if the watcher exits first; `stop()` ends it.
 */
function startTspcWatch(dir) {
  const watcher = spawn(process.execPath, [tspc, '--watch', '-p', dir], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killLimit = setTimeout(() => watcher.kill('SIGKILL'), WATCH_KILL_LIMIT_MS);
  let output = '';
  watcher.stdout.setEncoding('utf8').on('data', chunk => (output += chunk));
  watcher.stderr.setEncoding('utf8').on('data', chunk => (output += chunk));
  const reports = () => output.match(/Found \d+ errors?\. Watching for file changes\./g) ?? [];
  const exited = new Promise(resolve => watcher.once('close', resolve));
  return {
    build: n =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (reports().length < n) return;
          watcher.stdout.off('data', check);
          resolve(reports()[n - 1]);
        };
        watcher.stdout.on('data', check);
        exited.then(code => reject(new Error(`tspc --watch ended (${code}) before build ${n}:\n${output}`)));
        check();
      }),
    stop: () => {
      clearTimeout(killLimit);
      watcher.kill();
      return exited;
    },
  };
}

test.serial(
  'tspc --watch records as tspc does, rebuilds an edited file, and the next run records the edit',
  async t => {
    const dir = shopProject('tspc-watch');
    const watch = startTspcWatch(dir);
    try {
      t.is(await watch.build(1), 'Found 0 errors. Watching for file changes.');
      const main = path.join(dir, 'dist', 'main.js');
      t.deepEqual(runShop(t, main), tspcRows);

      const pricing = path.join(dir, 'src', 'pricing.ts');
      fs.writeFileSync(pricing, fs.readFileSync(pricing, 'utf8').replace(/\bunits\b/g, 'count'));
      t.is(await watch.build(2), 'Found 0 errors. Watching for file changes.');
      t.deepEqual(runShop(t, main), withUnitsRenamed(tspcRows));
    } finally {
      await watch.stop();
    }
  },
);

/** The edit of the rebuild tests: a renamed parameter changes the name of quote's input rows, and nothing printed. */
function withUnitsRenamed(rows) {
  return rows.map(row =>
    row.fn === 'quote'
      ? { ...row, values: row.values.map(([name, ...rest]) => [name === 'units' ? 'count' : name, ...rest]) }
      : row,
  );
}

test.serial(
  'rollup with ts-observatory/rollup, built again after an edit as watch mode builds, records the edit',
  t => {
    const dir = shopProject('rollup-rebuild');
    const outDir = path.join(dir, 'bundle');
    const pricing = path.join(dir, 'src', 'pricing.ts');
    check(
      t,
      'rollup rebuild',
      spawnSync(process.execPath, [path.join(integrations, 'rebuild.mjs'), dir, outDir, pricing, 'units', 'count'], {
        encoding: 'utf8',
      }),
    );
    t.deepEqual(runShop(t, path.join(outDir, 'before.js')), tspcRows);
    t.deepEqual(runShop(t, path.join(outDir, 'after.js')), withUnitsRenamed(tspcRows));
  },
);

const tsNode = path.join(integrations, 'node_modules', 'ts-node', 'dist', 'bin.js');

/** A shop project whose tsconfig.json has ts-node compile with ts-patch's compiler, which applies the plugin. */
function tsNodeShopProject(label) {
  const dir = shopProject(label);
  const tsconfig = path.join(dir, 'tsconfig.json');
  const config = JSON.parse(fs.readFileSync(tsconfig, 'utf8'));
  fs.writeFileSync(tsconfig, JSON.stringify({ ...config, 'ts-node': { compiler: 'ts-patch/compiler' } }));
  return dir;
}

test.serial('ts-node with compiler "ts-patch/compiler" runs the TypeScript and records the rows of tspc', t => {
  const dir = tsNodeShopProject('ts-node');
  const { run, rows } = runShopProcess(t, path.join(dir, 'src', 'main.ts'), { nodeArgs: [tsNode] });
  t.is(run.stderr, '');
  t.deepEqual(rows, tspcRows);
});

test.serial('ts-node -T records the rows of tspc but the output split it cannot type, and says so in one line', t => {
  const dir = tsNodeShopProject('ts-node-transpile-only');
  const { run, rows } = runShopProcess(t, path.join(dir, 'src', 'main.ts'), { nodeArgs: [tsNode, '-T'] });
  const lines = run.stderr.trim().split('\n');
  t.is(lines.length, 1, run.stderr);
  t.regex(
    lines[0],
    /^ts-observatory: this build compiles each file alone \(transpile-only\).*declared in another file.*one `result` row/,
  );
  // Cart.total returns Quote, declared in pricing.ts, which cart.ts compiled alone cannot see into: its
  // output is the one `result` row the line names. quote, in pricing.ts itself, keeps net and tax.
  const whole = ({ values }) =>
    Object.fromEntries(
      values.filter(([, direction]) => direction === 'OUTPUT').map(([name, , , value]) => [name, value]),
    );
  const expected = tspcRows.map(row =>
    row.fn === 'Cart.total'
      ? {
          ...row,
          values: [
            ...row.values.filter(([, direction]) => direction === 'INPUT'),
            ['result', 'OUTPUT', 'Quote', whole(row)],
          ],
        }
      : row,
  );
  t.deepEqual(rows, expected);
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
  test.serial(`${tool} with ts-observatory/${tool}: the same rows as tspc, and a source map into the TypeScript`, t => {
    const dir = shopProject(`${tool}-shop`);
    const outDir = path.join(dir, 'bundle');
    check(
      t,
      `${tool} build`,
      spawnSync(process.execPath, [path.join(integrations, 'build.mjs'), tool, dir, outDir], { encoding: 'utf8' }),
    );
    t.deepEqual(runShop(t, path.join(outDir, 'main.js')), tspcRows);

    const entry = originalPositionOf(path.join(outDir, 'main.js'), 'function quote(');
    t.regex(entry.originalSource, /src\/pricing\.ts$/);
    t.is(entry.originalLine, 6, 'quote is declared on line 7 of pricing.ts');
  });
}

/**
 * A shop project with tests/cart.test.ts (importing the runner's API from `runnerModule`) and the runner's
 * config file; runs `args` in it and returns the process and the rows it recorded.
 */
function runShopTests(t, label, { runnerModule, configFile, config, args }) {
  const dir = shopProject(label);
  fs.mkdirSync(path.join(dir, 'tests'));
  fs.writeFileSync(
    path.join(dir, 'tests', 'cart.test.ts'),
    SHOP_TEST(`import { expect, test } from '${runnerModule}';`),
  );
  fs.writeFileSync(path.join(dir, configFile), config);
  const dbPath = path.join(dir, 'traces.db');
  const run = spawnSync(process.execPath, args, {
    cwd: dir,
    env: { ...process.env, OBSERVATORY_DB: dbPath },
    encoding: 'utf8',
  });
  check(t, args.join(' '), run);
  return { run, rows: summarize(readCalls(dbPath)) };
}

test.serial('vitest with the vite plugin records the calls a test makes, as tspc does', t => {
  const { rows } = runShopTests(t, 'vitest-shop', {
    runnerModule: 'vitest',
    configFile: 'vitest.config.mjs',
    config: `import observatory from 'ts-observatory/vite';
export default { plugins: [observatory()], test: { include: ['tests/*.test.ts'], setupFiles: ['ts-observatory/vitest'] } };
`,
    args: [vitest, 'run'],
  });
  t.deepEqual(rows, tspcRows);
});

test.serial(
  'jest with ts-jest and the ts-observatory/ts-jest transformer records the calls a test makes, as tspc does, without warnings',
  t => {
    const { run, rows } = runShopTests(t, 'ts-jest-shop', {
      runnerModule: '@jest/globals',
      configFile: 'jest.config.js',
      config: `module.exports = {
  testEnvironment: 'node',
  setupFilesAfterEnv: ['ts-observatory/jest'],
  transform: { '^.+\\.tsx?$': ['ts-jest', { astTransformers: { before: ['ts-observatory/ts-jest'] } }] },
  cacheDirectory: '<rootDir>/jest-cache',
};
`,
      args: [jest, '--ci'],
    });
    t.notRegex(run.stdout + run.stderr, /ts-jest\[|warn/i);
    t.deepEqual(rows, tspcRows);
  },
);

test.serial('jest with ts-jest and compiler "ts-patch/compiler" records the calls a test makes, as tspc does', t => {
  // The tsconfig.json's plugin entry, applied by ts-patch's compiler inside ts-jest.
  const { rows } = runShopTests(t, 'ts-jest-compiler-shop', {
    runnerModule: '@jest/globals',
    configFile: 'jest.config.js',
    config: `module.exports = {
  testEnvironment: 'node',
  setupFilesAfterEnv: ['ts-observatory/jest'],
  transform: { '^.+\\.tsx?$': ['ts-jest', { compiler: 'ts-patch/compiler' }] },
  cacheDirectory: '<rootDir>/jest-cache',
};
`,
    args: [jest, '--ci'],
  });
  t.deepEqual(rows, tspcRows);
});

const tsx = pathToFileURL(path.join(integrations, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

/**
 * A preload for NODE_OPTIONS, which Node reads again for every thread, the runtime's writer thread included: it
 * appends `loaded <threadId>` to `log` as it loads, and `register <threadId> <url>` for every module.register call.
 */
const LOG_REGISTRATIONS = log => `const fs = require('node:fs');
const nodeModule = require('node:module');
const { threadId } = require('node:worker_threads');
fs.appendFileSync(${JSON.stringify(log)}, 'loaded ' + threadId + '\\n');
const register = nodeModule.register;
nodeModule.register = (specifier, ...rest) => {
  fs.appendFileSync(${JSON.stringify(log)}, 'register ' + threadId + ' ' + specifier + '\\n');
  return register(specifier, ...rest);
};
`;

/**
 * NODE_OPTIONS that keep this process's, add `nodeOptions`, and preload `source`, written to `dir/file`: the one
 * way into every thread of a program, the runtime's writer thread included.
 */
function withPreload(dir, file, source, nodeOptions = []) {
  const preload = path.join(dir, file);
  fs.writeFileSync(preload, source);
  return [process.env.NODE_OPTIONS ?? '', ...nodeOptions, `--require "${preload}"`].join(' ');
}

/**
 * Runs the shop's src/main.ts with the loader `imports` (--import options) or, with `nodeOptions`, the loader in
 * NODE_OPTIONS, as an environment can set it for every node process. Only the program's thread registers module
 * hooks: the runtime's writer thread, which the preload also reaches, starts without the program's --import
 * options, and ts-observatory/register does nothing there.
 */
function runShopThroughLoader(t, dir, { imports = [], nodeOptions = [] }) {
  const log = path.join(dir, 'hooks-registered.log');
  const env = { NODE_OPTIONS: withPreload(dir, 'log-registrations.cjs', LOG_REGISTRATIONS(log), nodeOptions) };
  const rows = runShop(t, path.join(dir, 'src', 'main.ts'), { nodeArgs: imports, env });
  const lines = fs
    .readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map(line => line.split(' '));
  const loadedIn = lines.filter(([event]) => event === 'loaded').map(([, threadId]) => threadId);
  t.true(loadedIn.includes('0') && loadedIn.some(threadId => threadId !== '0'), `loaded in threads ${loadedIn}`);
  const registrations = lines.filter(([event]) => event === 'register');
  t.true(registrations.some(([, , url]) => url.endsWith('/loader/hooks.js')));
  t.deepEqual(
    registrations.filter(([, threadId]) => threadId !== '0'),
    [],
  );
  return rows;
}

for (const type of ['commonjs', 'module']) {
  for (const withTsx of [false, true]) {
    const command = `node ${withTsx ? '--import tsx ' : ''}--import ts-observatory/register src/main.ts`;
    test.serial(`${command}, package type ${type}: the rows of the tspc build`, t => {
      const dir = shopProject(`register-${type}${withTsx ? '-tsx' : ''}`);
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'shop', private: true, type }));
      const imports = [...(withTsx ? ['--import', tsx] : []), '--import', 'ts-observatory/register'];
      t.deepEqual(runShopThroughLoader(t, dir, { imports }), tspcRows);
    });
  }
}

test.serial('NODE_OPTIONS="--import ts-observatory/register" node src/main.ts: the rows of the tspc build', t => {
  const dir = shopProject('register-node-options');
  t.deepEqual(runShopThroughLoader(t, dir, { nodeOptions: ['--import ts-observatory/register'] }), tspcRows);
});

/**
 * A preload for NODE_OPTIONS: as each thread of the program ends, it appends `<threadId> typescript` to `log` when
 * that thread loaded the TypeScript compiler, `<threadId> none` when it did not.
 */
const LOG_TYPESCRIPT = log => `const fs = require('node:fs');
const { threadId } = require('node:worker_threads');
process.on('exit', () => {
  const loaded = Object.keys(require.cache).some(file => /[\\\\/]typescript(-api)?[\\\\/]lib[\\\\/]typescript\\.js$/.test(file));
  fs.appendFileSync(${JSON.stringify(log)}, threadId + (loaded ? ' typescript' : ' none') + '\\n');
});
`;

/**
 * The shop run in the main thread, then in worker threads started from TypeScript files: three more shops, one
 * file that does not compile, and one whose instrumented output, source map included, is larger than the 64 KB a
 * thread's first answer from the compiler thread holds.
 */
const THREADS_MAIN = type => `import { Worker } from 'node:worker_threads';
${type === 'module' ? '' : "import * as path from 'node:path';\n"}import './main';

for (const file of ['shop-thread.ts', 'shop-thread.ts', 'shop-thread.ts', 'bad-tag.ts', 'large.ts']) {
  const worker = new Worker(${type === 'module' ? 'new URL(file, import.meta.url)' : 'path.join(__dirname, file)'});
  worker.on('error', error => console.error(\`\${file}: \${error.message}\`));
}
`;

/** 200 tagged functions, never called: their registrations and the source map make the output large. */
const LARGE_FILE = `${Array.from(
  { length: 200 },
  (_, i) =>
    `/** @monitor */\nexport function part${i}(width: number, height: number): number {\n  return width * height + ${i};\n}\n`,
).join('\n')}
console.error('large.ts compiled');
`;

for (const type of ['commonjs', 'module']) {
  test.serial(
    `worker threads under the loader, package type ${type}: each thread records the rows of tspc, a tag error names its file, line and column, and no thread of the program loads TypeScript`,
    t => {
      const dir = shopProject(`register-threads-${type}`);
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'shop', private: true, type }));
      fs.writeFileSync(path.join(dir, 'src', 'threads.ts'), THREADS_MAIN(type));
      fs.writeFileSync(path.join(dir, 'src', 'shop-thread.ts'), "import './main';\n");
      fs.writeFileSync(path.join(dir, 'src', 'bad-tag.ts'), '/** @monitor */\nexport const limit = 10;\n');
      fs.writeFileSync(path.join(dir, 'src', 'large.ts'), LARGE_FILE);
      const log = path.join(dir, 'typescript-loaded.log');
      const dbPath = path.join(dir, 'traces.db');
      const run = runNode(path.join(dir, 'src', 'threads.ts'), {
        dbPath,
        nodeArgs: ['--import', 'ts-observatory/register'],
        env: { NODE_OPTIONS: withPreload(dir, 'log-typescript.cjs', LOG_TYPESCRIPT(log)) },
      });
      t.is(run.status, 0, run.stderr);
      t.is(run.stdout, SHOP_OUTPUT.repeat(4));
      t.regex(
        run.stderr,
        /bad-tag\.ts: bad-tag\.ts\(1,5\): error TS990001: @monitor must stand directly before a function/,
      );
      t.regex(run.stderr, /^large\.ts compiled$/m);

      const byThread = new Map();
      for (const call of readCalls(dbPath)) byThread.set(call.threadId, [...(byThread.get(call.threadId) ?? []), call]);
      t.is(byThread.size, 4);
      for (const calls of byThread.values()) t.deepEqual(summarize(calls), tspcRows);

      // The loader's compiler thread (which NODE_OPTIONS does not reach) compiled every file; none of the threads
      // that recorded, each of which would otherwise have loaded TypeScript and parsed the standard library, did.
      const loaded = new Map(
        fs
          .readFileSync(log, 'utf8')
          .trim()
          .split('\n')
          .map(line => line.split(' ')),
      );
      t.deepEqual(
        [...byThread.keys()].map(threadId => [threadId, loaded.get(String(threadId))]),
        [...byThread.keys()].map(threadId => [threadId, 'none']),
      );
      t.deepEqual(
        [...loaded].filter(([, typescript]) => typescript !== 'none'),
        [],
      );
    },
  );
}

test.serial(
  'a TypeScript 7 project builds with the esbuild plugin and runs under the loader, with the TypeScript API ts-observatory brings',
  t => {
    const dir = shopProject('typescript-7');
    fs.mkdirSync(path.join(dir, 'node_modules'));
    // TypeScript 7 as the project's own compiler, as `npm i -D typescript@7` would install it.
    fs.symlinkSync(
      path.join(integrations, 'node_modules', 'typescript7'),
      path.join(dir, 'node_modules', 'typescript'),
      'dir',
    );
    const tsc = spawnSync(process.execPath, [path.join(dir, 'node_modules', 'typescript', 'bin', 'tsc'), '--version'], {
      encoding: 'utf8',
    });
    t.regex(tsc.stdout, /^Version 7\./, tsc.stderr);

    const outDir = path.join(dir, 'bundle');
    check(
      t,
      'esbuild build',
      spawnSync(process.execPath, [path.join(integrations, 'build.mjs'), 'esbuild', dir, outDir], { encoding: 'utf8' }),
    );
    t.deepEqual(runShop(t, path.join(outDir, 'main.js')), tspcRows);
    t.deepEqual(
      runShop(t, path.join(dir, 'src', 'main.ts'), { nodeArgs: ['--import', 'ts-observatory/register'] }),
      tspcRows,
    );
  },
);
