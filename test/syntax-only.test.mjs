// A transpile-only build (ts.transpileModule, which ts-node -T and ts-jest's isolatedModules call) sees no
// types from other files; the transformer says so in one line instead of recording less in silence.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot, scratchDir } from './helpers/compile.mjs';

const cart = path.join(repoRoot, 'test', 'programs', 'checkout', 'src', 'cart.ts');

test('transpileModule through ts-patch instruments the file and prints one line naming the rows it cannot produce', t => {
  const dir = scratchDir('transpile-only');
  const script = path.join(dir, 'transpile.cjs');
  fs.writeFileSync(
    script,
    `const ts = require('ts-patch/compiler');
const { outputText } = ts.transpileModule(require('fs').readFileSync(${JSON.stringify(cart)}, 'utf8'), {
  fileName: ${JSON.stringify(cart)},
  compilerOptions: { module: ts.ModuleKind.CommonJS, plugins: [{ transform: 'ts-observatory/transformer' }] },
});
process.stdout.write(outputText);
`,
  );
  const run = spawnSync(process.execPath, [script], { cwd: dir, encoding: 'utf8' });
  t.is(run.status, 0, run.stderr);
  // Cart.total returns Quote, declared in pricing.ts: alone, the checker cannot split it into net and tax.
  t.regex(run.stdout, /name: "Cart\.total",[^}]*outputs: \["result"\]/s);
  const lines = run.stderr.trim().split('\n');
  t.is(lines.length, 1, run.stderr);
  t.regex(
    lines[0],
    /^ts-observatory: this build compiles each file alone \(transpile-only\), without types from other files: .*`result` row/,
  );
});
