// The writer thread's side on its own: what it loads, and how it numbers calls.
import test from 'ava';
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const distRuntime = path.resolve(import.meta.dirname, '..', 'dist', 'runtime');
const { TraceWriter } = require(path.join(distRuntime, 'store', 'writer.js'));
const { CallTexts } = require(path.join(distRuntime, 'store', 'function-values.js'));
const { ValueDecoder } = require(path.join(distRuntime, 'store', 'value-decoder.js'));
const { OpWriter } = require(path.join(distRuntime, 'record', 'op-writer.js'));

/** A FunctionMeta as the transformer emits it, for `f(): number` in g.ts. */
/** A RecordingProcess as the runtime hands it to the writer, for pid 7 with no retention. */
function recordingProcess(fields) {
  return {
    pid: 7,
    threadId: 0,
    argv: ['node'],
    retentionHours: 0,
    redact: [],
    redactAllow: [],
    maxValueSize: 16384,
    flushIntervalMs: 50,
    ...fields,
  };
}

function functionMeta(fields = {}) {
  return {
    name: 'f',
    group: 'g',
    file: 'g.ts',
    line: 1,
    column: 1,
    kind: 'function',
    async: false,
    generator: false,
    params: [],
    paramTypes: [],
    rest: false,
    outputShape: 'single',
    outputs: ['result'],
    outputTypes: ['number'],
    returnType: 'number',
    sample: 1,
    capture: 'all',
    redact: [],
    snapshot: false,
    ...fields,
  };
}

/** A database path in a directory of its own, removed after the test. */
function scratchDatabase(t, prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'traces.db');
}

/**
 * A CallRecord as the drain hands it to the writer: call `id` of function 0, a root unless `fields` say otherwise,
 * 1 ms long, with no inputs, returning its id.
 */
function callRecord({ id, start = 1, ...fields }) {
  return {
    fn: 0,
    id,
    parent: 0,
    root: id,
    depth: 0,
    start,
    end: start + 1,
    inputs: [],
    outputs: [id],
    outputFallback: false,
    yielded: -1,
    error: null,
    ...fields,
  };
}

/** Writes `records` in one transaction; `behind` as the drain says it (more than this batch was waiting). */
function writeCalls(writer, info, meta, records, behind = false) {
  writer.begin();
  writer.write({ calls: new CallTexts(info).prepare(records, () => meta), drops: [], highWater: 0 }, () => meta);
  writer.commit();
  writer.afterCommit(behind);
}

test('the writer thread loads nothing of the recording side', async t => {
  const code = `
    const { parentPort } = require('node:worker_threads');
    require(${JSON.stringify(path.join(distRuntime, 'store', 'drain.js'))});
    require(${JSON.stringify(path.join(distRuntime, 'store', 'writer.js'))});
    parentPort.postMessage(Object.keys(require.cache));`;
  const loaded = await new Promise((resolve, reject) => {
    const worker = new Worker(code, { eval: true });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const runtimeFiles = loaded
    .filter(file => file.startsWith(distRuntime))
    .map(file => path.relative(distRuntime, file));
  t.true(runtimeFiles.includes(path.join('store', 'drain.js')), runtimeFiles.join(', '));
  t.deepEqual(
    runtimeFiles.filter(file => file.startsWith(`record${path.sep}`) || file === 'index.js'),
    [],
  );
});

test('the writer thread gets the reporting options of the program, none that load code, and Node takes them all', async t => {
  const { writerExecArgv } = require(path.join(distRuntime, 'record', 'writer-thread.js'));
  const profiles = fs.mkdtempSync(path.join(os.tmpdir(), 'observatory-profiles-'));
  t.teardown(() => fs.rmSync(profiles, { recursive: true, force: true }));
  const reporting = [
    '--enable-source-maps',
    '--no-warnings',
    '--disable-warning=ExperimentalWarning',
    '--unhandled-rejections=strict',
    '--cpu-prof',
    '--cpu-prof-dir',
    profiles,
  ];
  const loaders = ['--import', 'tsx', '-r', 'ts-node/register', '--require=./setup.js', '--loader', 'ts-node/esm'];
  const refusedInWorkers = ['--max-old-space-size=4096', '--stack-size=2000', '--title=shop'];
  const kept = writerExecArgv([...loaders, refusedInWorkers[0], ...reporting, ...refusedInWorkers.slice(1)]);
  t.deepEqual(kept, reporting);
  // Node refuses a worker whose execArgv holds an option it does not take there; these it takes.
  const execArgv = await new Promise((resolve, reject) => {
    const worker = new Worker('require("node:worker_threads").parentPort.postMessage(process.execArgv)', {
      eval: true,
      execArgv: kept,
    });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  t.deepEqual(execArgv, kept);
});

// Short strings are taken from those decoded before (store/value-decoder.ts); many more than its slots, so that
// strings share slots, each read back exactly: lone surrogates, and strings of the same length and code units in
// another order among them.
test('the decoder gives back every string as it was written, short strings that share a slot of its cache included', t => {
  const strings = [];
  for (let i = 0; i < 5000; i++) strings.push(i.toString(36), `k${i % 97}`, String.fromCharCode(0xd800 + (i % 64)));
  strings.push('ab', 'ba', '', 'x'.repeat(16), 'x'.repeat(17), 'é€😀');
  const memory = new SharedArrayBuffer(1 << 20);
  const out = new OpWriter(memory);
  out.reset(0, memory.byteLength);
  for (const text of strings) out.string(text);
  t.false(out.overflow);
  const decoder = new ValueDecoder(memory);
  t.deepEqual(decoder.decode(0, out.pos), strings);
  t.deepEqual(decoder.decode(0, out.pos), strings, 'and again, when every short string is found in the cache');
});

test('an instance past 2^32 calls continues under a second processes row, and its ids never collide', t => {
  const dbPath = scratchDatabase(t, 'observatory-store-');
  const token = 'ab'.repeat(16);
  const info = recordingProcess({ token, pid: 42, timeOrigin: Date.now() });
  const meta = functionMeta({ params: ['x'], paramTypes: ['number'] });
  const call = (id, parent, root, x) =>
    callRecord({ id, parent, root, depth: parent === 0 ? 0 : 1, inputs: [x], outputs: [x] });
  const writer = new TraceWriter(dbPath, info, 1 << 20);
  writeCalls(writer, info, meta, [call(5, 0, 5, 1), call(2 ** 32 + 7, 5, 5, 2)]);
  writer.close();

  const db = new Database(dbPath, { readonly: true });
  t.teardown(() => db.close());
  const processes = db.prepare('SELECT id, token FROM processes ORDER BY id').all();
  t.deepEqual(
    processes.map(row => row.token),
    [token, `${token}-1`],
  );
  const [first, second] = processes.map(row => row.id);
  const spans = db.prepare('SELECT id, parent, trace, trace_id, pid FROM spans ORDER BY id').all();
  t.deepEqual(
    spans.map(span => [span.id, span.parent, span.trace, span.pid]),
    [
      [first * 2 ** 32 + 5, null, first * 2 ** 32 + 5, 42],
      [second * 2 ** 32 + 7, first * 2 ** 32 + 5, first * 2 ** 32 + 5, 42],
    ],
  );
  t.is(spans[0].trace_id, spans[1].trace_id);
  t.is(spans[0].trace_id.slice(0, 16), token.slice(0, 16));
});

test("a writer that stays behind has its WAL checkpointed by a thread of its own, and SQLite's own checkpoints come back once it has caught up", async t => {
  const { BACKLOG_COMMITS, Checkpointer } = require(path.join(distRuntime, 'store', 'checkpointer.js'));
  const dbPath = scratchDatabase(t, 'observatory-store-');
  const info = recordingProcess({ token: 'cd'.repeat(16), timeOrigin: Date.now() });
  const meta = functionMeta();
  const writer = new TraceWriter(dbPath, info, 1 << 20);
  t.teardown(() => writer.close());
  const databaseBytes = () => fs.statSync(dbPath).size;
  // Ten calls a commit leave the WAL far below the 1,000 pages at which SQLite checkpoints in a commit, so
  // nothing but the checkpoint thread moves pages into the database file.
  let id = 0;
  const batch = () => Array.from({ length: 10 }, () => callRecord({ id: ++id }));
  const before = databaseBytes();
  for (let commit = 1; commit < BACKLOG_COMMITS; commit++) writeCalls(writer, info, meta, batch(), true);
  writeCalls(writer, info, meta, batch(), false);
  for (let commit = 1; commit < BACKLOG_COMMITS; commit++) writeCalls(writer, info, meta, batch(), true);
  t.is(databaseBytes(), before, 'no checkpoint yet: the writer leaves them to SQLite, which waits for 1,000 pages');
  writeCalls(writer, info, meta, batch(), true);
  // The thread starts now and checkpoints after the commit it missed while starting; until then, the file waits.
  while (databaseBytes() === before) await setTimeout(20);
  const db = new Database(dbPath, { readonly: true });
  t.teardown(() => db.close());
  t.is(db.prepare('SELECT count(*) AS n FROM calls').get().n, id);

  // The connection's own threshold: kept through a backlog too short, or broken by a commit that was not
  // behind; off while the thread checkpoints; back once the writer is not behind.
  const connection = new Database(scratchDatabase(t, 'observatory-store-'));
  t.teardown(() => connection.close());
  connection.pragma('journal_mode = WAL');
  const threshold = () => connection.pragma('wal_autocheckpoint', { simple: true });
  const ownThreshold = threshold();
  t.true(ownThreshold > 0);
  const checkpointer = new Checkpointer(connection, connection.name);
  for (let commit = 1; commit < BACKLOG_COMMITS; commit++) checkpointer.committed(true);
  checkpointer.committed(false);
  for (let commit = 1; commit < BACKLOG_COMMITS; commit++) checkpointer.committed(true);
  t.is(threshold(), ownThreshold);
  checkpointer.committed(true);
  t.is(threshold(), 0);
  checkpointer.committed(false);
  t.is(threshold(), ownThreshold);
});

test('a writer that stays behind checkpoints for itself every WRITER_CHECKPOINT_COMMITS commits, so its WAL starts again from the beginning instead of growing', t => {
  const { BACKLOG_COMMITS, WRITER_CHECKPOINT_COMMITS, Checkpointer } = require(
    path.join(distRuntime, 'store', 'checkpointer.js'),
  );
  const dbPath = scratchDatabase(t, 'observatory-store-');
  const db = new Database(dbPath);
  t.teardown(() => db.close());
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE rows (n INTEGER PRIMARY KEY, text TEXT)');
  // The thread is given a path it cannot open, so it never holds the checkpoint lock: each checkpoint of the
  // writer's own finds the lock free, and when the WAL starts again depends on the count of commits alone. (The
  // thread's own checkpoints are the test above's.)
  const checkpointer = new Checkpointer(db, path.join(path.dirname(dbPath), 'missing', 'traces.db'));
  t.teardown(() => checkpointer.close());
  const insert = db.prepare('INSERT INTO rows (text) VALUES (?)');
  const commitBehind = db.transaction(() => {
    for (let row = 0; row < 10; row++) insert.run('x'.repeat(100));
  });
  // The WAL header's checkpoint sequence number (bytes 12 to 15, big-endian) grows by one each time the WAL
  // starts again from its beginning (sqlite.org/fileformat.html, "WAL File Format").
  const walStarts = () => {
    const header = Buffer.alloc(16);
    const fd = fs.openSync(`${dbPath}-wal`, 'r');
    try {
      fs.readSync(fd, header, 0, 16, 0);
    } finally {
      fs.closeSync(fd);
    }
    return header.readUInt32BE(12);
  };
  let commits = 0;
  const commitUntil = last => {
    for (; commits < last;) {
      commitBehind();
      commits++;
      checkpointer.committed(true);
    }
  };
  commitUntil(1);
  const first = walStarts();
  // Checkpoints become the thread's at commit BACKLOG_COMMITS, which is the first of WRITER_CHECKPOINT_COMMITS;
  // the last of them checkpoints everything, and the next commit starts the WAL again.
  const ownCheckpoint = BACKLOG_COMMITS + WRITER_CHECKPOINT_COMMITS - 1;
  commitUntil(ownCheckpoint);
  t.is(walStarts(), first, 'no new beginning before the first checkpoint of its own');
  commitUntil(ownCheckpoint + 1);
  t.is(walStarts(), first + 1);
  commitUntil(ownCheckpoint + 3 * WRITER_CHECKPOINT_COMMITS + 1);
  t.is(walStarts(), first + 4);
  t.is(db.prepare('SELECT count(*) AS n FROM rows').get().n, commits * 10);
});

test('the writer prunes past the retention period at most once a minute, by the clock it is given', t => {
  const dbPath = scratchDatabase(t, 'observatory-prune-');
  const hour = 3_600_000;
  const now = Date.now();
  // Calls 1 and 2 started 3 h ago, call 3 30 s short of the 2 hours kept (start is milliseconds after timeOrigin).
  const info = recordingProcess({ token: 'cd'.repeat(16), timeOrigin: now - 3 * hour, retentionHours: 2 });
  const writer = new TraceWriter(dbPath, info, 1 << 20);
  t.teardown(() => writer.close());
  writeCalls(writer, info, functionMeta(), [
    callRecord({ id: 1, start: 0 }),
    callRecord({ id: 2, start: 0 }),
    callRecord({ id: 3, start: hour + 30_000 }),
  ]);
  const db = new Database(dbPath, { readonly: true });
  t.teardown(() => db.close());
  const ids = () => db.prepare('SELECT id & 0xffffffff AS n FROM calls ORDER BY id').pluck().all();

  writer.pruneNowAndThen(now);
  t.deepEqual(ids(), [3], 'the first look prunes what is older than 2 hours');
  // 59 s later call 3 is past the cutoff, but the writer looked less than a minute ago.
  writer.pruneNowAndThen(now + 59_000);
  t.deepEqual(ids(), [3]);
  writer.pruneNowAndThen(now + 60_000);
  t.deepEqual(ids(), []);
  t.is(db.prepare('SELECT count(*) FROM functions').pluck().get(), 1, 'functions rows stay');
});

test("a joined trace's link stays while any of its calls does: its root pruned, a child kept", t => {
  const dbPath = scratchDatabase(t, 'observatory-prune-links-');
  const hour = 3_600_000;
  const now = Date.now();
  const info = recordingProcess({ token: 'ab'.repeat(16), timeOrigin: now - 3 * hour, retentionHours: 2 });
  const link = traceId => ({ traceId, parentSpanId: '1'.repeat(16) });
  // Trace A: its root 3 h old, its child 30 s inside the 2 hours kept. Trace B: one call, 3 h old.
  const a = 'a'.repeat(32);
  const b = 'b'.repeat(32);
  const writer = new TraceWriter(dbPath, info, 1 << 20);
  t.teardown(() => writer.close());
  writeCalls(writer, info, functionMeta(), [
    callRecord({ id: 2, parent: 1, root: 1, depth: 1, start: hour + 30_000, link: link(a) }),
    callRecord({ id: 1, start: 0, link: link(a) }),
    callRecord({ id: 3, start: 0, link: link(b) }),
  ]);
  const db = new Database(dbPath, { readonly: true });
  t.teardown(() => db.close());
  const links = () => db.prepare('SELECT trace_id FROM trace_links ORDER BY trace_id').pluck().all();
  t.deepEqual(links(), [a, b]);

  writer.pruneNowAndThen(now);
  t.deepEqual(db.prepare('SELECT id & 0xffffffff FROM calls').pluck().all(), [2]);
  t.deepEqual(links(), [a], "the root's link stays with its child");
  writer.pruneNowAndThen(now + 60_000);
  t.deepEqual(links(), []);
});

test('a retention of 0 hours never prunes', t => {
  const dbPath = scratchDatabase(t, 'observatory-prune-');
  const info = recordingProcess({ token: 'ef'.repeat(16), timeOrigin: 0 });
  const writer = new TraceWriter(dbPath, info, 1 << 20);
  t.teardown(() => writer.close());
  // Started at the epoch: 56 years old.
  writeCalls(writer, info, functionMeta(), [callRecord({ id: 1, start: 0 })]);
  writer.pruneNowAndThen(Date.now());
  const db = new Database(dbPath, { readonly: true });
  t.teardown(() => db.close());
  t.is(db.prepare('SELECT count(*) FROM calls').pluck().get(), 1);
});
