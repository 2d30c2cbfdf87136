// The bundler plugins and the Node loader print a type as tspc prints it, whatever order the bundler asks for
// the files in. TypeScript lists a union's members in the order the checker made their types, so a file typed
// on its own (or after whichever file the bundler happened to load first) can print `Square | Circle` where
// tspc, which checks the whole program in its own order before it emits, prints `Circle | Square`
// (transformer/plugins/project-service.ts).
import test from 'ava';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { scratchDir } from './helpers/compile.mjs';
import { assertIntegrationsInstalled, tspcBuild, writeProjectConfig } from './helpers/checkout.mjs';
import { integrationsDir } from './helpers/integrations.mjs';
import { readCalls, runNode } from './helpers/trace.mjs';

test.before(assertIntegrationsInstalled);

// shapes.ts declares Circle first, so checking it first makes Circle's type first. pick.ts names Square first,
// and main.ts, the entry a bundler loads first, calls pick with a square: typed alone or in load order, the
// union comes out the other way round.
const SOURCES = {
  'shapes.ts': `export interface Circle {
  radius: number;
}

export interface Square {
  side: number;
}
`,
  'pick.ts': `import type { Circle, Square } from './shapes';

/** @monitor */
export function pick(square: Square, circle: Circle, wantSquare: boolean) {
  return wantSquare ? square : circle;
}
`,
  'main.ts': `import { pick } from './pick';

console.log(JSON.stringify(pick({ side: 2 }, { radius: 1 }, true)));
`,
};

function writeProject(label) {
  const dir = scratchDir(label);
  fs.mkdirSync(path.join(dir, 'src'));
  for (const [name, text] of Object.entries(SOURCES)) fs.writeFileSync(path.join(dir, 'src', name), text);
  writeProjectConfig(dir);
  return dir;
}

/** Runs the program's main file; returns pick's recorded output, with its declared type. */
function pickOutput(t, main, nodeArgs = []) {
  const dbPath = path.join(path.dirname(main), 'traces.db');
  const run = runNode(main, { dbPath, nodeArgs });
  t.is(run.status, 0, run.stderr);
  t.is(run.stdout, '{"side":2}\n');
  const [call] = readCalls(dbPath);
  return call.values.find(([, direction]) => direction === 'OUTPUT');
}

let tspcOutput;
test.before('what tspc records', t => {
  const dir = writeProject('type-order-tspc');
  const build = tspcBuild(dir);
  if (build.status !== 0) throw new Error(`tspc failed\n${build.stdout}${build.stderr}`);
  tspcOutput = pickOutput(t, path.join(dir, 'dist', 'main.js'));
});

test('tspc types the union in the order it checks the program: the order this test depends on', t => {
  t.deepEqual(tspcOutput, ['result', 'OUTPUT', 'Circle | Square', { side: 2 }]);
});

for (const tool of ['rollup', 'vite']) {
  test.serial(`${tool} with ts-observatory/${tool}, loading main.ts first, records the type tspc records`, t => {
    const dir = writeProject(`type-order-${tool}`);
    const outDir = path.join(dir, 'bundle');
    const build = spawnSync(process.execPath, [path.join(integrationsDir, 'build.mjs'), tool, dir, outDir], {
      encoding: 'utf8',
    });
    t.is(build.status, 0, `${build.stdout}${build.stderr}`);
    t.deepEqual(pickOutput(t, path.join(outDir, 'main.js')), tspcOutput);
  });
}

test.serial('the Node loader (ts-observatory/register), running main.ts, records the type tspc records', t => {
  const dir = writeProject('type-order-register');
  const mainTs = path.join(dir, 'src', 'main.ts');
  t.deepEqual(pickOutput(t, mainTs, ['--import', 'ts-observatory/register']), tspcOutput);
});
