// Records reach the database however the program ends, and every record that does not is counted: a full
// queue drops successful calls (never errors), a batch the pool fails to write twice is counted as lost,
// and process.exit(), an uncaught exception, SIGINT or SIGTERM still leave the pending records written.
import test from 'ava';
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import { program, query, readCalls, removePrograms, run } from './runtime-harness.mjs';

const { migrate, SCHEMA_VERSION } = createRequire(import.meta.url)('../dist/runtime/schema.js');

test.after(removePrograms);

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
  return query(dbPath, 'SELECT f.name, d.reason, d.count FROM drops d JOIN functions f ON f.id = d.function_id ORDER BY f.name, d.reason');
}

test('a full queue drops successful calls, counts them per function, and keeps every error', async t => {
  const prog = program(`${OK_AND_BAD}
for (let i = 0; i < 1000; i++) {
  ok(i);
  if (i % 100 === 99) try { bad(i); } catch {}
}
__observatory.flush().then(() => ok(1000));
`);
  const result = await run(prog, { env: { OBSERVATORY_QUEUE_CAPACITY: '50', OBSERVATORY_BATCH_SIZE: '10' } });
  t.is(result.status, 0, result.stderr);
  const calls = readCalls(prog.dbPath);
  // The loop never yields: the first 50 calls fill the queue, later successes are dropped, failures are kept.
  t.deepEqual(
    calls.filter(call => call.fn === 'ok').map(call => call.values[0][3]),
    [...Array.from({ length: 50 }, (_, i) => i), 1000],
  );
  t.deepEqual(
    calls.filter(call => call.fn === 'bad').map(call => [call.status, call.error_message]),
    Array.from({ length: 10 }, (_, k) => ['ERR', `bad ${k * 100 + 99}`]),
  );
  t.deepEqual(drops(prog.dbPath), [{ name: 'ok', reason: 'queue_full', count: 950 }]);
  const [processRow] = query(prog.dbPath, 'SELECT queue_capacity, queue_high_water FROM processes');
  t.deepEqual(processRow, { queue_capacity: 50, queue_high_water: 60 });
});

test('process.exit() writes pending and in-flight records synchronously', async t => {
  const prog = program(`${OK_AND_BAD}
for (let i = 0; i < 5000; i++) ok(i);
try { bad(0); } catch {}
// By now the first batches are with the pool; the rest is still queued.
setImmediate(() => process.exit(3));
`);
  const result = await run(prog, { env: { OBSERVATORY_BATCH_SIZE: '100' } });
  t.is(result.status, 3, result.stderr);
  const calls = readCalls(prog.dbPath);
  t.deepEqual(countBy(calls, call => `${call.fn} ${call.status}`), { 'ok OK': 5000, 'bad ERR': 1 });
  t.is(new Set(calls.map(call => call.values[0][3])).size, 5000);
  t.is(query(prog.dbPath, 'SELECT count(*) AS n FROM call_values')[0].n, 10_001);
});

test('an uncaught exception still leaves the failing call and everything before it written', async t => {
  const prog = program(`${OK_AND_BAD}
ok(1);
ok(2);
bad(3);
`);
  const result = await run(prog, { env: { OBSERVATORY_FLUSH_MS: '600000' } });
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
    // No flush can happen before the signal: the batch is never full and the timer is far away.
    const env = { OBSERVATORY_FLUSH_MS: '600000', OBSERVATORY_BATCH_SIZE: '1000' };
    const result = await run(prog, { env, onStdout: (out, child) => out.includes('ready') && child.kill(signal) });
    t.is(result.signal, signal);
    t.is(result.status, null);
    t.is(readCalls(prog.dbPath).length, 10);
  });
}

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
  const env = { OBSERVATORY_FLUSH_MS: '600000', OBSERVATORY_BATCH_SIZE: '1000' };
  const result = await run(prog, { env, onStdout: (out, child) => out === 'ready\n' && child.kill('SIGTERM') });
  t.is(result.signal, null);
  t.is(result.status, 0, result.stderr);
  t.is(result.stdout, 'ready\napplication shuts down\n');
  t.is(readCalls(prog.dbPath).length, 10);
});

test('a worker that dies mid-batch: the batch is retried once, and written once', async t => {
  const prog = program(`${OK_AND_BAD}
for (let i = 0; i < 20; i++) ok(i);
`);
  // The worker thread exits with the batch's rows inserted and its transaction not committed.
  const result = await run(prog, { env: { OBSERVATORY_TEST_WORKER_CRASHES: '1' } });
  t.is(result.status, 0, result.stderr);
  t.deepEqual(readCalls(prog.dbPath).map(call => call.values[0][3]), Array.from({ length: 20 }, (_, i) => i));
  t.is(query(prog.dbPath, 'SELECT count(*) AS n FROM call_values')[0].n, 40);
  t.deepEqual(drops(prog.dbPath), []);
});

test('a batch that fails twice is counted as batch_lost, and recording goes on', async t => {
  const prog = program(`${OK_AND_BAD}
for (let i = 0; i < 20; i++) ok(i);
__observatory.flush().then(() => {
  for (let i = 20; i < 25; i++) ok(i);
});
`);
  const result = await run(prog, { env: { OBSERVATORY_TEST_WORKER_CRASHES: '2' } });
  t.is(result.status, 0, result.stderr);
  t.regex(result.stderr, /20 records could not be written/);
  t.deepEqual(
    readCalls(prog.dbPath).map(call => call.values[0][3]),
    [20, 21, 22, 23, 24],
  );
  t.deepEqual(drops(prog.dbPath), [{ name: 'ok', reason: 'batch_lost', count: 20 }]);
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
  t.deepEqual(countBy(calls, call => call.pid), { [a.pid]: 20_000, [b.pid]: 20_000 });
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
  t.true(result.stderr.includes(`has schema version 99, but this version of ts-observatory understands schema versions up to ${SCHEMA_VERSION}`), result.stderr);
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
    INSERT INTO functions VALUES (1, 'old', 'legacy', 'old.ts', 3, 1, 'function', '[]', 'number', ${Date.now() * 1000});
    INSERT INTO calls (id, function_id, trace_id, span_id, depth, start_us, duration_us, status, pid, thread_id)
      VALUES (1, 1, '${'a'.repeat(32)}', '${'b'.repeat(16)}', 0, ${Date.now() * 1000}, 5, 'OK', 1, 0);
    INSERT INTO call_values (call_id, name, direction, position, declared_type, value_json) VALUES (1, 'x', 'INPUT', 0, 'number', '41');
    INSERT INTO drops VALUES (1, 1, 'queue_full', 3, ${Date.now() * 1000});
  `);
  db.close();
  const result = await run(prog);
  t.is(result.status, 0, result.stderr);
  t.is(query(prog.dbPath, 'PRAGMA user_version')[0].user_version, SCHEMA_VERSION);
  t.deepEqual(readCalls(prog.dbPath).map(call => [call.fn, call.values]), [
    ['legacy', [['x', 'INPUT', 'number', 41]]],
    ['ok', [['i', 'INPUT', 'number', 7], ['result', 'OUTPUT', 'unknown', 7]]],
  ]);
  t.deepEqual(drops(prog.dbPath), [{ name: 'legacy', reason: 'queue_full', count: 3 }]);
  t.deepEqual(query(prog.dbPath, 'PRAGMA foreign_key_check'), []);
});

test('rows older than the retention period are pruned by the writer', async t => {
  const old = program(`${OK_AND_BAD}
for (let i = 0; i < 3; i++) ok(i);
`);
  t.is((await run(old)).status, 0);
  await new Promise(resolve => setTimeout(resolve, 1500));
  const recent = { ...program(`${OK_AND_BAD}
ok(100);
`), dbPath: old.dbPath };
  const result = await run(recent, { env: { OBSERVATORY_RETENTION_HOURS: String(1 / 3600) } });
  t.is(result.status, 0, result.stderr);
  t.deepEqual(readCalls(old.dbPath).map(call => [call.pid, call.values]), [[result.pid, [['i', 'INPUT', 'number', 100], ['result', 'OUTPUT', 'unknown', 100]]]]);
  t.is(query(old.dbPath, 'SELECT count(*) AS n FROM call_values')[0].n, 2);
  t.deepEqual(query(old.dbPath, 'SELECT pid FROM processes'), [{ pid: result.pid }]);
});
