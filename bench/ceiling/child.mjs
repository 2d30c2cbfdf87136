// How fast `add` calls can be stored in SQLite at all on this machine, one way per process:
// `node child.mjs <case> <calls> <dbPath>`; prints one JSON line `{ calls, ms, bytesPerCall }`.
//
//   engine              SQLite alone: add-shaped rows of the schema 3 layout (one calls row per call, its values
//                       packed in it), built in JavaScript and bound to multi-row INSERTs of 64 calls, as the
//                       writer does, into the real schema with its three indexes
//   engine-no-<index>   the same without that one index (calls_by_function_time, calls_by_time, calls_by_trace),
//                       to tell what each index costs a call
//   engine-bare         the same with no secondary index at all
//   writer              the runtime's own writer (runtime/writer.ts) on one thread, given batch messages exactly
//                       as a pool thread receives them, built beforehand by the runtime from real calls
//
// Each writes in transactions of 4096 calls, the runtime's batch size. Bytes per call are the file's pages after
// a checkpoint over the calls stored.
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

const INDEXES = ['calls_by_function_time', 'calls_by_time', 'calls_by_trace'];
const ROWS_PER_INSERT = 64;
const CALL_COLUMNS = 13;

function engine(dropped) {
  const { configureConnection, migrate } = runtime('schema.js');
  const db = new Database(dbPath);
  configureConnection(db);
  migrate(db);
  for (const index of dropped) db.exec(`DROP INDEX ${index}`);
  db.prepare(
    `INSERT INTO functions VALUES (1, 'ceiling', 'add', 'ceiling.ts', 1, 1, 'function',
       '[{"name":"a","type":"number"},{"name":"b","type":"number"}]', '[{"name":"result","type":"number"}]', 'number', 'number', 0)`,
  ).run();
  db.prepare(
    `INSERT INTO processes VALUES (1, '00c0ffee00c0ffee00c0ffee00c0ffee', 1, 0, 0, '[]', 67108864, 0, 0)`,
  ).run();
  const insert = db.prepare(
    `INSERT INTO calls (id, function_id, trace, parent, depth, start_us, duration_ns, status, error_type, error_message,
                        error_stack, inputs, outputs)
     VALUES ${Array.from({ length: ROWS_PER_INSERT }, () => `(${Array(CALL_COLUMNS).fill('?').join(', ')})`).join(', ')}`,
  );
  // The instance's calls are numbered from 1 in its half of the id space; each `add` call is a root.
  const params = [];
  const write = db.transaction(first => {
    for (let at = first; at < first + BATCH; at += ROWS_PER_INSERT) {
      params.length = 0;
      for (let number = at; number < at + ROWS_PER_INSERT; number++) {
        const id = 2 ** 32 + number;
        params.push(id, 1, id, null, 0, 1_700_000_000_000_000 + number, 200 + (number % 50), 'OK', null, null, null,
          `[${number},1]`, `[${number + 1}]`);
      }
      insert.run(params);
    }
  });
  const start = performance.now();
  for (let first = 1; first <= calls; first += BATCH) write.immediate(first);
  const ms = performance.now() - start;
  const stored = Math.ceil(calls / BATCH) * BATCH;
  db.pragma('wal_checkpoint(TRUNCATE)');
  const bytes = db.pragma('page_count', { simple: true }) * db.pragma('page_size', { simple: true });
  db.close();
  return { calls: stored, ms, bytesPerCall: bytes / stored };
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

const droppedIndexes = { engine: [], 'engine-bare': INDEXES, ...Object.fromEntries(INDEXES.map(index => [`engine-no-${index}`, [index]])) };
const result = caseName === 'writer' ? writer() : engine(droppedIndexes[caseName]);
process.stdout.write(`${JSON.stringify(result)}\n`);
