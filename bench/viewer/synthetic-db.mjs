// Fills a trace database with synthetic calls, straight through better-sqlite3, for the viewer's latency
// measurement only: the tests always read databases recorded by real instrumented code.
//
//   node bench/viewer/synthetic-db.mjs <file.db> [calls=1000000] [hours=24]
//
// Calls come in traces of one root and a few children, spread evenly over the last `hours`, with about 1% of
// them failing, and 2 to 4 values per call, the shape the examples produce. The one recording process filled
// its queue once and dropped some calls, so that the drop and queue questions have rows to read too.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import Database from 'better-sqlite3';

const require = createRequire(import.meta.url);
const { configureConnection, migrate } = require('../../dist/runtime/schema.js');

const FUNCTIONS = [
  { group: 'src/main', name: 'main', kind: 'function', params: [], returnType: 'Promise<void>' },
  { group: 'src/pricing', name: 'calculatePrice', kind: 'function', params: [['spotPrice', 'number'], ['strike', 'number'], ['volatility', 'number']], returnType: 'number' },
  { group: 'src/pricing', name: 'analyzeTrade', kind: 'function', params: [['symbol', 'string'], ['quantity', 'number'], ['price', 'number']], returnType: '{ symbol: string; notional: number; risk: string; }' },
  { group: 'src/pricing', name: 'divmod', kind: 'function', params: [['dividend', 'number'], ['divisor', 'number']], returnType: '[quotient: number, remainder: number]' },
  { group: 'src/pricing', name: 'validateOrder', kind: 'function', params: [['symbol', 'string'], ['quantity', 'number']], returnType: 'void' },
  { group: 'src/portfolio', name: 'Portfolio.add', kind: 'method', params: [['symbol', 'string'], ['quantity', 'number']], returnType: 'number' },
  { group: 'src/portfolio', name: 'Portfolio.value', kind: 'method', params: [['prices', 'Record<string, number>']], returnType: '{ total: number; largest: string }' },
  { group: 'src/portfolio', name: 'fetchQuote', kind: 'function', params: [['symbol', 'string']], returnType: 'Promise<{ bid: number; ask: number }>' },
];

export function generate(file, calls = 1_000_000, hours = 24) {
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
  const db = new Database(file);
  configureConnection(db);
  migrate(db);
  // Bulk loading: one writer, nobody reading, so durability can wait until the end.
  db.pragma('synchronous = OFF');
  const nowUs = Date.now() * 1000;
  const fromUs = nowUs - hours * 3_600_000_000;
  const insertFunction = db.prepare(
    `INSERT INTO functions (group_name, name, file, line, "column", kind, params_json, return_type, first_seen_us)
     VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?)`,
  );
  const insertCall = db.prepare(
    `INSERT INTO calls (id, function_id, trace_id, span_id, parent_span_id, depth, start_us, duration_us, status,
                        error_type, error_message, error_stack, pid, thread_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 4242, 0)`,
  );
  const insertValue = db.prepare(
    `INSERT INTO call_values (call_id, name, direction, position, declared_type, value_json) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const insertProcess = db.prepare(
    `INSERT INTO processes (pid, started_us, argv_json, queue_capacity, queue_high_water, updated_us) VALUES (4242, ?, '[]', 131072, 131072, ?)`,
  );
  const insertDrop = db.prepare(
    `INSERT INTO drops (function_id, pid, started_us, reason, count, updated_us) VALUES (?, 4242, ?, 'queue_full', ?, ?)`,
  );
  let seed = 1;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  // Ids derived from the call number are unique by construction, which random hex from a toy generator is not.
  const spanOf = callId => (0x5a00000000000000n + BigInt(callId)).toString(16);
  db.transaction(() => {
    FUNCTIONS.forEach((fn, index) =>
      insertFunction.run(fn.group, fn.name, `${fn.group}.ts`, 10 + index * 8, fn.kind, JSON.stringify(fn.params.map(([name, type]) => ({ name, type }))), fn.returnType, fromUs),
    );
    insertProcess.run(fromUs, nowUs);
    insertDrop.run(2, fromUs, 12_345, nowUs);
    insertDrop.run(4, fromUs, 678, nowUs);
    let id = 0;
    while (id < calls) {
      const rootSpan = spanOf(id + 1);
      const traceId = `7ace${rootSpan}`.padEnd(32, '0');
      const startUs = Math.floor(fromUs + (id / calls) * (nowUs - fromUs));
      const children = Math.min(calls - id - 1, 2 + Math.floor(random() * 4));
      let offset = 5;
      let rootDuration = 20;
      const childRows = [];
      for (let c = 0; c < children; c++) {
        const fnIndex = 1 + Math.floor(random() * (FUNCTIONS.length - 1));
        const duration = 5 + random() * random() * 2000 * fnIndex;
        childRows.push([fnIndex, startUs + offset, duration]);
        offset += duration + 3;
        rootDuration = offset + 5;
      }
      insertCall.run(++id, 1, traceId, rootSpan, null, 0, startUs, rootDuration, 'OK', null, null, null);
      for (const [fnIndex, childStart, duration] of childRows) {
        const failed = random() < 0.01;
        const callId = ++id;
        insertCall.run(callId, fnIndex + 1, traceId, spanOf(callId), rootSpan, 1, Math.floor(childStart), duration, failed ? 'ERR' : 'OK',
          failed ? 'RangeError' : null, failed ? 'quantity must be positive, got -5 for ACME' : null,
          failed ? 'RangeError: quantity must be positive\n    at validateOrder (src/pricing.ts:27:29)\n    at main (src/main.ts:16:5)' : null);
        const fn = FUNCTIONS[fnIndex];
        fn.params.forEach(([name, type], position) =>
          insertValue.run(callId, name, 'INPUT', position, type, JSON.stringify(type === 'string' ? 'ACME' : type === 'number' ? Math.round(random() * 1000) : { ACME: 61.5, INIT: 48.25 })),
        );
        if (!failed && fn.returnType !== 'void') insertValue.run(callId, 'result', 'OUTPUT', 0, fn.returnType, JSON.stringify(Math.round(random() * 1e6) / 100));
      }
    }
  })();
  db.pragma('synchronous = NORMAL');
  db.close();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, calls = '1000000', hours = '24'] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node bench/viewer/synthetic-db.mjs <file.db> [calls] [hours]');
    process.exit(2);
  }
  const started = Date.now();
  generate(file, Number(calls), Number(hours));
  console.log(`wrote ${calls} calls to ${file} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
