// Hostile programs and hostile values: a caught stack overflow, calls made while the process exits, user
// getters that must run exactly as often as without the runtime, rest parameters past the entry limit, names
// and strings that hold credentials, and names built to make a regular expression backtrack. Each program is
// TypeScript compiled through ts-patch with the plugin, run, and read back from its database.
import test from 'ava';
import { createRequire } from 'node:module';
import Database from 'better-sqlite3';
import { compiled, query, readCalls, run } from './runtime-harness.mjs';

const require = createRequire(import.meta.url);

async function runOk(prog, env) {
  const result = await run(prog, { env });
  if (result.status !== 0) throw new Error(`exit ${result.status}: ${result.stderr}`);
  return result;
}

function dropsOf(dbPath) {
  const rows = query(dbPath, 'SELECT f.name, d.reason, d.count FROM drops d JOIN functions f ON f.id = d.function_id');
  return Object.fromEntries(rows.map(row => [`${row.name} ${row.reason}`, row.count]));
}

const DIVE = `
let entered = 0;
/** @monitor SAMPLE_OPTION */
function dive(n: number): number {
  entered++;
  try {
    return dive(n + 1);
  } catch {
    return n;
  }
}
/** @monitor */
function later(x: number): number {
  return x + 1;
}
/** @monitor */
function outer(x: number): number {
  return later(x) * 2;
}
const deepest = dive(0);
later(1);
setImmediate(() => {
  outer(2);
  console.log(JSON.stringify({ deepest, entered }));
});
`;

// The overflow can come anywhere in the runtime's own work: in `enter`, in the copy of an object argument at
// `done`, in counting what could not be recorded. Starting the recursion from 60 stack depths moves where the
// limit falls relative to those frames; at each, every call whose body ran must be a row or a count, exactly.
test("a stack overflow anywhere in the runtime's own work leaves every call a row or counted unfinished, exactly", async t => {
  const prog = compiled(`
let entered = 0;
/** @monitor */
function dive(n: number, node: { a: { b: { c: number[] } } }): number {
  entered++;
  try {
    return dive(n + 1, node);
  } catch {
    return n;
  }
}
function startBelow(frames: number): number {
  return frames === 0 ? dive(0, { a: { b: { c: [1, 2, 3] } } }) : startBelow(frames - 1) + 0;
}
for (let frames = 0; frames < 60; frames++) startBelow(frames);
console.log(JSON.stringify({ entered }));
`);
  const { stdout } = await runOk(prog, { OBSERVATORY_ON_FULL: 'wait' });
  const { entered } = JSON.parse(stdout);
  const rows = query(prog.dbPath, 'SELECT count(*) AS n FROM calls')[0].n;
  // A call that could not be recorded at the limit is counted, never written: the children it had already
  // written keep pointing at it (README, "The stack limit").
  t.deepEqual(dropsOf(prog.dbPath), { 'dive unfinished': entered - rows });
  t.true(entered - rows > 0, `${entered - rows} unfinished of ${entered}`);
});

for (const [label, sample] of [
  ['recorded', ''],
  ['sampled out', 'sample=0.001'],
]) {
  test(`a caught stack overflow heals the call tree at the next root call, and counts what it lost (${label})`, async t => {
    const prog = compiled(DIVE.replace('SAMPLE_OPTION', sample));
    // Math.random() never samples 0.001 in: every dive call is counted as not sampled or unfinished.
    const { stdout } = await runOk(prog, { OBSERVATORY_SAMPLE: '1' });
    const { deepest, entered } = JSON.parse(stdout);
    t.true(deepest > 100, `the recursion went ${deepest} deep`);
    const calls = readCalls(prog.dbPath);
    const drops = dropsOf(prog.dbPath);
    const dives = calls.filter(call => call.fn === 'dive').length;
    // Every dive whose body ran is either a row or a count.
    t.is(dives + (drops['dive unfinished'] ?? 0) + (drops['dive not_sampled'] ?? 0), entered, JSON.stringify(drops));
    t.true(drops['dive unfinished'] >= 1, JSON.stringify(drops));
    t.is(drops['dive write_failed'], undefined);
    if (sample !== '') t.is(dives, 0);
    // The calls after the overflow are roots of their own traces, recorded whatever dive's rate was.
    const later = calls.filter(call => call.fn === 'later');
    t.is(later.length, 2);
    t.is(later[0].depth, 0);
    t.is(later[0].parent_span_id, null);
    t.is(later[1].parent, 'outer');
    const outer = calls.find(call => call.fn === 'outer');
    t.is(outer.depth, 0);
    t.not(outer.trace_id, later[0].trace_id);
  });
}

test("calls made in the program's own 'exit' listeners are recorded, after a natural end and after process.exit()", async t => {
  for (const ending of ['', 'process.exit(0);']) {
    const prog = compiled(`
/** @monitor */
function cleanup(step: number): number {
  return step * 10;
}
cleanup(0);
process.on('exit', () => {
  cleanup(1);
  cleanup(2);
});
${ending}
`);
    await runOk(prog);
    t.deepEqual(
      readCalls(prog.dbPath).map(call => call.values[1][3]),
      [0, 10, 20],
      ending || 'natural end',
    );
  }
});

/** A worker that records `count` calls of `square`, then says so; its parent decides how it ends. */
const RECORDING_WORKER = `
import { parentPort, workerData } from 'node:worker_threads';
/** @monitor */
function square(x: number): number {
  return x * x;
}
let sum = 0;
for (let i = 0; i < workerData.count; i++) sum += square(i);
parentPort!.postMessage(sum);
setInterval(() => {}, 1000);
`;

for (const ending of ['worker.terminate()', 'process.exit()']) {
  test(`calls a worker thread recorded are written or counted when it ends by ${ending}`, async t => {
    const count = 50_000;
    const prog = compiled(
      `
import Database = require('better-sqlite3');
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
// The worker's writer cannot commit while this connection holds the write lock.
const lock = new Database(process.env.OBSERVATORY_DB!);
lock.exec('BEGIN IMMEDIATE');
/** @monitor */
function start(count: number): Worker {
  return new Worker(path.join(__dirname, 'worker.js'), { workerData: { count } });
}
const worker = start(${count});
worker.on('message', () => {
  lock.exec('COMMIT');
  lock.close();
  ${ending === 'process.exit()' ? 'process.exit(0);' : 'worker.terminate();'}
});
`,
      { others: { 'worker.ts': RECORDING_WORKER } },
    );
    // The database exists, with its schema, before the lock is taken.
    const schemaDb = new Database(prog.dbPath);
    require('../dist/runtime/schema.js').migrate(schemaDb);
    schemaDb.close();
    const result = await runOk(prog, { OBSERVATORY_EXIT_TIMEOUT_MS: '60000' });
    // The parent records too: only a thread that loaded the runtime can settle its workers' rings.
    const recorded = query(
      prog.dbPath,
      "SELECT count(*) AS n FROM calls c JOIN functions f ON f.id = c.function_id WHERE f.name = 'square'",
    )[0].n;
    const counted = dropsOf(prog.dbPath)['square exit_timeout'] ?? 0;
    t.is(recorded + counted, count, result.stderr);
  });
}

test('forwarding yield*, async generators and returned promises reads user properties exactly as often as the original', async t => {
  const source = `
const reads = { done: 0, constructor: 0 };
/** An iterator whose results count how often their \`done\` is read. */
function counted(limit: number): Iterator<number> & Iterable<number> {
  let i = 0;
  const step = (done: boolean, value?: number): IteratorResult<number> => ({
    value,
    get done(): any {
      reads.done++;
      return done;
    },
  });
  return {
    next: () => (i < limit ? step(false, i++) : step(true)),
    [Symbol.iterator]() {
      return this;
    },
  };
}
/** @monitor */
function* relay(limit: number): Generator<number> {
  yield* counted(limit);
}
/** @monitor */
async function* relayAsync(limit: number): AsyncGenerator<number> {
  yield* counted(limit);
}
/** @monitor */
async function handOver(): Promise<number> {
  const promise = Promise.resolve(7);
  Object.defineProperty(promise, 'constructor', {
    get() {
      reads.constructor++;
      return Promise;
    },
  });
  return promise;
}
/** @monitor */
async function plainHandOver(): Promise<number> {
  return Promise.resolve(8);
}
async function main() {
  const out: unknown[] = [...relay(3)];
  for await (const value of relayAsync(3)) out.push(value);
  out.push(await handOver(), await plainHandOver());
  const early = relay(5);
  out.push(early.next().value, early.return(undefined).done);
  console.log(JSON.stringify({ out, reads }));
}
main();
`;
  const plain = await runOk(compiled(source, { instrumented: false }));
  const prog = compiled(source);
  const traced = await runOk(prog);
  t.deepEqual(JSON.parse(traced.stdout), JSON.parse(plain.stdout));
  const calls = readCalls(prog.dbPath);
  const outputs = name =>
    calls.filter(call => call.fn === name).map(call => call.values.filter(v => v[1] === 'OUTPUT').map(v => v[3]));
  // Values passed through yield* are counted without reading them: 3 each, and 1 before the early return.
  const returned = { $type: 'undefined' };
  t.deepEqual(outputs('relay'), [
    [returned, 3],
    [returned, 1],
  ]);
  t.deepEqual(outputs('relayAsync'), [[returned, 3]]);
  // A promise whose \`constructor\` is the program's own is not subscribed to: recorded as it was returned.
  t.deepEqual(outputs('handOver'), [[{ $type: 'Promise' }]]);
  t.deepEqual(outputs('plainHandOver'), [[8]]);
});

test('a rest parameter past the entry limit ends with a truncated marker that gives the number of arguments', async t => {
  const prog = compiled(`
/** @monitor */
function sum(...numbers: number[]): number {
  return numbers.reduce((a, b) => a + b, 0);
}
sum(...Array.from({ length: 7 }, (_, i) => i));
sum(1, 2);
`);
  await runOk(prog, { OBSERVATORY_MAX_ENTRIES: '5' });
  const [long, short] = readCalls(prog.dbPath);
  t.deepEqual(
    long.values.filter(v => v[1] === 'INPUT').map(v => [v[0], v[3]]),
    [
      ['numbers[0]', 0],
      ['numbers[1]', 1],
      ['numbers[2]', 2],
      ['numbers[3]', 3],
      ['numbers[4]', 4],
      ['numbers[5]', { $type: 'truncated', reason: 'entries', kind: 'array', length: 7 }],
    ],
  );
  t.deepEqual(
    short.values.filter(v => v[1] === 'INPUT').map(v => v[3]),
    [1, 2],
  );
});

test('redaction catches destructured secrets, short and run-together names, key/value arrays and credentials inside text', async t => {
  const prog = compiled(`
/** @monitor */
function login({ password: p, user }: { password: string; user: string }, { auth: { token: t } }: { auth: { token: string } }): string {
  return user + p.length + t.length;
}
/** @monitor */
function names(creds: string, pass: string, pw: string, passcode: string, pin: string, sessionid: string, authtoken: string,
  accesstoken: string, userpassword: string, author: string, spin: string, compass: string): number {
  return 0;
}
/** @monitor */
function pairs(rawHeaders: string[], entries: [string, unknown][], words: string[]): number {
  return rawHeaders.length + entries.length + words.length;
}
/** @monitor */
function texts(url: string, header: string, note: string, plain: string): number {
  return url.length + header.length + note.length + plain.length;
}
/** @monitor */
function connect(url: string): void {
  throw new Error('cannot reach ' + url + ' with Authorization: Bearer abcdef123456');
}
const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl';
login({ password: 'hunter2', user: 'ann' }, { auth: { token: 'abc' } });
names('c', 'p', 'w', 'pc', '1234', 's', 'a', 'x', 'u', 'Ann', 'top', 'north');
pairs(['Host', 'example.com', 'Authorization', 'Basic dXNlcjpwYXNzd29yZA=='], [['password', 'x'], ['name', 'y']], ['a', 'b', 'c']);
texts('postgres://app:s3cret@db.local:5432/prod', 'Bearer abcdef.123456', 'token is ' + jwt + '.', 'basic usage of https://example.com/a');
try {
  connect('https://user:pw@host/');
} catch {}
`);
  await runOk(prog);
  const calls = readCalls(prog.dbPath);
  const valuesOf = fn =>
    Object.fromEntries(
      calls
        .find(call => call.fn === fn)
        .values.filter(v => v[1] === 'INPUT')
        .map(v => [v[0], v[3]]),
    );
  const redacted = { $type: 'redacted' };
  t.deepEqual(valuesOf('login'), { p: redacted, user: 'ann', t: redacted });
  const plainNames = valuesOf('names');
  for (const name of [
    'creds',
    'pass',
    'pw',
    'passcode',
    'pin',
    'sessionid',
    'authtoken',
    'accesstoken',
    'userpassword',
  ]) {
    t.deepEqual(plainNames[name], redacted, name);
  }
  t.deepEqual([plainNames.author, plainNames.spin, plainNames.compass], ['Ann', 'top', 'north']);
  t.deepEqual(valuesOf('pairs'), {
    rawHeaders: ['Host', 'example.com', 'Authorization', redacted],
    entries: [
      ['password', redacted],
      ['name', 'y'],
    ],
    words: ['a', 'b', 'c'],
  });
  t.deepEqual(valuesOf('texts'), {
    url: 'postgres://app:[redacted]@db.local:5432/prod',
    header: 'Bearer [redacted]',
    note: 'token is [redacted JWT].',
    plain: 'basic usage of https://example.com/a',
  });
  const failure = calls.find(call => call.fn === 'connect');
  t.is(failure.error_message, 'cannot reach https://user:[redacted]@host/ with Authorization: Bearer [redacted]');
  t.false(failure.error_stack.includes(':pw@'));
  t.deepEqual(valuesOf('connect'), { url: 'https://user:[redacted]@host/' });
});

test('OBSERVATORY_REDACT_ALLOW keeps a name readable, and nothing else', async t => {
  const prog = compiled(`
/** @monitor */
function parse(token: string, tokens: string[], password: string): number {
  return tokens.length;
}
parse('ident', ['a', 'b'], 'hunter2');
`);
  await runOk(prog, { OBSERVATORY_REDACT_ALLOW: 'token' });
  const [call] = readCalls(prog.dbPath);
  t.deepEqual(
    call.values.map(v => v[3]),
    ['ident', ['a', 'b'], { $type: 'redacted' }, 2],
  );
});

test('redaction and credential scrubbing stay linear on names and text built to make a regular expression backtrack', t => {
  const { Redactor } = require('../dist/runtime/store/redaction.js');
  const { scrubSecrets } = require('../dist/runtime/store/secret-text.js');
  const redactor = new Redactor([]);
  // Quadratic rules took 74 s on 300 kB; these are 3 MB, so a quadratic step would outlive the test's timeout.
  t.false(redactor.matches('A'.repeat(3_000_000)));
  t.true(redactor.matches(`${'Ab'.repeat(1_500_000)}Password`));
  const text = 'a://'.repeat(750_000) + 'eyJ'.repeat(1_000_000);
  t.is(scrubSecrets(text), text);
  t.is(scrubSecrets(`${'x'.repeat(3_000_000)} https://u:p@h`).slice(-20), ` https://u:[redacted]@h`.slice(-20));
});
