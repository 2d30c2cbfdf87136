// How fast `add` calls can be stored in SQLite at all on this machine, one way per process:
// `node child.mjs <case> <calls> <dbPath>`; prints one JSON line `{ calls, ms }`.
//
//   engine           SQLite alone: INSERT ... SELECT of add-shaped rows (one call row and three value rows per
//                    call) generated inside SQLite, no JavaScript per row, into the real schema with its indexes
//   engine-bare      the same rows into the same tables with no secondary index at all
//   writer           the runtime's own writer (runtime/writer.ts) on one thread, given batch messages exactly
//                    as a pool thread receives them, built beforehand by the runtime from real calls
//
// Each writes in transactions of 4096 calls, the runtime's batch size.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { repoRoot } from '../paths.mjs';

const require = createRequire(import.meta.url);
const runtime = file => require(path.join(repoRoot, 'dist', 'runtime', file));
const Database = require('better-sqlite3');
const [caseName, callsText, dbPath] = process.argv.slice(2);
const calls = Number(callsText);
const BATCH = 4096;

const ADD = {
  name: 'add', group: 'ceiling', file: 'ceiling.ts', line: 1, column: 1, kind: 'function', async: false, generator: false,
  params: ['x', 'y'], paramTypes: ['number', 'number'], rest: false, outputShape: 'single', outputs: ['result'],
  outputTypes: ['number'], returnType: 'number', sample: 1, capture: 'all', redact: [], snapshot: false,
};

function engine(bare) {
  const { configureConnection, migrate } = runtime('schema.js');
  const db = new Database(dbPath);
  configureConnection(db);
  migrate(db);
  if (bare) db.exec('DROP INDEX calls_by_function_time; DROP INDEX calls_by_time; DROP INDEX calls_by_trace;');
  db.prepare(`INSERT INTO functions VALUES (1, 'ceiling', 'add', 'ceiling.ts', 1, 1, 'function', '[]', 'number', 0)`).run();
  // Numbers are bound as REAL by better-sqlite3; the casts keep ids integers.
  const series = 'WITH RECURSIVE s(i) AS (SELECT CAST(? AS INTEGER) UNION ALL SELECT i + 1 FROM s WHERE i < CAST(? AS INTEGER))';
  const insertCalls = db.prepare(`${series}
    INSERT INTO calls (id, function_id, trace_id, span_id, parent_span_id, depth, start_us, duration_us, status, pid, thread_id)
    SELECT i, 1, '00c0ffee00c0ffee' || printf('%016x', i), printf('%016x', i), NULL, 0, 1700000000000000 + i, 0.2, 'OK', 1, 0 FROM s`);
  const insertValues = db.prepare(`${series}
    INSERT INTO call_values (call_id, direction, position, name, declared_type, value_json)
    SELECT i / 3, CASE i % 3 WHEN 2 THEN 'OUTPUT' ELSE 'INPUT' END, CASE i % 3 WHEN 1 THEN 1 ELSE 0 END,
           CASE i % 3 WHEN 0 THEN 'x' WHEN 1 THEN 'y' ELSE 'result' END, 'number', CAST(i AS TEXT) FROM s`);
  const write = db.transaction(first => {
    insertCalls.run(first, first + BATCH - 1);
    insertValues.run(first * 3, (first + BATCH - 1) * 3 + 2);
  });
  const start = performance.now();
  for (let first = 1; first <= calls; first += BATCH) write.immediate(first);
  const ms = performance.now() - start;
  db.close();
  return { calls: Math.ceil(calls / BATCH) * BATCH, ms };
}

function writer() {
  const recorder = runtime('recorder.js');
  const { registerFunction } = runtime('function-handle.js');
  const { BatchBuilder } = runtime('batch.js');
  const { TraceWriter } = runtime('writer.js');
  const handle = registerFunction(ADD, 1);
  const builder = new BatchBuilder(recorder.queue);
  const messages = [];
  for (let made = 0; made < calls; made += BATCH) {
    for (let i = 0; i < BATCH; i++) {
      const call = recorder.enter(handle, [made + i, 1]);
      recorder.exit(call, made + i + 1);
      recorder.done(call);
    }
    // What a pool thread receives is a structured clone of the message.
    messages.push(structuredClone(builder.next()));
  }
  const traceWriter = new TraceWriter(dbPath);
  const start = performance.now();
  for (const message of messages) traceWriter.write(message);
  const ms = performance.now() - start;
  traceWriter.close();
  return { calls: messages.length * BATCH, ms };
}

const result = caseName === 'writer' ? writer() : engine(caseName === 'engine-bare');
process.stdout.write(`${JSON.stringify(result)}\n`);
