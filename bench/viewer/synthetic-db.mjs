// Fills a trace database with synthetic calls, straight through better-sqlite3, for the viewer's latency
// measurement only: the tests always read databases recorded by real instrumented code.
//
//   node bench/viewer/synthetic-db.mjs <file.db> [calls=1000000] [hours=24]
//
// Calls come in traces of one root and a few children, spread evenly over the last `hours`, with about 1% of
// them failing, and 2 to 4 values per call packed in the call's row, the shape the examples produce; strings
// are SKUs (`SKU-1054`) drawn from 5,000. The one recording instance shed some traces under overload and
// sampled some out, and its ring was pushed to three quarters full, so that the drop and ring questions have
// rows to read too.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import Database from 'better-sqlite3';

const require = createRequire(import.meta.url);
const { configureConnection, migrate } = require('../../dist/runtime/schema.js');

const RECORD = 'Record<string, number>';
const FUNCTIONS = [
  { group: 'src/main', name: 'main', kind: 'function', params: [], outputs: [], returnType: 'Promise<void>' },
  {
    group: 'src/pricing',
    name: 'calculatePrice',
    kind: 'function',
    params: [
      ['spotPrice', 'number'],
      ['strike', 'number'],
      ['volatility', 'number'],
    ],
    outputs: [['result', 'number']],
    returnType: 'number',
  },
  {
    group: 'src/pricing',
    name: 'analyzeTrade',
    kind: 'function',
    params: [
      ['symbol', 'string'],
      ['quantity', 'number'],
      ['price', 'number'],
    ],
    outputs: [
      ['symbol', 'string'],
      ['notional', 'number'],
      ['risk', 'string'],
    ],
    returnType: '{ symbol: string; notional: number; risk: string; }',
  },
  {
    group: 'src/pricing',
    name: 'divmod',
    kind: 'function',
    params: [
      ['dividend', 'number'],
      ['divisor', 'number'],
    ],
    outputs: [
      ['quotient', 'number'],
      ['remainder', 'number'],
    ],
    returnType: '[quotient: number, remainder: number]',
  },
  {
    group: 'src/pricing',
    name: 'validateOrder',
    kind: 'function',
    params: [
      ['symbol', 'string'],
      ['quantity', 'number'],
    ],
    outputs: [],
    returnType: 'void',
  },
  {
    group: 'src/portfolio',
    name: 'Portfolio.add',
    kind: 'method',
    params: [
      ['symbol', 'string'],
      ['quantity', 'number'],
    ],
    outputs: [['result', 'number']],
    returnType: 'number',
  },
  {
    group: 'src/portfolio',
    name: 'Portfolio.value',
    kind: 'method',
    params: [['prices', RECORD]],
    outputs: [
      ['total', 'number'],
      ['largest', 'string'],
    ],
    returnType: '{ total: number; largest: string }',
  },
  {
    group: 'src/portfolio',
    name: 'fetchQuote',
    kind: 'function',
    params: [['symbol', 'string']],
    outputs: [
      ['bid', 'number'],
      ['ask', 'number'],
    ],
    returnType: 'Promise<{ bid: number; ask: number }>',
  },
];
const PROCESS_ID = 1;
const RING_BYTES = 64 * 1024 * 1024;

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
    `INSERT INTO functions (group_name, name, file, line, "column", kind, params_json, outputs_json, result_type, return_type, first_seen_us)
     VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)`,
  );
  const insertCall = db.prepare(
    `INSERT INTO calls (id, function_id, trace, parent, depth, start_us, duration_ns, status, error_type, error_message,
                        error_stack, inputs, outputs)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertProcess = db.prepare(
    `INSERT INTO processes (id, token, pid, thread_id, started_us, argv_json, buffer_bytes, buffer_high_water, updated_us)
     VALUES (${PROCESS_ID}, '5a17e0c0ffee00000000000000000001', 4242, 0, ?, '["node","dist/main.js"]', ${RING_BYTES}, ?, ?)`,
  );
  const insertDrop = db.prepare(
    `INSERT INTO drops (function_id, process_id, reason, count, updated_us) VALUES (?, ${PROCESS_ID}, ?, ?, ?)`,
  );
  let seed = 1;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  // Strings are one of 5,000 SKUs, so that a search by value finds a few hundred calls of a million. They come
  // from a multiplicative hash of a counter: the generator above repeats itself in its low digits.
  let skus = 0;
  const sku = () => `SKU-${(Math.imul(++skus, 2654435761) >>> 0) % 5000}`;
  const valueOf = type =>
    type === 'string'
      ? sku()
      : type === 'number'
        ? Math.round(random() * 100_000) / 100
        : { [sku()]: 61.5, [sku()]: 48.25 };
  // The instance's calls are numbered from 1 in the high half's range, as the writer numbers them.
  const callId = number => PROCESS_ID * 2 ** 32 + number;
  db.transaction(() => {
    FUNCTIONS.forEach((fn, index) => {
      const params = fn.params.map(([name, type]) => ({ name, type }));
      const outputs = fn.outputs.map(([name, type]) => ({ name, type }));
      const resultType = fn.returnType.replace(/^Promise<(.*)>$/, '$1');
      insertFunction.run(
        fn.group,
        fn.name,
        `${fn.group}.ts`,
        10 + index * 8,
        fn.kind,
        JSON.stringify(params),
        JSON.stringify(outputs),
        resultType,
        fn.returnType,
        fromUs,
      );
    });
    insertProcess.run(fromUs, Math.round(RING_BYTES * 0.75), nowUs);
    insertDrop.run(2, 'overload', 12_345, nowUs);
    insertDrop.run(4, 'not_sampled', 678, nowUs);
    let number = 0;
    while (number < calls) {
      const root = callId(number + 1);
      const startUs = Math.floor(fromUs + (number / calls) * (nowUs - fromUs));
      const children = Math.min(calls - number - 1, 2 + Math.floor(random() * 4));
      let offsetUs = 5;
      let rootDurationUs = 20;
      const childRows = [];
      for (let c = 0; c < children; c++) {
        const fnIndex = 1 + Math.floor(random() * (FUNCTIONS.length - 1));
        const durationUs = 5 + random() * random() * 2000 * fnIndex;
        childRows.push([fnIndex, startUs + offsetUs, durationUs]);
        offsetUs += durationUs + 3;
        rootDurationUs = offsetUs + 5;
      }
      insertCall.run(
        root,
        1,
        root,
        null,
        0,
        startUs,
        Math.round(rootDurationUs * 1000),
        'OK',
        null,
        null,
        null,
        '[]',
        '[]',
      );
      number++;
      for (const [fnIndex, childStartUs, durationUs] of childRows) {
        const failed = random() < 0.01;
        const fn = FUNCTIONS[fnIndex];
        const inputs = JSON.stringify(fn.params.map(([, type]) => valueOf(type)));
        const outputs = failed ? null : JSON.stringify(fn.outputs.map(([, type]) => valueOf(type)));
        insertCall.run(
          callId(++number),
          fnIndex + 1,
          root,
          root,
          1,
          Math.floor(childStartUs),
          Math.round(durationUs * 1000),
          failed ? 'ERR' : 'OK',
          failed ? 'RangeError' : null,
          failed ? 'quantity must be positive, got -5 for ACME' : null,
          failed
            ? 'RangeError: quantity must be positive\n    at validateOrder (src/pricing.ts:27:29)\n    at main (src/main.ts:16:5)'
            : null,
          inputs,
          outputs,
        );
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
