// How fast `add` calls can be stored in SQLite at all on this machine, one way per process:
// `node child.mjs <case> <calls> <dbPath>`; prints one JSON line `{ calls, ms, bytesPerCall, callsPerTransaction }`.
//
//   engine              SQLite alone: add-shaped rows of the schema's layout (one calls row per call, its values
//                       packed in it), built in JavaScript and bound through the writer's own multi-row INSERTs
//                       (BatchedInsert, with the columns a returned call binds), into the real schema with its
//                       indexes
//   engine-no-<index>   the same without that one index (calls_by_function_time, calls_by_trace),
//                       to tell what each index costs a call
//   engine-bare         the same with no secondary index at all
//   engine-sql          the same rows made by SQLite itself, in one INSERT ... SELECT per transaction over a
//                       recursive counter: no JavaScript and no binding per row (the counter and the values' text
//                       made in SQL have their own cost, so rows bound from JavaScript can store faster)
//   writer              the runtime's own writer (TraceWriter, dist/runtime/store/writer.js) on this thread, fed
//                       `add` CallRecords as the writer thread's drain decodes them from the ring, prepared before
//                       each batch is timed, in batches of BATCH calls, each inside begin()/write()/commit(): the
//                       JavaScript path of the writer thread without the ring
//
// Each writes in transactions of as many calls as the writer thread commits at most at once
// (MAX_CALLS_PER_TRANSACTION in runtime/store/drain.ts), each commit one of a writer that is behind, as the
// end-to-end run's are: after BACKLOG_COMMITS of them its WAL checkpoints run on a thread of their own
// (runtime/store/checkpointer.ts), not in its commits. Bytes per call are the file's pages after a checkpoint
// over the calls stored.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { checkpointedBytes } from '../e2e/database.mjs';
import { repoRoot } from '../paths.mjs';

const require = createRequire(import.meta.url);
const runtime = file => require(path.join(repoRoot, 'dist', 'runtime', file));
const Database = require('better-sqlite3');
const [caseName, callsText, dbPath] = process.argv.slice(2);
const calls = Number(callsText);
const BATCH = runtime('store/drain.js').MAX_CALLS_PER_TRANSACTION;

const ADD = {
  name: 'add',
  group: 'ceiling',
  file: 'ceiling.ts',
  line: 1,
  column: 1,
  kind: 'function',
  async: false,
  generator: false,
  params: ['x', 'y'],
  paramTypes: ['number', 'number'],
  rest: false,
  outputShape: 'single',
  outputs: ['result'],
  outputTypes: ['number'],
  returnType: 'number',
  sample: 1,
  capture: 'all',
  redact: [],
  snapshot: false,
};

const INDEXES = ['calls_by_function_time', 'calls_by_trace'];

function engine(dropped, makeWrite) {
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
  const write = makeWrite(db);
  const checkpointer = new (runtime('store/checkpointer.js').Checkpointer)(db, dbPath);
  const start = performance.now();
  for (let first = 1; first <= calls; first += BATCH) {
    write.immediate(first);
    checkpointer.committed(true);
  }
  const ms = performance.now() - start;
  const stored = Math.ceil(calls / BATCH) * BATCH;
  const bytes = checkpointedBytes(db);
  db.close();
  return { calls: stored, ms, bytesPerCall: bytes / stored };
}

/** Rows built in JavaScript and bound through the writer's own multi-row INSERTs. */
function writeBound(db) {
  const { BatchedInsert } = runtime('store/batched-insert.js');
  const { CALL_COLUMNS, RETURNED_CALL } = runtime('store/writer.js');
  const insert = new BatchedInsert(db, 'calls', CALL_COLUMNS, RETURNED_CALL);
  // The instance's calls are numbered from 1 in its half of the id space; each `add` call is a root.
  return db.transaction(first => {
    for (let number = first; number < first + BATCH; number++) {
      const id = 2 ** 32 + number;
      insert.value(id);
      insert.value(1);
      insert.value(id);
      insert.value(null);
      insert.value(0);
      insert.value(1_700_000_000_000_000 + number);
      insert.value(200 + (number % 50));
      insert.value(`[${number},1]`);
      insert.value(`[${number + 1}]`);
      insert.endRow();
    }
    insert.flush();
  });
}

/** The same rows, made by SQLite from a counter: `add(n, 1)` returning n + 1, each a root. */
function writeInSql(db) {
  const insert = db.prepare(
    `INSERT INTO calls (id, function_id, trace, parent, depth, start_us, duration_ns, inputs, outputs, status)
     WITH RECURSIVE numbers (number) AS (SELECT @first UNION ALL SELECT number + 1 FROM numbers WHERE number < @last)
     SELECT 4294967296 + number, 1, 4294967296 + number, NULL, 0, 1700000000000000 + number, 200 + number % 50,
            '[' || number || ',1]', '[' || (number + 1) || ']', 'OK'
       FROM numbers`,
  );
  return db.transaction(first => insert.run({ first, last: first + BATCH - 1 }));
}

function writer() {
  const { TraceWriter } = runtime('store/writer.js');
  const { CallTexts } = runtime('store/function-values.js');
  const info = {
    token: randomBytes(16).toString('hex'),
    pid: process.pid,
    threadId: 0,
    timeOrigin: performance.timeOrigin,
    argv: process.argv,
    retentionHours: 0,
    redact: [],
    maxValueSize: 16384,
    flushIntervalMs: 50,
  };
  const traceWriter = new TraceWriter(dbPath, info, 32 << 20);
  const texts = new CallTexts({ redact: [], redactAllow: [], maxValueSize: info.maxValueSize });
  const meta = () => ADD;
  let ms = 0;
  for (let first = 1; first <= calls; first += BATCH) {
    // What the drain hands the writer: `add(n, 1)` returning n + 1, a root call of its own trace.
    const batch = [];
    for (let n = first; n < first + BATCH; n++) {
      const start = n * 0.002;
      batch.push({
        fn: 0,
        id: n,
        parent: 0,
        root: n,
        depth: 0,
        start,
        end: start + 0.0002,
        inputs: [n, 1],
        outputs: [n + 1],
        outputFallback: false,
        yielded: -1,
        error: null,
      });
    }
    // Making the values' text is the writer thread's work too (the drain does it before the write lock).
    const started = performance.now();
    const prepared = texts.prepare(batch, meta);
    traceWriter.begin();
    traceWriter.write({ calls: prepared, drops: [], highWater: 0 }, meta);
    traceWriter.commit();
    traceWriter.afterCommit(true);
    ms += performance.now() - started;
  }
  traceWriter.close();
  const stored = Math.ceil(calls / BATCH) * BATCH;
  const db = new Database(dbPath);
  const bytes = checkpointedBytes(db);
  db.close();
  return { calls: stored, ms, bytesPerCall: bytes / stored };
}

const droppedIndexes = {
  engine: [],
  'engine-bare': INDEXES,
  ...Object.fromEntries(INDEXES.map(index => [`engine-no-${index}`, [index]])),
};
const result =
  caseName === 'writer'
    ? writer()
    : caseName === 'engine-sql'
      ? engine([], writeInSql)
      : engine(droppedIndexes[caseName], writeBound);
process.stdout.write(`${JSON.stringify({ ...result, callsPerTransaction: BATCH })}\n`);
