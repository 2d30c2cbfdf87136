// Every call reaches the database or is counted, however hard the program pushes and however it ends: under
// overload whole traces are shed and counted (never errors, never fragments), OBSERVATORY_ON_FULL=wait loses
// nothing, a writer thread that dies is replaced without losing or repeating a call, a batch the database
// refuses is counted, process.exit(), an uncaught exception, SIGINT or SIGTERM still leave the calls written,
// and a locked database holds the exit no longer than its deadline, which counts what it could not write.
import test from 'ava';
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { databaseAtVersion } from './helpers/schema-version.mjs';
import { program, query, readCalls, run } from './runtime-harness.mjs';

const require = createRequire(import.meta.url);
const { migrate, SCHEMA_VERSION, traceCallsSql } = require('../dist/runtime/schema.js');
const { filterClause } = require('../dist/viewer/where.js');
const { acrossFunctions, firstAndLastStart, newestCallIds } = require('../dist/viewer/time-order.js');

/** `ok(i)` returns i, `bad(i)` throws; both in emitted form. */
const OK_AND_BAD = `
const __ok = __observatory.register(2, meta('ok', { params: ['i'], paramTypes: ['number'] }));
const __bad = __observatory.register(2, meta('bad', { params: ['i'], paramTypes: ['number'] }));
function ok(i) {
  const __call = __observatory.enter(__ok, [i]);
  try { return __observatory.exit(__call, i); } catch (__error) { throw __observatory.fail(__call, __error); } finally { __observatory.done(__call); }
}
function bad(i) {
  const __call = __observatory.enter(__bad, [i]);
  try { throw new Error('bad ' + i); } catch (__error) { throw __observatory.fail(__call, __error); } finally { __observatory.done(__call); }
}
`;

function countBy(calls, key) {
  const counts = {};
  for (const call of calls) counts[key(call)] = (counts[key(call)] ?? 0) + 1;
  return counts;
}

function drops(dbPath) {
  return query(
    dbPath,
    'SELECT f.name, d.reason, d.count FROM drops d JOIN functions f ON f.id = d.function_id ORDER BY f.name, d.reason',
  );
}

/** `root(i)` calls `ok` three times: a trace of four calls. */
const TRACES = `
const __root = __observatory.register(2, meta('root', { params: ['i'], paramTypes: ['number'] }));
function root(i) {
  const __call = __observatory.enter(__root, [i]);
  try { return __observatory.exit(__call, ok(i) + ok(i + 1) + ok(i + 2)); } catch (__error) { throw __observatory.fail(__call, __error); } finally { __observatory.done(__call); }
}
`;

/** 50,000 traces of four calls in one synchronous loop, and the rows that must come of them in wait mode. */
const FIFTY_THOUSAND_TRACES = `${OK_AND_BAD}${TRACES}
for (let i = 0; i < 50000; i++) root(i);
`;
const EVERY_TRACE = { root: { rows: 50000 }, ok: { rows: 150000 } };

/** Rows and drops per function: `{ root: { rows, overload, ... } }`. */
function accounting(dbPath) {
  const result = {};
  for (const { name, n } of query(
    dbPath,
    'SELECT f.name, count(*) AS n FROM calls c JOIN functions f ON f.id = c.function_id GROUP BY f.name',
  )) {
    result[name] = { rows: n };
  }
  for (const { name, reason, count } of drops(dbPath)) (result[name] ??= { rows: 0 })[reason] = count;
  return result;
}

/** Recorded calls whose parent has no row. */
function orphans(dbPath) {
  return query(
    dbPath,
    'SELECT count(*) AS n FROM calls c WHERE c.parent IS NOT NULL AND NOT EXISTS (SELECT 1 FROM calls p WHERE p.id = c.parent)',
  )[0].n;
}

test('a synchronous loop that overfills the ring sheds whole traces, counts every call it sheds, and keeps every error', async t => {
  const prog = program(`${OK_AND_BAD}${TRACES}
for (let i = 0; i < 20000; i++) {
  root(i);
  if (i % 1000 === 999) try { bad(i); } catch {}
}
`);
  const result = await run(prog, { env: { OBSERVATORY_BUFFER_MB: '0.0625' } });
  t.is(result.status, 0, result.stderr);
  const counts = accounting(prog.dbPath);
  t.true(counts.root.overload > 0, 'the ring overflowed');
  t.true(counts.root.rows > 0, 'traces were recorded too');
  t.is(counts.root.rows + counts.root.overload, 20000);
  t.is(counts.ok.rows + counts.ok.overload, 60000);
  // Whole traces: each recorded root has its three calls, each shed root took its three with it.
  t.is(counts.ok.rows, counts.root.rows * 3);
  t.is(orphans(prog.dbPath), 0);
  t.deepEqual(counts.bad, { rows: 20 });
  t.deepEqual(
    readCalls(prog.dbPath)
      .filter(call => call.fn === 'bad')
      .map(call => [call.status, call.error_message]),
    Array.from({ length: 20 }, (_, k) => ['ERR', `bad ${k * 1000 + 999}`]),
  );
});

test('a failure in a shed trace is kept as a root of its own, pointing at no missing parent', async t => {
  const prog = program(`${OK_AND_BAD}
const __outer = __observatory.register(2, meta('outer', { params: ['i'], paramTypes: ['number'] }));
function outer(i) {
  const __call = __observatory.enter(__outer, [i]);
  try { try { bad(i); } catch {} return __observatory.exit(__call, ok(i)); } catch (__error) { throw __observatory.fail(__call, __error); } finally { __observatory.done(__call); }
}
for (let i = 0; i < 5000; i++) outer(i);
`);
  const result = await run(prog, { env: { OBSERVATORY_BUFFER_MB: '0.0625' } });
  t.is(result.status, 0, result.stderr);
  const counts = accounting(prog.dbPath);
  t.true(counts.outer.overload > 0, 'the ring overflowed');
  t.is(counts.outer.rows + counts.outer.overload, 5000);
  t.is(counts.ok.rows + counts.ok.overload, 5000);
  t.deepEqual(counts.bad, { rows: 5000 });
  t.is(orphans(prog.dbPath), 0);
  const kept = readCalls(prog.dbPath).filter(call => call.fn === 'bad' && call.parent === null);
  t.is(kept.length, counts.outer.overload);
  t.true(kept.every(call => call.depth === 0 && call.status === 'ERR'));
});

test('OBSERVATORY_ON_FULL=wait: a synchronous loop through a tiny ring loses nothing, the writer draining while it runs', async t => {
  const prog = program(FIFTY_THOUSAND_TRACES);
  const result = await run(prog, { env: { OBSERVATORY_BUFFER_MB: '0.0625', OBSERVATORY_ON_FULL: 'wait' } });
  t.is(result.status, 0, result.stderr);
  t.deepEqual(accounting(prog.dbPath), EVERY_TRACE);
  t.is(orphans(prog.dbPath), 0);
  // 200,000 calls of about 100 bytes went through 64 KB: the writer committed while the loop ran.
  const [ring] = query(prog.dbPath, 'SELECT buffer_bytes, buffer_high_water FROM processes');
  t.deepEqual(ring.buffer_bytes, 65536);
  t.true(ring.buffer_high_water <= 65536);
});

test('a writer far behind in wait mode checkpoints on a thread of its own; every call is a row, and the WAL is gone at exit', async t => {
  // As fast as a loop makes them, the 50,000 traces are about a hundred transactions that each end at
  // their limit with more waiting, so the writer hands its checkpoints to its thread (store/checkpointer.ts),
  // which must neither hold up the exit nor leave the WAL behind.
  const prog = program(FIFTY_THOUSAND_TRACES);
  // Node's own debug output names each thread a thread starts.
  const result = await run(prog, { env: { OBSERVATORY_ON_FULL: 'wait', NODE_DEBUG: 'worker' } });
  t.is(result.status, 0, result.stderr);
  t.regex(result.stderr, /create new worker \S*checkpointer-thread\.js/);
  // Before anything here opens the file: the last connection to close takes the WAL with it.
  t.false(fs.existsSync(`${prog.dbPath}-wal`));
  t.deepEqual(accounting(prog.dbPath), EVERY_TRACE);
  t.is(orphans(prog.dbPath), 0);
});

test('the ring takes memory as it fills: a few calls through a 512 MB ring leave the process far below 512 MB resident', async t => {
  const prog = program(`${OK_AND_BAD}
ok(1);
// Once flush() resolves, the writer thread has started and mapped the pages ahead of what was written.
__observatory.flush().then(() => console.log(process.memoryUsage().rss));
`);
  const result = await run(prog, { env: { OBSERVATORY_BUFFER_MB: '512' } });
  t.is(result.status, 0, result.stderr);
  t.deepEqual(accounting(prog.dbPath), { ok: { rows: 1 } });
  const residentMb = Number(result.stdout) / 2 ** 20;
  t.true(residentMb < 256, `${residentMb.toFixed(0)} MB resident`);
});

test('a call whose values are larger than the whole ring keeps its row, without its values', async t => {
  const prog = program(`${OK_AND_BAD}
ok('x'.repeat(50000));
ok(1);
`);
  const env = {
    OBSERVATORY_BUFFER_MB: '0.0625',
    OBSERVATORY_MAX_STRING: '100000',
    OBSERVATORY_MAX_VALUE_SIZE: '200000',
  };
  const result = await run(prog, { env });
  t.is(result.status, 0, result.stderr);
  t.deepEqual(
    readCalls(prog.dbPath).map(call => [call.fn, call.status, call.values]),
    [
      ['ok', 'OK', []],
      [
        'ok',
        'OK',
        [
          ['i', 'INPUT', 'number', 1],
          ['result', 'OUTPUT', 'unknown', 1],
        ],
      ],
    ],
  );
  t.deepEqual(drops(prog.dbPath), []);
});

test('calls made after shutdown() start a new writer thread, which drains the ring while they go on', async t => {
  const prog = program(`${OK_AND_BAD}
ok(-1);
__observatory.shutdown().then(() => {
  // More than the 64 KB ring holds, in one synchronous loop: only a running writer lets it finish.
  for (let i = 0; i < 5000; i++) ok(i);
});
`);
  const result = await run(prog, { env: { OBSERVATORY_BUFFER_MB: '0.0625', OBSERVATORY_ON_FULL: 'wait' } });
  t.is(result.status, 0, result.stderr);
  t.deepEqual(accounting(prog.dbPath), { ok: { rows: 5001 } });
});

test('sampled-out traces are counted as not_sampled, and their failures kept', async t => {
  const prog = program(`${OK_AND_BAD}${TRACES}
for (let i = 0; i < 100; i++) root(i);
try { bad(1); } catch {}
`);
  const result = await run(prog, { env: { OBSERVATORY_SAMPLE: '0' } });
  t.is(result.status, 0, result.stderr);
  t.deepEqual(accounting(prog.dbPath), {
    root: { rows: 0, not_sampled: 100 },
    ok: { rows: 0, not_sampled: 300 },
    bad: { rows: 1 },
  });
});

test('process.exit() leaves every call written exactly once, whatever the writer had reached', async t => {
  // Where the writer is when the exit comes (not started, committing, between batches) is up to the machine;
  // the outcome may not depend on it. That an uncommitted batch is written again exactly once is shown
  // deterministically by the writer-crash tests below.
  const prog = program(`${OK_AND_BAD}
for (let i = 0; i < 5000; i++) ok(i);
try { bad(0); } catch {}
setImmediate(() => process.exit(3));
`);
  const result = await run(prog);
  t.is(result.status, 3, result.stderr);
  const calls = readCalls(prog.dbPath);
  t.deepEqual(
    countBy(calls, call => `${call.fn} ${call.status}`),
    { 'ok OK': 5000, 'bad ERR': 1 },
  );
  t.is(new Set(calls.map(call => call.values[0][3])).size, 5000);
  t.is(query(prog.dbPath, 'SELECT count(*) AS n FROM call_values')[0].n, 10_001);
});

test('an uncaught exception still leaves the failing call and everything before it written', async t => {
  const prog = program(`${OK_AND_BAD}
ok(1);
ok(2);
bad(3);
`);
  const result = await run(prog, { env: { OBSERVATORY_FLUSH_MS: '60000' } });
  t.is(result.status, 1);
  t.regex(result.stderr, /Error: bad 3/);
  const calls = readCalls(prog.dbPath);
  t.deepEqual(
    calls.map(call => [call.fn, call.status, call.error_message]),
    [
      ['ok', 'OK', null],
      ['ok', 'OK', null],
      ['bad', 'ERR', 'bad 3'],
      ['uncaughtException', 'ERR', 'bad 3'],
    ],
  );
});

test('an uncaught exception thrown outside monitored code is itself recorded', async t => {
  const prog = program(`${OK_AND_BAD}
ok(1);
setImmediate(() => {
  throw new TypeError('thrown by unmonitored code');
});
`);
  const result = await run(prog);
  t.is(result.status, 1);
  t.deepEqual(
    readCalls(prog.dbPath).map(call => [call.fn, call.status, call.error_type, call.error_message]),
    [
      ['ok', 'OK', null, null],
      ['uncaughtException', 'ERR', 'TypeError', 'thrown by unmonitored code'],
    ],
  );
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  test(`${signal} writes pending records, then ends the process by the signal as before`, async t => {
    const prog = program(`${OK_AND_BAD}
for (let i = 0; i < 10; i++) ok(i);
setInterval(() => {}, 1000);
console.log('ready');
`);
    // The writer does not look before the signal: ten calls are far from a batch, and its next look is a minute away.
    const env = { OBSERVATORY_FLUSH_MS: '60000' };
    const result = await run(prog, { env, onStdout: (out, child) => out.includes('ready') && child.kill(signal) });
    t.is(result.signal, signal);
    t.is(result.status, null);
    t.is(readCalls(prog.dbPath).length, 10);
  });
}

test('twelve copies of the runtime in one process share one set of listeners: no warning, every call written, SIGTERM ends the process', async t => {
  const prog = program(`
const copies = [];
for (let copy = 0; copy < 12; copy++) {
  for (const key of Object.keys(require.cache)) delete require.cache[key];
  const runtime = require('ts-observatory/runtime');
  const handle = runtime.register(2, meta('ok' + copy, { params: ['i'], paramTypes: ['number'] }));
  for (let i = 0; i < 100; i++) {
    const call = runtime.enter(handle, [i]);
    try { runtime.exit(call, i); } finally { runtime.done(call); }
  }
}
setInterval(() => {}, 1000);
console.log('ready', process.listenerCount('SIGTERM'), process.listenerCount('exit'));
`);
  const result = await run(prog, { onStdout: (out, child) => out.startsWith('ready') && child.kill('SIGTERM') });
  t.is(result.signal, 'SIGTERM', result.stderr);
  t.is(result.stdout, 'ready 1 1\n');
  t.notRegex(result.stderr, /MaxListenersExceeded/);
  t.is(query(prog.dbPath, 'SELECT count(*) AS n FROM calls')[0].n, 1200);
  t.is(query(prog.dbPath, 'SELECT count(*) AS n FROM processes')[0].n, 12);
});

test('SIGTERM with an application listener: records are written and the application decides', async t => {
  const prog = program(`${OK_AND_BAD}
for (let i = 0; i < 10; i++) ok(i);
const timer = setInterval(() => {}, 1000);
process.on('SIGTERM', () => {
  console.log('application shuts down');
  clearInterval(timer);
});
console.log('ready');
`);
  const env = { OBSERVATORY_FLUSH_MS: '60000' };
  const result = await run(prog, { env, onStdout: (out, child) => out === 'ready\n' && child.kill('SIGTERM') });
  t.is(result.signal, null);
  t.is(result.status, 0, result.stderr);
  t.is(result.stdout, 'ready\napplication shuts down\n');
  t.is(readCalls(prog.dbPath).length, 10);
});

for (const crashes of [1, 3]) {
  test(`a writer thread that dies mid-transaction ${crashes} time(s) is replaced, and every call is written exactly once`, async t => {
    const prog = program(`${OK_AND_BAD}
for (let i = 0; i < 20; i++) ok(i);
__observatory.flush().then(() => {
  for (let i = 20; i < 25; i++) ok(i);
});
`);
    // The writer thread exits with a batch's rows inserted and its transaction not committed.
    const result = await run(prog, { env: { OBSERVATORY_TEST_WORKER_CRASHES: String(crashes) } });
    t.is(result.status, 0, result.stderr);
    t.deepEqual(
      readCalls(prog.dbPath).map(call => call.values[0][3]),
      Array.from({ length: 25 }, (_, i) => i),
    );
    t.is(query(prog.dbPath, 'SELECT count(*) AS n FROM call_values')[0].n, 50);
    t.deepEqual(drops(prog.dbPath), []);
  });
}

/**
 * The program's own runtime instance, for the tests that must know where its writer thread is while a loop
 * that never yields runs: `recording.writer.running` (the thread has begun draining the ring) and the
 * producer's view of the ring.
 */
const RECORDING = `
const { recording } = require(require('node:path').join(require.resolve('ts-observatory/runtime'), '..', 'record', 'recording.js'));
`;

// README, Known limits: a writer that dies while the recording thread runs a loop that never yields is replaced
// only when that loop ends. The test hook ends the writer at its first commit; the loop runs on until the
// thread is draining, so the death comes while the loop runs, whatever the machine's speed.
test('a writer thread that dies under a loop that never yields is replaced only after the loop: meanwhile the ring fills and new traces are shed', async t => {
  const prog = program(`${OK_AND_BAD}${TRACES}${RECORDING}
let i = 0;
while (!recording.writer.running) root(i++);
for (let k = 0; k < 20000; k++) root(i++);
const { producer } = recording;
producer.refresh();
console.log(JSON.stringify({ calls: i, committed: (producer.headWord - producer.used) | 0, used: producer.used }));
`);
  const result = await run(prog, { env: { OBSERVATORY_BUFFER_MB: '0.0625', OBSERVATORY_TEST_WORKER_CRASHES: '1' } });
  t.is(result.status, 0, result.stderr);
  const { calls, committed, used } = JSON.parse(result.stdout);
  t.is(committed, 0, 'nothing was committed while the loop ran: no writer replaced the dead one');
  t.true(used >= 65536 / 2, `the ring filled to where new traces are shed (${used} bytes)`);
  // After the loop the new writer commits what the ring held, once: whole traces, and every other call counted.
  const counts = accounting(prog.dbPath);
  t.true(counts.root.rows > 0);
  t.true(counts.root.overload > 0);
  t.is(counts.root.rows + counts.root.overload, calls);
  t.is(counts.ok.rows, counts.root.rows * 3);
  t.is(counts.ok.rows + counts.ok.overload, calls * 3);
  t.is(orphans(prog.dbPath), 0);
  const roots = readCalls(prog.dbPath).filter(call => call.fn === 'root');
  t.is(new Set(roots.map(call => call.values[0][3])).size, counts.root.rows, 'no trace written twice');
});

// The same limit in wait mode: the call that finds the ring full waits out the stall limit for room that cannot
// come while the loop runs, and is then counted as write_failed. The loop stops at that count. The test hook sets
// the limit to 3 s instead of wait mode's 60 s (recording.ts); the wait is timed only from below, which no speed
// of the machine can break.
test('in wait mode, a call that finds the ring full under a dead writer waits out the stall limit, then is counted as write_failed, and so is every later call at once until the writer releases room', async t => {
  // The 1,000 calls after the first that gave up would each wait the limit again; the kill limit would end the program.
  const prog = program(`${OK_AND_BAD}${RECORDING}
const { performance } = require('node:perf_hooks');
let i = 0;
let longest = 0;
function timedOk() {
  const start = performance.now();
  ok(i++);
  longest = Math.max(longest, performance.now() - start);
}
while (!recording.writer.running) timedOk();
while (recording.dropTotals().length === 0) timedOk();
for (let later = 0; later < 1000; later++) ok(i++);
console.log(JSON.stringify({ calls: i, longest }));
`);
  const env = {
    OBSERVATORY_BUFFER_MB: '0.0625',
    OBSERVATORY_ON_FULL: 'wait',
    OBSERVATORY_TEST_WORKER_CRASHES: '1',
    OBSERVATORY_TEST_STALL_MS: '3000',
  };
  const result = await run(prog, { env });
  t.is(result.status, 0, result.stderr);
  t.regex(result.stderr, /the writer released no room in the ring for 3000 ms; calls are counted as write_failed/);
  const { calls, longest } = JSON.parse(result.stdout);
  t.true(longest >= 3000, `the call that gave up waited ${longest} ms`);
  t.true(calls > 1);
  t.deepEqual(accounting(prog.dbPath), { ok: { rows: calls - 1001, write_failed: 1001 } });
});

test('a batch the database refuses is counted as write_failed, and recording goes on', async t => {
  const prog = program(`${OK_AND_BAD}
for (let i = 0; i < 20; i++) ok(i);
__observatory.flush().then(() => {
  for (let i = 20; i < 25; i++) ok(i);
});
`);
  fs.mkdirSync(prog.dir, { recursive: true });
  const db = new Database(prog.dbPath);
  migrate(db);
  // Refuses the batch that holds the call of ok(13), whatever the writer tries.
  db.exec(`CREATE TRIGGER refuse BEFORE INSERT ON calls WHEN json_extract(new.inputs, '$[0]') = 13
           BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`);
  db.close();
  const result = await run(prog);
  t.is(result.status, 0, result.stderr);
  t.regex(
    result.stderr,
    /20 calls could not be written \(SQLITE_CONSTRAINT_TRIGGER: refused by the test\); 20 in all so far/,
  );
  t.deepEqual(
    readCalls(prog.dbPath).map(call => call.values[0][3]),
    [20, 21, 22, 23, 24],
  );
  t.deepEqual(drops(prog.dbPath), [{ name: 'ok', reason: 'write_failed', count: 20 }]);
});

/** Holds the write lock of `dbPath` (a database with the current schema) until `release()`. */
function holdWriteLock(dbPath) {
  fs.mkdirSync(path.dirname(dbPath), { recursive: true });
  const db = new Database(dbPath);
  db.pragma('journal_mode = WAL');
  migrate(db);
  db.exec('BEGIN IMMEDIATE');
  return () => {
    db.exec('ROLLBACK');
    db.close();
  };
}

test('process.exit() with the database locked: the exit waits out its deadline, then says how many calls it could not write', async t => {
  const prog = program(`${OK_AND_BAD}
for (let i = 0; i < 1000; i++) ok(i);
process.exit(0);
`);
  const release = holdWriteLock(prog.dbPath);
  // If the exit waited for the lock, the program would never end while the lock is held, and the test would time out.
  const result = await run(prog, { env: { OBSERVATORY_EXIT_TIMEOUT_MS: '300' } });
  release();
  t.is(result.status, 0, result.stderr);
  t.regex(
    result.stderr,
    /1000 calls were not written to .* within the exit deadline \(OBSERVATORY_EXIT_TIMEOUT_MS=300\); their count could not be stored either/,
  );
  t.deepEqual(accounting(prog.dbPath), {});
});

test('SIGTERM with the database locked ends the process by the signal within its deadline', async t => {
  const prog = program(`${OK_AND_BAD}
for (let i = 0; i < 1000; i++) ok(i);
setInterval(() => {}, 1000);
console.log('ready');
`);
  const release = holdWriteLock(prog.dbPath);
  const result = await run(prog, {
    env: { OBSERVATORY_EXIT_TIMEOUT_MS: '300' },
    onStdout: (out, child) => out === 'ready\n' && child.kill('SIGTERM'),
  });
  release();
  t.is(result.signal, 'SIGTERM');
  t.regex(result.stderr, /1000 calls were not written/);
});

test('the exit deadline counts what it could not write in the database when the lock comes free in time', async t => {
  const prog = program(`${OK_AND_BAD}
for (let i = 0; i < 1000; i++) ok(i);
console.log('exiting');
process.exit(0);
`);
  const release = holdWriteLock(prog.dbPath);
  // The lock is released once the program is exiting: nothing can have been committed before, so the exit
  // waits for the lock, within its deadline, and everything is committed then.
  const result = await run(prog, {
    env: { OBSERVATORY_EXIT_TIMEOUT_MS: '60000' },
    onStdout: out => out === 'exiting\n' && release(),
  });
  t.is(result.status, 0, result.stderr);
  t.is(result.stdout, 'exiting\n');
  t.deepEqual(accounting(prog.dbPath), { ok: { rows: 1000 } });
});

// The lock keeps the writer from committing, so the ring only fills: whatever the machine's speed, the trace passes
// three quarters of the 64 KB ring at the same call. The program tells the test when it is exiting, which then
// releases the lock, and the exit commits everything.
test('in drop mode, a trace that fills the ring past three quarters keeps every call, its values held small from there, with reason overload', async t => {
  const prog = program(`${OK_AND_BAD}
const __root = __observatory.register(2, meta('root', { params: ['n'], paramTypes: ['number'] }));
function root(n) {
  const __call = __observatory.enter(__root, [n]);
  try {
    let length = 0;
    for (let k = 0; k < n; k++) length += ok('x'.repeat(1000) + k).length;
    return __observatory.exit(__call, length);
  } catch (__error) { throw __observatory.fail(__call, __error); } finally { __observatory.done(__call); }
}
root(20);
console.log('exiting');
process.exit(0);
`);
  const release = holdWriteLock(prog.dbPath);
  const result = await run(prog, {
    env: { OBSERVATORY_BUFFER_MB: '0.0625', OBSERVATORY_EXIT_TIMEOUT_MS: '60000' },
    onStdout: out => out === 'exiting\n' && release(),
  });
  t.is(result.status, 0, result.stderr);
  t.deepEqual(accounting(prog.dbPath), { ok: { rows: 20 }, root: { rows: 1 } });
  t.is(orphans(prog.dbPath), 0);
  const calls = readCalls(prog.dbPath);
  t.deepEqual(
    calls.filter(call => call.fn === 'root').map(call => call.values),
    [
      [
        ['n', 'INPUT', 'number', 20],
        ['result', 'OUTPUT', 'unknown', 20 * 1000 + 10 + 10 * 2],
      ],
    ],
  );
  // Each ok call's input and output, whole or held: the first calls whole, every one after the ring passed three
  // quarters held to OVERLOAD_VALUE_SIZE (256 characters), its kind and length still the original's.
  const forms = calls
    .filter(call => call.fn === 'ok')
    .map((call, k) => {
      const whole = 'x'.repeat(1000) + k;
      const [[, , , input], [, , , output]] = call.values;
      t.deepEqual(output, input);
      if (input === whole) return 'whole';
      t.like(input, { $type: 'truncated', reason: 'overload', kind: 'string', length: whole.length });
      t.true(whole.startsWith(input.value) && input.value.length <= 256, `${input.value.length} characters kept`);
      return 'held';
    });
  const held = forms.indexOf('held');
  t.true(held > 0, forms.join(' '));
  t.deepEqual(forms.slice(held), Array(forms.length - held).fill('held'));
});

test('two processes write one database at the same time', async t => {
  const first = program(`${OK_AND_BAD}
for (let round = 0; round < 20; round++) setTimeout(() => { for (let i = 0; i < 1000; i++) ok(round * 1000 + i); }, round);
`);
  const second = { ...first, dbPath: first.dbPath };
  const [a, b] = await Promise.all([run(first), run(second)]);
  t.is(a.status, 0, a.stderr);
  t.is(b.status, 0, b.stderr);
  const calls = readCalls(first.dbPath);
  t.deepEqual(
    countBy(calls, call => call.pid),
    { [a.pid]: 20_000, [b.pid]: 20_000 },
  );
  t.is(new Set(calls.map(call => call.span_id)).size, 40_000);
  t.is(query(first.dbPath, 'SELECT count(*) AS n FROM functions')[0].n, 1);
  t.is(query(first.dbPath, 'SELECT count(*) AS n FROM processes')[0].n, 2);
  t.deepEqual(drops(first.dbPath), []);
});

test('a database written by a newer ts-observatory is refused with a clear error; the program runs on', async t => {
  const prog = program(`${OK_AND_BAD}
console.log(ok(1) + ok(2));
`);
  fs.mkdirSync(prog.dir, { recursive: true });
  const db = new Database(prog.dbPath);
  db.pragma('user_version = 99');
  db.close();
  const result = await run(prog);
  t.is(result.status, 0, result.stderr);
  t.is(result.stdout, '3\n');
  t.true(
    result.stderr.includes(
      `has schema version 99, but this version of ts-observatory understands schema versions up to ${SCHEMA_VERSION}`,
    ),
    result.stderr,
  );
  t.deepEqual(query(prog.dbPath, "SELECT name FROM sqlite_master WHERE type = 'table'"), []);
});

test('a database of schema version 1 is upgraded in place, its rows kept, and recording goes on', async t => {
  const prog = program(`${OK_AND_BAD}
console.log(ok(7));
`);
  fs.mkdirSync(prog.dir, { recursive: true });
  const db = new Database(prog.dbPath);
  migrate(db, 1);
  db.exec(`
    INSERT INTO functions VALUES (1, 'old', 'legacy', 'old.ts', 3, 1, 'function', '[{"name":"x","type":"number"}]', 'number', ${Date.now() * 1000});
    INSERT INTO calls (id, function_id, trace_id, span_id, depth, start_us, duration_us, status, pid, thread_id)
      VALUES (1, 1, '${'a'.repeat(32)}', '${'b'.repeat(16)}', 0, ${Date.now() * 1000}, 5, 'OK', 1, 0);
    INSERT INTO call_values (call_id, name, direction, position, declared_type, value_json) VALUES (1, 'x', 'INPUT', 0, 'number', '41');
    INSERT INTO drops VALUES (1, 1, 'queue_full', 3, ${Date.now() * 1000});
  `);
  db.close();
  const result = await run(prog);
  t.is(result.status, 0, result.stderr);
  t.is(query(prog.dbPath, 'PRAGMA user_version')[0].user_version, SCHEMA_VERSION);
  t.deepEqual(
    readCalls(prog.dbPath).map(call => [call.fn, call.values]),
    [
      ['legacy', [['x', 'INPUT', 'number', 41]]],
      [
        'ok',
        [
          ['i', 'INPUT', 'number', 7],
          ['result', 'OUTPUT', 'unknown', 7],
        ],
      ],
    ],
  );
  t.deepEqual(drops(prog.dbPath), [{ name: 'legacy', reason: 'queue_full', count: 3 }]);
  t.deepEqual(query(prog.dbPath, 'PRAGMA foreign_key_check'), []);
});

test('a database of schema version 2 is upgraded in place to version 3, every row converted and every link kept', t => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'observatory-v2-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const db = new Database(path.join(dir, 'traces.db'));
  migrate(db, 2);
  // Two processes (pid 10 with a worker thread, pid 11), and pid 12, which only dropped calls. divmod returns a
  // pair, once as declared and once not (a `result` row); sum has a rest parameter; gen is a generator.
  db.exec(`
    INSERT INTO functions VALUES
      (1, 'g', 'divmod', 'a.ts', 1, 1, 'function', '[{"name":"a","type":"number"},{"name":"b","type":"number"}]', '[q: number, r: number]', 5),
      (2, 'g', 'sum', 'a.ts', 2, 1, 'function', '[{"name":"first","type":"number"},{"name":"rest","type":"number[]"}]', 'number', 5),
      (3, 'g', 'gen', 'a.ts', 3, 1, 'function', '[]', 'Generator<number, string>', 5),
      (4, 'g', 'noop', 'a.ts', 4, 1, 'function', '[]', 'void', 5);
    INSERT INTO calls VALUES
      (1, 1, '${'a'.repeat(32)}', '${'1'.repeat(16)}', NULL, 0, 100, 1.5, 'OK', NULL, NULL, NULL, 10, 0),
      (2, 2, '${'a'.repeat(32)}', '${'2'.repeat(16)}', '${'1'.repeat(16)}', 1, 101, 0.25, 'OK', NULL, NULL, NULL, 10, 0),
      (3, 1, '${'b'.repeat(32)}', '${'3'.repeat(16)}', '${'9'.repeat(16)}', 1, 102, 2, 'ERR', 'Error', 'x', 'stack', 10, 1),
      (4, 1, '${'c'.repeat(32)}', '${'4'.repeat(16)}', NULL, 0, 103, 2, 'OK', NULL, NULL, NULL, 11, 0),
      (5, 3, '${'d'.repeat(32)}', '${'5'.repeat(16)}', NULL, 0, 104, 2, 'OK', NULL, NULL, NULL, 11, 0),
      (6, 4, '${'e'.repeat(32)}', '${'6'.repeat(16)}', NULL, 0, 105, 2, 'OK', NULL, NULL, NULL, 11, 0);
    INSERT INTO call_values VALUES
      (1, 'INPUT', 0, 'a', 'number', '17'), (1, 'INPUT', 1, 'b', 'number', '5'),
      (1, 'OUTPUT', 0, 'q', 'number', '3'), (1, 'OUTPUT', 1, 'r', 'number', '2'),
      (2, 'INPUT', 0, 'first', 'number', '1'), (2, 'INPUT', 1, 'rest[0]', 'number', '2'), (2, 'INPUT', 2, 'rest[1]', 'number', 'true'),
      (2, 'OUTPUT', 0, 'result', 'number', '3.000'),
      (3, 'INPUT', 0, 'a', 'number', '"x"'), (3, 'INPUT', 1, 'b', 'number', '{"$type":"undefined"}'),
      (4, 'INPUT', 0, 'a', 'number', '1'), (4, 'INPUT', 1, 'b', 'number', '0'),
      (4, 'OUTPUT', 0, 'result', '[q: number, r: number]', '[null,null]'),
      (5, 'OUTPUT', 0, 'result', 'string', '"done"'), (5, 'OUTPUT', 1, 'yielded', 'number', '4');
    INSERT INTO processes VALUES (10, 50, '["node","a.js"]', 131072, 99, 200), (12, 60, '["node","b.js"]', 131072, 99, 300);
    INSERT INTO drops VALUES (1, 10, 50, 'queue_full', 7, 200), (1, 12, 60, 'batch_lost', 2, 300);
  `);
  const valuesSql =
    'SELECT call_id, direction, position, name, declared_type, value_json FROM call_values ORDER BY call_id, direction, position';
  const before = db.prepare(valuesSql).all();
  migrate(db);
  const all = sql => db.prepare(sql).all();
  t.is(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
  t.deepEqual(
    all(
      'SELECT id, token, pid, thread_id, started_us, argv_json, buffer_bytes, buffer_high_water, updated_us FROM processes',
    ),
    [
      {
        id: 1,
        token: '000000000000000a0000000000000000',
        pid: 10,
        thread_id: 0,
        started_us: 50,
        argv_json: '["node","a.js"]',
        buffer_bytes: 0,
        buffer_high_water: 0,
        updated_us: 200,
      },
      {
        id: 2,
        token: '000000000000000a0000000000000001',
        pid: 10,
        thread_id: 1,
        started_us: 50,
        argv_json: '["node","a.js"]',
        buffer_bytes: 0,
        buffer_high_water: 0,
        updated_us: 200,
      },
      {
        id: 3,
        token: '000000000000000b0000000000000000',
        pid: 11,
        thread_id: 0,
        started_us: 103,
        argv_json: '[]',
        buffer_bytes: 0,
        buffer_high_water: 0,
        updated_us: 105,
      },
      {
        id: 4,
        token: '000000000000000c0000000000000000',
        pid: 12,
        thread_id: 0,
        started_us: 60,
        argv_json: '["node","b.js"]',
        buffer_bytes: 0,
        buffer_high_water: 0,
        updated_us: 300,
      },
    ],
  );
  const instance = (process, number) => process * 2 ** 32 + number;
  t.deepEqual(
    all(
      'SELECT id, function_id, trace, parent, depth, start_us, duration_ns, status, error_type, inputs, outputs FROM calls ORDER BY id',
    ),
    [
      {
        id: instance(1, 1),
        function_id: 1,
        trace: instance(1, 1),
        parent: null,
        depth: 0,
        start_us: 100,
        duration_ns: 1500,
        status: 'OK',
        error_type: null,
        inputs: '[17,5]',
        outputs: '[3,2]',
      },
      {
        id: instance(1, 2),
        function_id: 2,
        trace: instance(1, 1),
        parent: instance(1, 1),
        depth: 1,
        start_us: 101,
        duration_ns: 250,
        status: 'OK',
        error_type: null,
        inputs: '[1,2,true]',
        outputs: '[3.000]',
      },
      // Its parent was never stored: it points at call number 0 of its instance, which no call has.
      {
        id: instance(2, 1),
        function_id: 1,
        trace: instance(2, 1),
        parent: instance(2, 0),
        depth: 1,
        start_us: 102,
        duration_ns: 2000,
        status: 'ERR',
        error_type: 'Error',
        inputs: '["x",{"$type":"undefined"}]',
        outputs: null,
      },
      {
        id: instance(3, 1),
        function_id: 1,
        trace: instance(3, 1),
        parent: null,
        depth: 0,
        start_us: 103,
        duration_ns: 2000,
        status: 'OK',
        error_type: null,
        inputs: '[1,0]',
        outputs: '{"result":[null,null]}',
      },
      {
        id: instance(3, 2),
        function_id: 3,
        trace: instance(3, 2),
        parent: null,
        depth: 0,
        start_us: 104,
        duration_ns: 2000,
        status: 'OK',
        error_type: null,
        inputs: '[]',
        outputs: '["done",4]',
      },
      {
        id: instance(3, 3),
        function_id: 4,
        trace: instance(3, 3),
        parent: null,
        depth: 0,
        start_us: 105,
        duration_ns: 2000,
        status: 'OK',
        error_type: null,
        inputs: '[]',
        outputs: '[]',
      },
    ],
  );
  t.deepEqual(all('SELECT id, params_json, outputs_json, result_type, return_type FROM functions ORDER BY id'), [
    {
      id: 1,
      params_json: '[{"name":"a","type":"number"},{"name":"b","type":"number"}]',
      outputs_json: '[{"name":"q","type":"number"},{"name":"r","type":"number"}]',
      result_type: '[q: number, r: number]',
      return_type: '[q: number, r: number]',
    },
    {
      id: 2,
      params_json:
        '[{"name":"first","type":"number"},{"name":"rest","type":"number[]","rest":true,"elementType":"number"}]',
      outputs_json: '[{"name":"result","type":"number"}]',
      result_type: 'number',
      return_type: 'number',
    },
    {
      id: 3,
      params_json: '[]',
      outputs_json: '[{"name":"result","type":"string"},{"name":"yielded","type":"number"}]',
      result_type: 'string',
      return_type: 'Generator<number, string>',
    },
    { id: 4, params_json: '[]', outputs_json: '[]', result_type: 'void', return_type: 'void' },
  ]);
  t.deepEqual(all('SELECT * FROM drops ORDER BY process_id'), [
    { function_id: 1, process_id: 1, reason: 'queue_full', count: 7, updated_us: 200 },
    { function_id: 1, process_id: 4, reason: 'batch_lost', count: 2, updated_us: 300 },
  ]);
  // The views unpack exactly the rows version 2 stored, under the new call ids.
  const newIds = new Map([
    [1, instance(1, 1)],
    [2, instance(1, 2)],
    [3, instance(2, 1)],
    [4, instance(3, 1)],
    [5, instance(3, 2)],
  ]);
  t.deepEqual(
    db.prepare(valuesSql).all(),
    before.map(row => ({ ...row, call_id: newIds.get(row.call_id) })),
  );
  t.deepEqual(
    all('SELECT span_id, parent_span_id, trace_id, duration_us, pid, thread_id FROM spans ORDER BY id').slice(0, 3),
    [
      {
        span_id: '0000000100000001',
        parent_span_id: null,
        trace_id: '000000000000000a0000000100000001',
        duration_us: 1.5,
        pid: 10,
        thread_id: 0,
      },
      {
        span_id: '0000000100000002',
        parent_span_id: '0000000100000001',
        trace_id: '000000000000000a0000000100000001',
        duration_us: 0.25,
        pid: 10,
        thread_id: 0,
      },
      {
        span_id: '0000000200000001',
        parent_span_id: '0000000200000000',
        trace_id: '000000000000000a0000000200000001',
        duration_us: 2,
        pid: 10,
        thread_id: 1,
      },
    ],
  );
  t.deepEqual(
    all(
      "SELECT process, data, data_type, declared_type, data_value FROM data_trace WHERE call_id = 4294967297 AND data_type = 'INPUT' ORDER BY position",
    ),
    [
      { process: 'g.divmod', data: 'a', data_type: 'INPUT', declared_type: 'number', data_value: '17' },
      { process: 'g.divmod', data: 'b', data_type: 'INPUT', declared_type: 'number', data_value: '5' },
    ],
  );
  t.deepEqual(db.pragma('integrity_check'), [{ integrity_check: 'ok' }]);
  db.close();
});

test('a new file and a version 1 file upgraded to version 3 have the same tables, indexes and views', t => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'observatory-layout-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const layout = (file, build) => {
    const db = new Database(path.join(dir, file));
    build(db);
    const rows = db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name').all();
    db.close();
    return rows;
  };
  const upgraded = layout('upgraded.db', db => {
    migrate(db, 1);
    migrate(db);
  });
  t.deepEqual(
    upgraded,
    layout('new.db', db => migrate(db)),
  );
});

test('a version 5 file is upgraded in place: calls_by_trace leaves out root calls, and a trace still reads whole through it', t => {
  const db = databaseAtVersion(t, 5);
  // Two traces of instance 1: a root with a child and a grandchild, and a root alone.
  const id = n => 2 ** 32 + n;
  db.exec(`
    INSERT INTO functions VALUES (1, 'g', 'f', 'a.ts', 1, 1, 'function', '[]', '[]', 'void', 'void', 5);
    INSERT INTO processes VALUES (1, '${'a'.repeat(32)}', 10, 0, 5, '[]', 0, 0, 5);
    INSERT INTO calls (id, function_id, trace, parent, depth, start_us, duration_ns, status) VALUES
      (${id(1)}, 1, ${id(1)}, NULL, 0, 100, 9, 'OK'), (${id(2)}, 1, ${id(1)}, ${id(1)}, 1, 101, 5, 'OK'),
      (${id(3)}, 1, ${id(1)}, ${id(2)}, 2, 102, 1, 'OK'), (${id(4)}, 1, ${id(4)}, NULL, 0, 200, 1, 'OK');
  `);
  const before = db.prepare('SELECT * FROM calls ORDER BY id').all();
  migrate(db);
  t.is(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
  t.deepEqual(db.prepare('SELECT * FROM calls ORDER BY id').all(), before);
  t.is(
    db.prepare("SELECT sql FROM sqlite_master WHERE name = 'calls_by_trace'").pluck().get(),
    'CREATE INDEX calls_by_trace ON calls (trace, parent) WHERE parent IS NOT NULL',
  );
  // The index holds the two children only; each trace reads whole, its root by id and the rest by the index.
  t.deepEqual(db.prepare('SELECT id FROM calls INDEXED BY calls_by_trace WHERE parent IS NOT NULL').pluck().all(), [
    id(2),
    id(3),
  ]);
  const traceSql = `SELECT id FROM calls c WHERE ${traceCallsSql('c', '?')} ORDER BY id`;
  t.deepEqual(db.prepare(traceSql).pluck().all(id(1), id(1)), [id(1), id(2), id(3)]);
  t.deepEqual(db.prepare(traceSql).pluck().all(id(4), id(4)), [id(4)]);
  const plan = db
    .prepare(`EXPLAIN QUERY PLAN ${traceSql}`)
    .all(id(1), id(1))
    .map(row => row.detail);
  t.true(plan.includes('SEARCH c USING INTEGER PRIMARY KEY (rowid=?)'), plan.join('\n'));
  t.true(
    plan.some(step => step.startsWith('SEARCH c USING COVERING INDEX calls_by_trace')),
    plan.join('\n'),
  );
});

test("a version 6 file is upgraded in place: calls_by_time is dropped, and all functions' calls by time are read function by function", t => {
  const db = databaseAtVersion(t, 6);
  // Two functions whose calls interleave in time, two of them at the same microsecond.
  const id = n => 2 ** 32 + n;
  db.exec(`
    INSERT INTO functions VALUES (1, 'g', 'f', 'a.ts', 1, 1, 'function', '[]', '[]', 'void', 'void', 5),
                                 (2, 'g', 'h', 'a.ts', 9, 1, 'function', '[]', '[]', 'void', 'void', 5);
    INSERT INTO processes VALUES (1, '${'a'.repeat(32)}', 10, 0, 5, '[]', 0, 0, 5);
    INSERT INTO calls (id, function_id, trace, parent, depth, start_us, duration_ns, status) VALUES
      (${id(1)}, 1, ${id(1)}, NULL, 0, 100, 9, 'OK'), (${id(2)}, 2, ${id(2)}, NULL, 0, 150, 5, 'ERR'),
      (${id(3)}, 1, ${id(3)}, NULL, 0, 200, 1, 'OK'), (${id(4)}, 2, ${id(4)}, NULL, 0, 200, 1, 'OK'),
      (${id(5)}, 1, ${id(5)}, NULL, 0, 300, 1, 'ERR');
  `);
  t.truthy(db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'calls_by_time'").get());
  const before = db.prepare('SELECT * FROM calls ORDER BY id').all();
  migrate(db);
  t.is(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
  t.deepEqual(db.prepare('SELECT * FROM calls ORDER BY id').all(), before);
  t.falsy(db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'calls_by_time'").get());

  // Newest first across both functions, ties by id, from a cursor on, and failures only: a merge of each
  // function's newest, the same as sorting every call.
  t.deepEqual(newestCallIds(db, filterClause({}), 3), [id(5), id(4), id(3)]);
  const cursor = { sql: ['(c.start_us, c.id) < (?, ?)'], params: [200, id(4)] };
  t.deepEqual(newestCallIds(db, cursor, 5), [id(3), id(2), id(1)]);
  t.deepEqual(newestCallIds(db, filterClause({ status: 'ERR' }), 5), [id(5), id(2)]);
  t.deepEqual(newestCallIds(db, filterClause({ functionIds: [2] }), 5, { functionIds: [2] }), [id(4), id(2)]);
  t.deepEqual(newestCallIds(db, filterClause({ functionIds: [1, 2] }), 2, { functionIds: [1, 2] }), [id(5), id(4)]);
  t.deepEqual(firstAndLastStart(db), { firstUs: 100, lastUs: 300 });

  // A time range over all functions is read from calls_by_function_time, never by scanning the table.
  const since = acrossFunctions(filterClause({ sinceUs: 150 }), { sinceUs: 150 });
  const plan = db
    .prepare(`EXPLAIN QUERY PLAN SELECT count(*) FROM calls c WHERE ${since.sql.join(' AND ')}`)
    .all(...since.params)
    .map(row => row.detail);
  t.true(
    plan.some(step => step.startsWith('SEARCH c USING COVERING INDEX calls_by_function_time')),
    plan.join('\n'),
  );
  t.is(
    db
      .prepare(`SELECT count(*) FROM calls c WHERE ${since.sql.join(' AND ')}`)
      .pluck()
      .get(...since.params),
    4,
  );
});

test('rows older than the retention period are pruned by the writer', async t => {
  const old = program(`${OK_AND_BAD}
for (let i = 0; i < 3; i++) ok(i);
`);
  t.is((await run(old)).status, 0);
  // Two hours ago, as far as the writer can tell: no test waits for time to pass.
  const db = new Database(old.dbPath);
  db.exec(
    `UPDATE calls SET start_us = start_us - 7200000000; UPDATE processes SET updated_us = updated_us - 7200000000;`,
  );
  db.close();
  const recent = {
    ...program(`${OK_AND_BAD}
ok(100);
`),
    dbPath: old.dbPath,
  };
  const result = await run(recent, { env: { OBSERVATORY_RETENTION_HOURS: '1' } });
  t.is(result.status, 0, result.stderr);
  t.deepEqual(
    readCalls(old.dbPath).map(call => [call.pid, call.values]),
    [
      [
        result.pid,
        [
          ['i', 'INPUT', 'number', 100],
          ['result', 'OUTPUT', 'unknown', 100],
        ],
      ],
    ],
  );
  t.is(query(old.dbPath, 'SELECT count(*) AS n FROM call_values')[0].n, 2);
  t.deepEqual(query(old.dbPath, 'SELECT pid FROM processes'), [{ pid: result.pid }]);
});

test('OBSERVATORY_RETENTION_HOURS=0 keeps everything', async t => {
  const old = program(`${OK_AND_BAD}
ok(1);
`);
  t.is((await run(old)).status, 0);
  const db = new Database(old.dbPath);
  db.exec(
    `UPDATE calls SET start_us = start_us - 3600000000 * 24 * 365; UPDATE processes SET updated_us = updated_us - 3600000000 * 24 * 365;`,
  );
  db.close();
  const result = await run(
    {
      ...program(`${OK_AND_BAD}
ok(2);
`),
      dbPath: old.dbPath,
    },
    { env: { OBSERVATORY_RETENTION_HOURS: '0' } },
  );
  t.is(result.status, 0, result.stderr);
  t.deepEqual(
    readCalls(old.dbPath).map(call => call.values[0][3]),
    [1, 2],
  );
});

test('await shutdown() while recording: every call made before it is committed when it resolves', async t => {
  const prog = program(`${OK_AND_BAD}
const Database = require('better-sqlite3');
for (let i = 0; i < 3000; i++) ok(i);
try { bad(1); } catch {}
// The writer's next look is a minute away: only shutdown() can have written these rows.
__observatory.shutdown().then(() => {
  const db = new Database(process.env.OBSERVATORY_DB, { readonly: true });
  console.log(db.prepare('SELECT count(*) FROM calls').pluck().get());
  db.close();
});
`);
  const result = await run(prog, { env: { OBSERVATORY_FLUSH_MS: '60000' } });
  t.is(result.status, 0, result.stderr);
  t.is(result.stdout, '3001\n');
  t.deepEqual(accounting(prog.dbPath), { ok: { rows: 3000 }, bad: { rows: 1 } });
});

test('OBSERVATORY_FLUSH_MS: a few calls reach the database while the program goes on, without a flush', async t => {
  const prog = program(`${OK_AND_BAD}
const Database = require('better-sqlite3');
for (let i = 0; i < 3; i++) ok(i);
// Three calls are far from a batch; the writer commits them when its interval comes round. The program
// watches the file and ends when it sees them.
const db = new Database(process.env.OBSERVATORY_DB, { readonly: true, fileMustExist: false });
const watch = setInterval(() => {
  let rows = 0;
  try { rows = db.prepare('SELECT count(*) FROM calls').pluck().get(); } catch {}
  if (rows === 3) {
    clearInterval(watch);
    console.log('seen while running');
  }
}, 10);
`);
  // Made before the program starts, so the watcher can open it; the schema is the writer's to create.
  fs.mkdirSync(prog.dir, { recursive: true });
  new Database(prog.dbPath).close();
  const result = await run(prog, { env: { OBSERVATORY_FLUSH_MS: '20' } });
  t.is(result.status, 0, result.stderr);
  t.is(result.stdout, 'seen while running\n');
});
