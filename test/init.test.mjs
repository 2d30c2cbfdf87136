// `observatory init` sets a project up as the README says, prints what it changed, and changes nothing the
// second time.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot, scratchDir } from './helpers/compile.mjs';

const cli = path.join(repoRoot, 'dist', 'viewer', 'cli.js');
const init = dir => spawnSync(process.execPath, [cli, 'init'], { cwd: dir, encoding: 'utf8' });
const read = (dir, file) => fs.readFileSync(path.join(dir, file), 'utf8');

test('init adds the plugin, the runtime dependency, the prepare script and .observatory/, once', t => {
  const dir = scratchDir('init');
  fs.writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { strict: true, outDir: 'dist' } }),
  );
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({
      name: 'app',
      scripts: { prepare: 'husky' },
      devDependencies: { 'ts-observatory': '^0.1.0', typescript: '~5.9.3' },
    }),
  );
  fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules');

  const first = init(dir);
  t.is(first.status, 0, first.stderr);
  t.deepEqual(first.stdout.trim().split('\n'), [
    'tsconfig.json: added {"transform":"ts-observatory/transformer"} to compilerOptions.plugins',
    'package.json: ts-observatory ^0.1.0 in dependencies (the built program loads its runtime)',
    'package.json: ts-patch ^3.3.0 in devDependencies',
    'package.json: "prepare": "husky && ts-patch install -s" (tsc stays patched after npm install and npm ci)',
    '.gitignore: added .observatory/ (the trace database)',
    'Run npm install to install what package.json now lists.',
  ]);
  t.deepEqual(JSON.parse(read(dir, 'tsconfig.json')).compilerOptions, {
    strict: true,
    outDir: 'dist',
    plugins: [{ transform: 'ts-observatory/transformer' }],
  });
  const manifest = JSON.parse(read(dir, 'package.json'));
  t.deepEqual(manifest.dependencies, { 'ts-observatory': '^0.1.0' });
  t.deepEqual(manifest.devDependencies, { typescript: '~5.9.3', 'ts-patch': '^3.3.0' });
  t.is(read(dir, '.gitignore'), 'node_modules\n.observatory/\n');

  const files = ['tsconfig.json', 'package.json', '.gitignore'].map(file => read(dir, file));
  const second = init(dir);
  t.is(second.status, 0, second.stderr);
  t.is(second.stdout, 'Nothing to change: this project is set up.\n');
  t.deepEqual(
    ['tsconfig.json', 'package.json', '.gitignore'].map(file => read(dir, file)),
    files,
  );
});

test('init leaves a tsconfig.json with comments untouched and says what to add', t => {
  const dir = scratchDir('init-jsonc');
  const tsconfig = '{\n  // strictness first\n  "compilerOptions": { "strict": true }\n}\n';
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), tsconfig);
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "name": "app" }\n');
  const run = init(dir);
  t.is(run.status, 2);
  t.regex(run.stderr, /not plain JSON \(comments\?\).*"plugins": \[\{"transform":"ts-observatory\/transformer"\}\]/);
  t.is(read(dir, 'tsconfig.json'), tsconfig);
  t.is(read(dir, 'package.json'), '{ "name": "app" }\n');
});
