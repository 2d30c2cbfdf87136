// The runnable fixture projects (helpers/fixture-projects.mjs) run as one jest run, compiled by ts-jest with
// ts-observatory/ts-jest: a jest project per fixture, so that each compiles with its own tsconfig.json as its
// tspc build does, and a test per fixture that loads its entry and ends once the fixture has printed all it
// prints, which is after its last call. Each fixture records into a database of its own. One jest process
// for them all keeps the sweep within CI's time.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fixturesDir, repoRoot } from './compile.mjs';
import { isModuleFixture } from './fixture-projects.mjs';

const jest = path.join(repoRoot, 'node_modules', 'jest', 'bin', 'jest.js');
const sharedRegistryTypeScript = path.join(import.meta.dirname, 'shared-registry-typescript.cjs');

/** Past this a fixture's test fails: a kill limit only, since a test ends on its fixture's last output. */
const TEST_KILL_LIMIT_MS = 120_000;

/** What the fixture prints, as fixtures/<name>/stdout.txt keeps it ('' when it prints nothing). */
export function fixtureOutput(name) {
  const file = path.join(fixturesDir, name, 'stdout.txt');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
}

/**
 * The test that runs one fixture: records into `db` (set before ts-observatory/jest loads the runtime), loads
 * `entry`, and waits until the fixture has printed `output`.
 */
function fixtureTest(name, entry, output, esModule) {
  const load = `./${path.basename(entry)}`;
  return `${esModule ? "import { format } from 'node:util';" : "const { format } = require('node:util');"}

test(${JSON.stringify(name)}, async () => {
  const output = ${JSON.stringify(output)};
  let printed = '';
  const printedAll = new Promise(resolve => {
    console.log = (...args) => {
      printed += \`\${format(...args)}\\n\`;
      if (printed === output) resolve();
    };
  });
  ${esModule ? `await import(${JSON.stringify(load)})` : `require(${JSON.stringify(load)})`};
  if (output !== '') await printedAll;
});
`;
}

/**
 * Writes a jest project beside each fixture project (`entries`: its TypeScript entry by name) and runs them
 * all in one jest process, each fixture waiting for `outputOf(name)`. Returns the jest process, each
 * fixture's test result ({ status, failureMessages }) and database by name.
 */
export function runFixturesUnderJest(dir, entries, outputOf = fixtureOutput) {
  const projects = [];
  const databases = new Map();
  for (const [name, entry] of entries) {
    const projectDir = path.dirname(entry);
    // An ES module fixture runs as one under jest too: jest's ES module support, ts-jest's useESM.
    const esModule = isModuleFixture(name) || entry.endsWith('.mts');
    const testFile = path.join(projectDir, esModule ? 'fixture.test.mjs' : 'fixture.test.js');
    fs.writeFileSync(testFile, fixtureTest(name, entry, outputOf(name), esModule));
    const db = path.join(dir, `${name}.db`);
    databases.set(name, db);
    const setup = path.join(projectDir, 'observatory-db.cjs');
    fs.writeFileSync(setup, `process.env.OBSERVATORY_DB = ${JSON.stringify(db)};\n`);
    projects.push({
      displayName: name,
      rootDir: projectDir,
      testEnvironment: 'node',
      testMatch: [testFile],
      setupFiles: [setup],
      setupFilesAfterEnv: ['ts-observatory/jest'],
      moduleFileExtensions: ['ts', 'mts', 'cts', 'js', 'mjs', 'cjs', 'json'],
      extensionsToTreatAsEsm: esModule ? [path.extname(entry)] : [],
      // `./cycle.mjs`, as a NodeNext project imports cycle.mts.
      moduleNameMapper: { '^(\\.{1,2}/.*)\\.[cm]?js$': '$1' },
      transform: {
        '^.+\\.[cm]?ts$': [
          'ts-jest',
          {
            tsconfig: path.join(projectDir, 'tsconfig.json'),
            compiler: sharedRegistryTypeScript,
            useESM: esModule,
            astTransformers: { before: ['ts-observatory/ts-jest'] },
          },
        ],
      },
      cacheDirectory: path.join(dir, 'jest-cache'),
    });
  }
  const config = path.join(dir, 'jest.config.json');
  fs.writeFileSync(config, JSON.stringify({ rootDir: dir, testTimeout: TEST_KILL_LIMIT_MS, projects }));
  const results = path.join(dir, 'jest-results.json');
  const run = spawnSync(
    process.execPath,
    ['--experimental-vm-modules', jest, '--ci', '--runInBand', '--config', config, '--json', '--outputFile', results],
    { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const tests = fs.existsSync(results)
    ? JSON.parse(fs.readFileSync(results, 'utf8')).testResults.flatMap(file => file.assertionResults)
    : [];
  return {
    run,
    databases,
    tests: new Map(tests.map(({ title, status, failureMessages }) => [title, { status, failureMessages }])),
  };
}
