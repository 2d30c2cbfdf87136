// Exact accounting under real test runners: every call a test file makes is a row in `calls` or counted in
// `drops`, per function and per runtime instance, with the shipped setup files (ts-observatory/jest in
// `setupFilesAfterEnv`, ts-observatory/vitest in `test.setupFiles`).
//
// test/runners/ is a small project: src/math.ts, compiled once with the plugin through ts-patch into a scratch
// directory inside the repository (so `ts-observatory/runtime` resolves to this checkout by self-reference),
// and plain-JS test files that call it (tests/workload.js says how many calls). Each runner runs as a child
// process with its own database, once with OBSERVATORY_ON_FULL=wait (every call is a row) and once in the
// default drop mode with a 64 KB ring (traces are shed whole and counted as `overload`).
import test from 'ava';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { compile, repoRoot, scratchDir } from './helpers/compile.mjs';

const require = createRequire(import.meta.url);
const sourceDir = path.join(import.meta.dirname, 'runners');
const { ROOTS, LEAVES } = require('./runners/tests/workload.js');
const TEST_FILES = fs
  .readdirSync(path.join(sourceDir, 'tests'))
  .filter(name => name.endsWith('.test.js'))
  .sort();

/** Calls each test file makes, per function: each sumOfSquares([1, 2, 3]) calls square and add 3 times each. */
const PER_FILE = { add: 3 * ROOTS + LEAVES, square: 3 * ROOTS, sumOfSquares: ROOTS };
const FUNCTIONS = Object.keys(PER_FILE).sort();

/** A runner that has not finished by then is killed, with its process group, and the test fails. */
const CHILD_TIMEOUT_MS = 180_000;
const TINY_RING = { OBSERVATORY_BUFFER_MB: '0.0625' };

const JEST = path.join(repoRoot, 'node_modules', 'jest', 'bin', 'jest.js');
const VITEST = path.join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs');

let project;

test.before(() => {
  project = scratchDir('runners');
  const { diagnostics } = compile({
    rootDir: path.join(sourceDir, 'src'),
    files: [path.join(sourceDir, 'src', 'math.ts')],
    outDir: path.join(project, 'dist'),
  });
  if (diagnostics !== '') throw new Error(`compiling test/runners/src:\n${diagnostics}`);
  fs.cpSync(path.join(sourceDir, 'tests'), path.join(project, 'tests'), { recursive: true });
  fs.copyFileSync(path.join(sourceDir, 'copies.js'), path.join(project, 'copies.js'));
});

/** A directory of its own for one run: its database, its runner config and the runner's cache. */
function runDir(label) {
  const dir = path.join(project, 'runs', label);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** The environment without any OBSERVATORY_* setting of the caller's, plus `env`. */
function childEnv(env) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OBSERVATORY')));
  return { ...clean, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0', ...env };
}

/**
 * Runs `node ...args` in its own process group; resolves with its status, output and pid. Past
 * CHILD_TIMEOUT_MS the group (the runner and its workers) is killed and `timedOut` is set.
 */
function runChild(args, { cwd, env }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env: childEnv(env), detached: true });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', chunk => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', chunk => (output += chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }, CHILD_TIMEOUT_MS);
    child.on('error', error => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, output, pid: child.pid, timedOut });
    });
  });
}

function assertExited(t, run, what) {
  const tail = run.output.slice(-6000);
  if (run.timedOut)
    t.fail(`${what} did not finish within ${CHILD_TIMEOUT_MS / 1000} s and was killed; its output:\n${tail}`);
  t.is(run.status, 0, `${what} exited with ${run.status ?? run.signal}; its output:\n${tail}`);
}

/**
 * What the database holds: per instance (processes.id) and function name, rows and drops by reason; the
 * processes rows; calls whose parent is not in the file; recorded roots whose trace is not whole.
 */
function readAccounting(dbPath) {
  const db = new Database(dbPath, { readonly: true });
  try {
    const rows = db
      .prepare(
        `SELECT c.id >> 32 AS instance, f.name AS fn, count(*) AS n
           FROM calls c JOIN functions f ON f.id = c.function_id GROUP BY 1, 2`,
      )
      .all();
    const drops = db
      .prepare(
        `SELECT d.process_id AS instance, f.name AS fn, d.reason, d.count AS n
           FROM drops d JOIN functions f ON f.id = d.function_id`,
      )
      .all();
    const processes = db
      .prepare('SELECT id, pid, thread_id, buffer_bytes, buffer_high_water FROM processes ORDER BY id')
      .all();
    const orphans = db
      .prepare(
        `SELECT count(*) FROM calls c WHERE c.parent IS NOT NULL AND NOT EXISTS (SELECT 1 FROM calls p WHERE p.id = c.parent)`,
      )
      .pluck()
      .get();
    // Every recorded sumOfSquares([1, 2, 3]) has its 6 children (3 square, 3 add), in its trace.
    const brokenTraces = db
      .prepare(
        `SELECT count(*) FROM calls r JOIN functions f ON f.id = r.function_id
          WHERE f.name = 'sumOfSquares'
            AND (SELECT count(*) FROM calls c WHERE c.trace = r.id AND c.parent = r.id) != 6`,
      )
      .pluck()
      .get();
    const rootsRecorded = db
      .prepare(`SELECT count(*) FROM calls c JOIN functions f ON f.id = c.function_id WHERE f.name = 'sumOfSquares'`)
      .pluck()
      .get();
    return { rows, drops, processes, orphans, brokenTraces, rootsRecorded };
  } finally {
    db.close();
  }
}

/** Sums `entries` ({instance, fn, n}) by instance, then function: { [instance]: { [fn]: n } }. */
function byInstance(entries, instances) {
  const table = Object.fromEntries(instances.map(id => [id, Object.fromEntries(FUNCTIONS.map(fn => [fn, 0]))]));
  for (const { instance, fn, n } of entries) {
    if (!(fn in PER_FILE)) continue;
    table[instance] ??= Object.fromEntries(FUNCTIONS.map(name => [name, 0]));
    table[instance][fn] += n;
  }
  return table;
}

/**
 * The accounting promise, checked from the database of a run over every test file: one runtime instance per
 * test file, and in each exactly that file's calls per function, as rows (wait) or rows + drops (drop).
 */
function assertAccounting(t, dbPath, { mode }) {
  const db = readAccounting(dbPath);
  const instances = db.processes.map(row => row.id);
  t.is(instances.length, TEST_FILES.length, 'one runtime instance (processes row) per test file');

  const rows = byInstance(db.rows, instances);
  const dropped = byInstance(db.drops, instances);
  const accounted = Object.fromEntries(
    instances.map(id => [id, Object.fromEntries(FUNCTIONS.map(fn => [fn, rows[id][fn] + dropped[id][fn]]))]),
  );
  const expected = Object.fromEntries(instances.map(id => [id, PER_FILE]));
  const details = JSON.stringify({ rows, drops: db.drops, processes: db.processes }, null, 1);

  if (mode === 'wait') {
    t.deepEqual(rows, expected, `every call is a row in wait mode:\n${details}`);
    t.deepEqual(db.drops, [], 'nothing is dropped in wait mode');
  } else {
    t.deepEqual(accounted, expected, `rows + drops = calls made, per instance and function:\n${details}`);
    const overload = db.drops.filter(drop => drop.reason === 'overload').reduce((sum, drop) => sum + drop.n, 0);
    t.true(overload > 0, `the 64 KB ring shed at least one trace as overload:\n${details}`);
    for (const row of db.processes) t.is(row.buffer_bytes, 64 * 1024, 'the ring is the tiny one');
  }
  // Whole traces only: no recorded call points at a parent that is not stored, and every recorded root has
  // all its children.
  t.true(db.rootsRecorded > 0, 'some traces were recorded');
  t.is(db.orphans, 0, 'calls whose parent is not in the database');
  t.is(db.brokenTraces, 0, 'recorded sumOfSquares calls without all 6 children');
  return db;
}

/**
 * Runs jest over the test files of `tests` (a folder of the project) with the shipped setup file, or without it
 * when `setupFile` is false.
 */
async function runJest(t, { label, args, env, tests = 'tests', setupFile = true }) {
  const dir = runDir(label);
  const dbPath = path.join(dir, 'traces.db');
  const config = {
    rootDir: project,
    roots: [`<rootDir>/${tests}`],
    testMatch: [`<rootDir>/${tests}/*.test.js`],
    testEnvironment: 'node',
    setupFilesAfterEnv: setupFile ? ['ts-observatory/jest'] : [],
    transform: {},
    // A fresh cache: with timings of an earlier run, jest would run these fast files in band whatever
    // --maxWorkers says.
    cacheDirectory: path.join(dir, 'jest-cache'),
    watchman: false,
  };
  const configFile = path.join(dir, 'jest.config.json');
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
  const run = await runChild([JEST, '--config', configFile, '--ci', ...args], {
    cwd: project,
    env: { OBSERVATORY_DB: dbPath, ...env },
  });
  assertExited(t, run, `jest ${args.join(' ')}`);
  return { dbPath, run };
}

async function runVitest(t, { label, pool, env }) {
  const dir = runDir(label);
  const dbPath = path.join(dir, 'traces.db');
  const configFile = path.join(dir, 'vitest.config.mjs');
  fs.writeFileSync(
    configFile,
    `export default ${JSON.stringify(
      {
        root: project,
        cacheDir: path.join(dir, 'vite-cache'),
        test: { include: ['tests/*.test.js'], globals: true, pool, setupFiles: ['ts-observatory/vitest'] },
      },
      null,
      2,
    )};\n`,
  );
  // The `runner` config loader reads the config in memory; the default one bundles it into node_modules/.vite-temp.
  const run = await runChild([VITEST, 'run', '--config', configFile, '--configLoader', 'runner'], {
    cwd: project,
    env: { OBSERVATORY_DB: dbPath, ...env },
  });
  assertExited(t, run, `vitest run (pool: ${pool})`);
  return { dbPath, run };
}

const MODES = {
  wait: { OBSERVATORY_ON_FULL: 'wait' },
  drop: TINY_RING,
};

for (const [mode, env] of Object.entries(MODES)) {
  const description =
    mode === 'wait'
      ? 'OBSERVATORY_ON_FULL=wait: every call is a row'
      : 'drop mode, 64 KB ring: rows + drops = calls, whole traces';

  test.serial(`jest --runInBand, ${description}`, async t => {
    t.timeout(CHILD_TIMEOUT_MS + 60_000);
    const { dbPath, run } = await runJest(t, { label: `jest-in-band-${mode}`, args: ['--runInBand'], env });
    const { processes } = assertAccounting(t, dbPath, { mode });
    t.true(
      processes.every(row => row.pid === run.pid),
      'every file ran in jest’s own process',
    );
  });

  test.serial(`jest --maxWorkers=2, ${description}`, async t => {
    t.timeout(CHILD_TIMEOUT_MS + 60_000);
    const { dbPath, run } = await runJest(t, { label: `jest-workers-${mode}`, args: ['--maxWorkers=2'], env });
    const { processes } = assertAccounting(t, dbPath, { mode });
    t.true(
      processes.every(row => row.pid !== run.pid),
      'every file ran in a jest worker process',
    );
  });

  test.serial(`vitest run, pool: 'threads', ${description}`, async t => {
    t.timeout(CHILD_TIMEOUT_MS + 60_000);
    const { dbPath, run } = await runVitest(t, { label: `vitest-threads-${mode}`, pool: 'threads', env });
    const { processes } = assertAccounting(t, dbPath, { mode });
    t.true(
      processes.every(row => row.pid === run.pid && row.thread_id !== 0),
      'every file ran in a worker thread of vitest’s process',
    );
  });

  test.serial(`vitest run, pool: 'forks', ${description}`, async t => {
    t.timeout(CHILD_TIMEOUT_MS + 60_000);
    const { dbPath, run } = await runVitest(t, { label: `vitest-forks-${mode}`, pool: 'forks', env });
    const { processes } = assertAccounting(t, dbPath, { mode });
    t.true(
      processes.every(row => row.pid !== run.pid && row.thread_id === 0),
      'every file ran in a forked process',
    );
  });
}

// README, Known limits: without the setup file, the last calls of a jest test file can be lost without a count.
// The file's first call is committed by flush(), so the writer is running and has looked at the ring; its next
// look is a minute away (OBSERVATORY_FLUSH_MS), and the last calls are far below a batch that would wake it.
// Only an exit hook could commit them, and jest's per-file `process` never fires one.
test.serial('jest without ts-observatory/jest: the last calls of a test file are lost, and not counted', async t => {
  t.timeout(2 * CHILD_TIMEOUT_MS + 60_000);
  fs.mkdirSync(path.join(project, 'last-calls'), { recursive: true });
  fs.writeFileSync(
    path.join(project, 'last-calls', 'last.test.js'),
    `const { flush } = require('ts-observatory/runtime');
const { add, sumOfSquares } = require('../dist/math.js');
test('a first call, committed', async () => {
  expect(add(1, 2)).toBe(3);
  await flush();
});
test('the last calls of the file', () => {
  expect(sumOfSquares([1, 2, 3])).toBe(14);
});
`,
  );
  const rowsBy = dbPath => {
    const { rows, drops } = readAccounting(dbPath);
    return { rows: Object.fromEntries(rows.map(row => [row.fn, row.n])), drops };
  };
  const env = { OBSERVATORY_FLUSH_MS: '60000' };
  const options = { args: ['--runInBand'], env, tests: 'last-calls' };
  const withSetup = await runJest(t, { ...options, label: 'last-calls-with-setup' });
  t.deepEqual(rowsBy(withSetup.dbPath), { rows: { add: 4, square: 3, sumOfSquares: 1 }, drops: [] });
  const without = await runJest(t, { ...options, label: 'last-calls-without-setup', setupFile: false });
  t.deepEqual(rowsBy(without.dbPath), { rows: { add: 1 }, drops: [] });
});

test.serial(
  'two copies of the runtime in one node process (require.cache cleared): rows + drops = calls, per copy',
  async t => {
    t.timeout(CHILD_TIMEOUT_MS + 60_000);
    const dbPath = path.join(runDir('copies'), 'traces.db');
    const run = await runChild([path.join(project, 'copies.js')], {
      cwd: project,
      env: { OBSERVATORY_DB: dbPath, ...TINY_RING },
    });
    assertExited(t, run, 'node copies.js');
    const db = readAccounting(dbPath);
    t.is(db.processes.length, 2, 'one processes row per copy of the runtime');
    t.true(db.processes.every(row => row.pid === run.pid));
    const instances = db.processes.map(row => row.id);
    const rows = byInstance(db.rows, instances);
    const dropped = byInstance(db.drops, instances);
    const details = JSON.stringify({ rows: db.rows, drops: db.drops }, null, 1);
    for (const id of instances)
      t.is(rows[id].add + dropped[id].add, 1000, `copy ${id}: rows + drops of add:\n${details}`);
    const sumOfAdd = entries => entries.filter(entry => entry.fn === 'add').reduce((sum, entry) => sum + entry.n, 0);
    t.is(sumOfAdd(db.rows) + sumOfAdd(db.drops), 2000, details);
  },
);
