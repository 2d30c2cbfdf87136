// The command line as a terminal shows it: one line per call that fits the terminal, colour on a terminal and
// none in a pipe, methods found by their own name, `--version`, singular counts. On a recording of
// test/programs/shop; terminals are real pseudo-terminals made by util-linux's `script`.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './helpers/compile.mjs';
import { cli, recordShop } from './helpers/shop.mjs';

let dbPath;
let calls;

test.before(() => {
  ({ dbPath, calls } = recordShop('cli-lines', 1));
});

const env = { ...process.env, OBSERVATORY_DB: '', NO_COLOR: '', FORCE_COLOR: '' };

function observatory(...args) {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env, timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The output of `observatory ...args` run on a pseudo-terminal `columns` wide, with its CR LF line ends made LF. */
function onTerminal(columns, ...args) {
  const command = [`stty cols ${columns}`, [process.execPath, cli, ...args].map(word => `'${word}'`).join(' ')].join(
    '; ',
  );
  const result = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env, timeout: 60_000 });
  if (result.status !== 0) throw new Error(result.stdout + result.stderr);
  return result.stdout.replace(/\r\n/g, '\n');
}

const ESCAPES = /\x1b\[[0-9;]*m/g;
const coloured = text => /\x1b\[[0-9;]*m/.test(text);
const LINE = /^(\d\d:\d\d:\d\d\.\d{3}) …([0-9a-f]{4}) (OK |ERR) +(\S+ \S+) {2}(.*?) {2,}(\d+)$/;

test('calls --compact prints one line per call within 100 columns: time, trace mark, status, duration, call and id', t => {
  const result = observatory('calls', '--compact', '--limit', '100', '--db', dbPath);
  t.is(result.status, 0, result.stderr);
  const [day, ...lines] = result.stdout.trimEnd().split('\n');
  t.regex(day, /^── \d{4}-\d\d-\d\d \(UTC\) ──$/);
  t.false(coloured(result.stdout), 'no colour in a pipe');
  t.is(lines.length, calls.length);
  const newestFirst = [...calls].reverse();
  lines.forEach((line, index) => {
    const call = newestFirst[index];
    t.true(line.length <= 100, line);
    const parts = LINE.exec(line);
    t.truthy(parts, line);
    t.is(Number(parts[6]), call.id);
    t.is(parts[2], call.traceId.slice(-4), 'calls of a trace share its mark');
    t.is(parts[3].trim(), call.status);
    t.true(parts[5].startsWith(`${call.fn}(`), `${line} is a call of ${call.fn}`);
  });
  const priced = lines[newestFirst.findIndex(call => call.fn === 'priceOf')];
  t.regex(priced, /priceOf\(items=\[\{"sku":"SKU-\d+","qty":\d+\}.*\]\) → [\d.]+ {2,}\d+$/);
  const removed = lines[newestFirst.findIndex(call => call.fn === 'Cart.remove')];
  t.regex(removed, / Cart\.remove\(sku="SKU-3300"\) → true {2,}\d+$/);
});

test('on a terminal, calls is one line per call as wide as the terminal, in colour, with the error in full', t => {
  const wide = onTerminal(160, 'calls', '--limit', '100', '--db', dbPath);
  t.true(coloured(wide));
  const lines = wide
    .trimEnd()
    .split('\n')
    .slice(1)
    .map(line => line.replace(ESCAPES, ''));
  t.is(lines.length, calls.length);
  t.true(lines.every(line => line.length <= 160));
  t.true(
    lines.some(line =>
      line.includes('charge(userId=44, amount=1240) → ✗ PaymentDeclinedError: payment of 1240 declined'),
    ),
    wide,
  );
  t.true(
    lines.some(line =>
      line.includes('reserve(sku="SKU-7777", qty=1) → ✗ OutOfStockError: not enough SKU-7777: wanted 1'),
    ),
  );
  const failed = wide.split('\n').find(line => line.includes('OutOfStockError'));
  t.true(failed.includes('\x1b[31mERR\x1b[39m'), 'ERR in red');
  const narrow = onTerminal(100, 'calls', '--limit', '100', '--db', dbPath)
    .trimEnd()
    .split('\n')
    .map(line => line.replace(ESCAPES, ''));
  t.true(
    narrow.every(line => line.length <= 100),
    narrow.join('\n'),
  );
  const table = onTerminal(160, 'calls', '--table', '--limit', '1', '--db', dbPath);
  t.regex(table, /^Time \(UTC\) +\| Process +\| Data +\| Data Type \| Declared Type \| Data Value +\| Status\n/);
  const plain = spawnSync(
    'script',
    ['-qec', `'${process.execPath}' '${cli}' calls --limit 3 --db '${dbPath}'`, '/dev/null'],
    { encoding: 'utf8', env: { ...env, NO_COLOR: '1' } },
  );
  t.false(coloured(plain.stdout), 'NO_COLOR turns colour off');
  t.regex(plain.stdout, /^── /, 'still one line per call');
});

test('the piped table stays the documented one row per variable', t => {
  const result = observatory('calls', '--limit', '1', '--db', dbPath);
  t.regex(
    result.stdout,
    /^Time \(UTC\) +\| Process +\| Data +\| Data Type \| Declared Type \| Data Value +\| Status\n/,
  );
  t.is(observatory('calls', '--json', '--compact', '--db', dbPath).status, 2);
});

test('--fn finds a method by its own name, and lists the candidates when the name is ambiguous', t => {
  const removed = observatory('calls', '--fn', 'remove', '--compact', '--db', dbPath);
  t.is(removed.status, 0, removed.stderr);
  t.is(removed.stdout.trimEnd().split('\n').length, 2, 'one call of Cart.remove under its date line');
  t.regex(removed.stdout, /Cart\.remove\(sku="SKU-3300"\)/);
  const added = observatory('calls', '--fn', 'add', '--db', dbPath);
  t.is(added.status, 2);
  t.is(
    added.stderr,
    'observatory: "add" names 2 methods: src/cart.Cart.add, src/payments.Ledger.add; give one of them\n',
  );
  t.is(observatory('calls', '--fn', 'Ledger.add', '--db', dbPath).status, 0);
});

test('observatory --version prints the package version, and tree counts one call as "1 call"', t => {
  const { version } = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const result = observatory('--version');
  t.is(result.status, 0);
  t.is(result.stdout, `ts-observatory ${version}\n`);
  const removed = calls.find(call => call.fn === 'Cart.remove');
  const tree = observatory('tree', String(removed.id), '--db', dbPath);
  t.is(tree.stdout.split('\n')[0], `trace ${removed.traceId}: 1 call`);
});
