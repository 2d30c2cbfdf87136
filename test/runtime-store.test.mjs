// The writer thread's side on its own: what it loads, and how it numbers calls.
import test from 'ava';
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const distRuntime = path.resolve(import.meta.dirname, '..', 'dist', 'runtime');
const { TraceWriter } = require(path.join(distRuntime, 'store', 'writer.js'));
const { CallTexts } = require(path.join(distRuntime, 'store', 'function-values.js'));

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
  const runtimeFiles = loaded.filter(file => file.startsWith(distRuntime)).map(file => path.relative(distRuntime, file));
  t.true(runtimeFiles.includes(path.join('store', 'drain.js')), runtimeFiles.join(', '));
  t.deepEqual(runtimeFiles.filter(file => file.startsWith(`record${path.sep}`) || file === 'index.js'), []);
});

test('an instance past 2^32 calls continues under a second processes row, and its ids never collide', t => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'observatory-store-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const dbPath = path.join(dir, 'traces.db');
  const token = 'ab'.repeat(16);
  const info = { token, pid: 42, threadId: 0, timeOrigin: Date.now(), argv: ['node'], retentionHours: 0, redact: [], redactAllow: [], maxValueSize: 16384, flushIntervalMs: 50 };
  const meta = {
    name: 'f', group: 'g', file: 'g.ts', line: 1, column: 1, kind: 'function', async: false, generator: false, params: ['x'],
    paramTypes: ['number'], rest: false, outputShape: 'single', outputs: ['result'], outputTypes: ['number'], returnType: 'number',
    sample: 1, capture: 'all', redact: [], snapshot: false,
  };
  const call = (id, parent, root, x) => ({
    fn: 0, id, parent, root, depth: parent === 0 ? 0 : 1, start: 1, end: 2, inputs: [x], outputs: [x], outputFallback: false, yielded: -1, error: null,
  });
  const writer = new TraceWriter(dbPath, info, 1 << 20);
  writer.begin();
  const calls = new CallTexts(info).prepare([call(5, 0, 5, 1), call(2 ** 32 + 7, 5, 5, 2)], () => meta);
  writer.write({ calls, drops: [], highWater: 0 }, () => meta);
  writer.commit();
  writer.close();

  const db = new Database(dbPath, { readonly: true });
  t.teardown(() => db.close());
  const processes = db.prepare('SELECT id, token FROM processes ORDER BY id').all();
  t.deepEqual(processes.map(row => row.token), [token, `${token}-1`]);
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
