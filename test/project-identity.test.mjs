// Functions of different projects that record into one database never merge: their recorded paths start at
// a common root (transformer/project.ts).
import test from 'ava';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot, scratchDir } from './helpers/compile.mjs';
import { readCalls, runNode } from './helpers/trace.mjs';

const tspc = path.join(repoRoot, 'node_modules', 'ts-patch', 'bin', 'tspc.js');

function writeFiles(dir, files) {
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
}

const compilerOptions = extra => ({
  target: 'es2022',
  module: 'commonjs',
  strict: true,
  types: ['node'],
  skipLibCheck: true,
  rootDir: 'src',
  outDir: 'dist',
  declaration: true,
  plugins: [{ transform: 'ts-observatory/transformer' }],
  ...extra,
});

// Two projects, each with its own src/util.ts holding a function of the same name on the same line.
const utilA = '/** @monitor */\nexport function helper(x: number): number {\n  return x + 1;\n}\n';
const utilB = '/** @monitor */\nexport function helper(s: string): string {\n  return s + "!";\n}\n';
const main = fromA =>
  `import { helper } from './util';\nimport { helper as helperOfA } from '${fromA}';\nconsole.log(helper('b'), helperOfA(1));\n`;

/** Runs b's main and returns one line per recorded function: `group.name (file): calls`. */
function recordedFunctions(dir, entry) {
  const dbPath = path.join(dir, 'traces.db');
  const run = runNode(path.join(dir, entry), { dbPath });
  if (run.status !== 0) throw new Error(run.stderr);
  const counts = new Map();
  for (const call of readCalls(dbPath)) {
    const key = `${call.group}.${call.fn} (${call.file})`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return { stdout: run.stdout, functions: [...counts].map(([key, calls]) => `${key}: ${calls}`).sort() };
}

test('tsc -b: two composite projects with the same src/util.ts record two functions, named from the package root', t => {
  const dir = scratchDir('tsc-build');
  writeFiles(dir, {
    'package.json': { name: 'two-projects', private: true },
    'tsconfig.json': { files: [], references: [{ path: 'a' }, { path: 'b' }] },
    'a/tsconfig.json': { compilerOptions: compilerOptions({ composite: true }) },
    'a/src/util.ts': utilA,
    'b/tsconfig.json': { compilerOptions: compilerOptions({ composite: true }), references: [{ path: '../a' }] },
    'b/src/util.ts': utilB,
    'b/src/main.ts': main('../../a/dist/util'),
  });
  const build = spawnSync(process.execPath, [tspc, '-b', dir], { cwd: dir, encoding: 'utf8' });
  t.is(build.status, 0, build.stdout + build.stderr);
  const { stdout, functions } = recordedFunctions(dir, 'b/dist/main.js');
  t.is(stdout, 'b! 2\n');
  t.deepEqual(functions, ['a/src/util.helper (a/src/util.ts): 1', 'b/src/util.helper (b/src/util.ts): 1']);
});

test('workspace: packages built one by one record their functions under their paths from the workspace root', t => {
  const dir = scratchDir('workspace');
  writeFiles(dir, {
    'package.json': { name: 'monorepo', private: true, workspaces: ['packages/*'] },
    'packages/a/package.json': { name: '@demo/a' },
    'packages/a/tsconfig.json': { compilerOptions: compilerOptions() },
    'packages/a/src/util.ts': utilA,
    'packages/b/package.json': { name: '@demo/b' },
    'packages/b/tsconfig.json': { compilerOptions: compilerOptions(), include: ['src'] },
    'packages/b/src/util.ts': utilB,
    'packages/b/src/main.ts': main('../../a/dist/util'),
  });
  for (const project of ['packages/a', 'packages/b']) {
    const build = spawnSync(process.execPath, [tspc, '-p', path.join(dir, project)], { cwd: dir, encoding: 'utf8' });
    t.is(build.status, 0, build.stdout + build.stderr);
  }
  const { stdout, functions } = recordedFunctions(dir, 'packages/b/dist/main.js');
  t.is(stdout, 'b! 2\n');
  t.deepEqual(functions, [
    'packages/a/src/util.helper (packages/a/src/util.ts): 1',
    'packages/b/src/util.helper (packages/b/src/util.ts): 1',
  ]);
});
