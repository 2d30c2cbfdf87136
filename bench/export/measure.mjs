// What exporting a call to OpenTelemetry costs the writer thread, next to what committing it to SQLite costs,
// measured side by side in one run: `node bench/export/measure.mjs [batches]` after `npm run build`.
//
// This thread plays the writer thread: it commits batches of 1,024 typical calls (two number inputs, a string
// input, one object output) with TraceWriter, and hands the same batches to SpanExport, which builds the spans,
// encodes them (http/protobuf, then http/json) and sends them gzipped to a collector stand-in in a child
// process that answers 200. The figure is this thread's own CPU time (bench/e2e/thread-cpu.mjs) per call, from
// the first batch until every request is answered, so it covers span building, encoding, compression
// (zlib runs on libuv's pool: not counted) and the HTTP exchange.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { mainThreadCpuNs } from '../e2e/thread-cpu.mjs';

const require = createRequire(import.meta.url);
const store = path.resolve(import.meta.dirname, '..', '..', 'dist', 'runtime', 'store');
const { TraceWriter } = require(path.join(store, 'writer.js'));
const { SpanExport } = require(path.join(store, 'span-export.js'));

const BATCHES = Number(process.argv[2] ?? 50);
const BATCH = 1024;

const meta = {
  name: 'quote',
  group: 'pricing',
  file: 'src/pricing.ts',
  line: 12,
  column: 17,
  kind: 'function',
  async: false,
  generator: false,
  params: ['quantity', 'unitPrice', 'currency'],
  paramTypes: ['number', 'number', 'string'],
  rest: false,
  outputShape: 'single',
  outputs: ['result'],
  outputTypes: ['Quote'],
  returnType: 'Quote',
  sample: 1,
  capture: 'all',
  redact: [],
  snapshot: false,
};
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'observatory-export-bench-'));
const info = {
  token: 'c0ffee'.repeat(5) + 'ab',
  pid: process.pid,
  threadId: 0,
  timeOrigin: performance.timeOrigin,
  argv: [],
  retentionHours: 0,
  redact: [],
  maxValueSize: 16384,
  flushIntervalMs: 50,
};

function batch(from) {
  return Array.from({ length: BATCH }, (_, i) => {
    const n = from + i + 1;
    return {
      fn: 0,
      id: n,
      parent: i % 4 === 0 ? 0 : n - 1,
      root: n - (i % 4),
      depth: i % 4,
      start: n,
      end: n + 0.02,
      inputs: [i % 10, 19.99, 'EUR'],
      outputs: [{ total: (i % 10) * 19.99, currency: 'EUR', lines: [1, 2] }],
      outputFallback: false,
      yielded: -1,
      error: null,
      link: null,
    };
  });
}

const collector = spawn(
  process.execPath,
  [
    '-e',
    `
  const server = require('node:http').createServer((req, res) => { req.resume(); req.on('end', () => { const type = req.headers['content-type']; res.writeHead(200, { 'content-type': type }); res.end(type === 'application/json' ? '{}' : ''); }); });
  server.listen(0, '127.0.0.1', () => console.log(server.address().port));`,
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const port = await new Promise(resolve => collector.stdout.once('data', chunk => resolve(Number(String(chunk)))));

let runs = 0;

function sqlite() {
  const writer = new TraceWriter(path.join(dir, `traces-${++runs}.db`), info, 1 << 25);
  const started = mainThreadCpuNs();
  for (let b = 0; b < BATCHES; b++) {
    writer.begin();
    writer.write({ calls: batch(b * BATCH), drops: [], highWater: 0 }, () => meta);
    writer.commit();
  }
  const ns = mainThreadCpuNs() - started;
  writer.close();
  return ns / (BATCHES * BATCH);
}

async function otlp(protocol) {
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${port}`;
  let answered = 0;
  let failed = 0;
  let onAnswer = () => {};
  const exporter = new SpanExport({ protocol }, info, (functions, failure) => {
    answered++;
    if (failure) failed += functions.length;
    onAnswer();
  });
  const answers = count =>
    new Promise(resolve => {
      onAnswer = () => answered >= count && resolve();
      onAnswer();
    });
  const ids = { idOf: n => 2 ** 32 + n };
  const started = mainThreadCpuNs();
  for (let b = 0; b < BATCHES; b++) {
    exporter.export(batch(b * BATCH), ids, () => meta);
    // The exporter keeps at most 8 requests open (span-export.ts); past that it would count a batch as
    // failed, which is not what is measured here.
    await answers(b + 1 - 4);
  }
  await answers(BATCHES);
  const ns = mainThreadCpuNs() - started;
  if (failed > 0) throw new Error(`${failed} spans were not delivered`);
  return ns / (BATCHES * BATCH);
}

sqlite(); // warm-up
await otlp('http/protobuf');
const rows = [
  ['SQLite commit (TraceWriter)', sqlite()],
  ['OTLP http/protobuf (SpanExport)', await otlp('http/protobuf')],
  ['OTLP http/json (SpanExport)', await otlp('http/json')],
];
collector.kill();
fs.rmSync(dir, { recursive: true, force: true });
console.log(
  `Writer-thread CPU per call, ${BATCHES} batches of ${BATCH} calls, Node ${process.version}, load ${os.loadavg()[0].toFixed(2)}`,
);
for (const [name, ns] of rows) console.log(`${name.padEnd(34)} ${(ns / 1000).toFixed(2)} µs`);
