// A real library's test suite with every function monitored: the `yaml` parser (github.com/eemeli/yaml) under
// vitest, plain, then through ts-observatory's vite plugin with `select: "all"` and the vitest setup file, in
// drop mode (the default) and in wait mode. Prints, for each: the suite's wall time, tests passed and failed,
// and what the database holds (calls, drops by reason, calls whose values were held to the overload size,
// calls pointing at a parent with no row, bytes).
//
//   git clone https://github.com/eemeli/yaml <dir> && (cd <dir> && npm install)
//   npm run build && node bench/library/yaml-vitest.mjs <dir>
//
// The suite's yaml-test-suite and JSONTestSuite files read git submodules; a clone without them leaves those
// two files out. The checkout gets two config files, a ts-observatory link in its node_modules and a
// .observatory-bench folder (the database and vitest's report); all are removed at the end. Measured once each,
// on whatever else the machine is doing: a record of what happened, not a comparison to within a few percent.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { repoRoot } from '../paths.mjs';

const [checkout] = process.argv.slice(2);
if (!checkout || !fs.existsSync(path.join(checkout, 'vitest.config.js'))) {
  console.error('usage: node bench/library/yaml-vitest.mjs <a checkout of github.com/eemeli/yaml, npm installed>');
  process.exit(2);
}

const submoduleFiles = ['yaml-test-suite', 'json-test-suite'].filter(dir => {
  const data = path.join(checkout, 'tests', dir);
  return !fs.existsSync(data) || fs.readdirSync(data).length === 0;
});
const configs = {
  'vitest.plain.config.mjs': `import base from './vitest.config.js'
export default { ...base, test: { ...base.test, exclude: [...base.test.exclude, ${submoduleFiles
    .map(dir => `'tests/${dir}.ts'`)
    .join(', ')}] } }
`,
  'vitest.observatory.config.mjs': `import observatory from 'ts-observatory/vite'
import base from './vitest.plain.config.mjs'
export default {
  ...base,
  plugins: [observatory({ select: 'all' })],
  test: { ...base.test, setupFiles: ['ts-observatory/vitest', ...base.test.setupFiles] }
}
`,
};
const link = path.join(checkout, 'node_modules', 'ts-observatory');
const made = Object.keys(configs).map(name => path.join(checkout, name));
const scratch = path.join(checkout, '.observatory-bench');
const dbPath = path.join(scratch, 'yaml-vitest.db');

function removeDatabase() {
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(dbPath + suffix, { force: true });
}

/** One run of the suite; its wall time and vitest's JSON report's counts. */
function runSuite(config, env) {
  const report = path.join(scratch, 'vitest-report.json');
  const start = performance.now();
  spawnSync(
    process.execPath,
    [
      path.join(checkout, 'node_modules', 'vitest', 'vitest.mjs'),
      'run',
      '-c',
      config,
      '--reporter=json',
      `--outputFile=${report}`,
    ],
    { cwd: checkout, env: { ...process.env, ...env }, stdio: 'ignore' },
  );
  const seconds = (performance.now() - start) / 1000;
  const { numPassedTests, testResults } = JSON.parse(fs.readFileSync(report, 'utf8'));
  fs.rmSync(report);
  const failed = testResults.flatMap(file =>
    file.assertionResults.filter(test => test.status === 'failed').map(test => test.fullName),
  );
  return { seconds, passed: numPassedTests, failed };
}

/** How many tests failed, and which. */
function failures(run) {
  return run.failed.length === 0 ? '0 failed' : `${run.failed.length} failed (${run.failed.join('; ')})`;
}

function readDatabase() {
  const db = new Database(dbPath, { readonly: true });
  const one = sql => db.prepare(sql).pluck().get();
  const result = {
    calls: one('SELECT count(*) FROM calls'),
    functions: one('SELECT count(*) FROM functions'),
    drops: Object.fromEntries(
      db
        .prepare('SELECT reason, sum(count) AS n FROM drops GROUP BY reason')
        .all()
        .map(row => [row.reason, row.n]),
    ),
    heldToOverloadSize: one(
      `SELECT count(*) FROM calls WHERE inputs LIKE '%"reason":"overload"%' OR outputs LIKE '%"reason":"overload"%'`,
    ),
    orphans: one(
      'SELECT count(*) FROM calls c WHERE c.parent IS NOT NULL AND NOT EXISTS (SELECT 1 FROM calls p WHERE p.id = c.parent)',
    ),
  };
  db.close();
  return { ...result, megabytes: fs.statSync(dbPath).size / 2 ** 20 };
}

try {
  fs.mkdirSync(scratch);
  for (const [name, text] of Object.entries(configs)) fs.writeFileSync(path.join(checkout, name), text);
  if (!fs.existsSync(link)) {
    fs.symlinkSync(repoRoot, link, 'dir');
    made.push(link);
  }
  if (submoduleFiles.length > 0) console.log(`left out (no submodule data): ${submoduleFiles.join(', ')}`);
  const plain = runSuite('vitest.plain.config.mjs', {});
  console.log(`plain: ${plain.seconds.toFixed(1)} s, ${plain.passed} passed, ${failures(plain)}`);
  for (const onFull of ['drop', 'wait']) {
    removeDatabase();
    const run = runSuite('vitest.observatory.config.mjs', { OBSERVATORY_DB: dbPath, OBSERVATORY_ON_FULL: onFull });
    const stored = readDatabase();
    console.log(
      `${onFull}: ${run.seconds.toFixed(1)} s (${(run.seconds / plain.seconds).toFixed(1)}x), ` +
        `${run.passed} passed, ${failures(run)}; ${JSON.stringify(stored)}`,
    );
  }
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
  for (const file of made) fs.rmSync(file, { force: true });
}
