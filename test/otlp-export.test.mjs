// OpenTelemetry export: a real program, compiled through the plugin, sends its calls to a loopback OTLP/HTTP
// receiver that decodes them with OpenTelemetry's message definitions; the spans must match the SQLite rows.
import test from 'ava';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compile, repoRoot, scratchDir } from './helpers/compile.mjs';
import { startReceiver } from './helpers/otlp-receiver.mjs';
import { readCalls } from './helpers/trace.mjs';
import { query } from './runtime-harness.mjs';

const SOURCE = `
/** @monitor */
function add(a: number, b: number): number {
  return a + b;
}

/** @monitor */
function login(user: string, password: string): boolean {
  return add(user.length, password.length) > 3;
}

/** @monitor */
function sum(label: string, ...numbers: number[]): number {
  return numbers.reduce((total, n) => add(total, n), 0);
}

/** @monitor */
function reject(reason: string): never {
  throw new RangeError(reason);
}

/** @monitor */
function main(): void {
  login('ada', 'hunter2');
  sum('three', 1, 2, 3);
  try {
    reject('bad input');
  } catch {}
}

main();
if (process.env.SECOND_BATCH) {
  // Waits for the test's word on stdin, so that the second batch is made while the collector holds the first.
  console.log('first batch made');
  process.stdin.once('data', () => {
    main();
    console.log('second batch made');
    process.stdin.destroy();
  });
}
`;

/** Calls main() makes: main, login, add, sum, add x3, reject. */
const CALLS_PER_MAIN = { 'prog.main': 1, 'prog.login': 1, 'prog.add': 4, 'prog.sum': 1, 'prog.reject': 1 };

function compileProgram() {
  const dir = scratchDir('otlp');
  fs.writeFileSync(path.join(dir, 'prog.ts'), SOURCE);
  const { diagnostics } = compile({ rootDir: dir, files: [path.join(dir, 'prog.ts')], outDir: dir });
  if (diagnostics) throw new Error(diagnostics);
  return { file: path.join(dir, 'prog.js'), dbPath: path.join(dir, 'traces.db') };
}

/** Runs the program with `env`; `onLine(line, child)` sees each line it prints. Resolves when it exits. */
function runProgram({ file, dbPath }, env, onLine = () => {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], {
      cwd: path.dirname(file),
      env: { ...process.env, OBSERVATORY_DB: dbPath, OBSERVATORY_EXIT_TIMEOUT_MS: '60000', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', chunk => {
      stdout += chunk;
      for (const line of chunk.split('\n').filter(Boolean)) onLine(line, child);
    });
    child.stderr.setEncoding('utf8').on('data', chunk => (stderr += chunk));
    child.on('error', reject);
    child.on('close', status => resolve({ status, stdout, stderr }));
  });
}

/** The spans must be the SQLite rows: ids, parents, names, code attributes, values, errors. */
function assertSpansMatchRows(t, spans, dbPath) {
  const calls = query(
    dbPath,
    `SELECT s.*, f.group_name AS \`group\`, f.name AS fn, f.line FROM spans s JOIN functions f ON f.id = s.function_id`,
  ).map(call => ({
    ...call,
    values: query(dbPath, 'SELECT name, direction, value_json FROM call_values WHERE call_id = ?', call.id).map(row => [row.name, row.direction, row.value_json]),
  }));
  t.is(spans.length, calls.length);
  const bySpanId = new Map(spans.map(span => [span.spanId, span]));
  for (const call of calls) {
    const span = bySpanId.get(call.span_id);
    t.truthy(span, `no span ${call.span_id} for ${call.fn}`);
    t.is(span.traceId, call.trace_id);
    t.is(span.parentSpanId, call.parent_span_id ?? undefined);
    t.is(span.name, `${call.group}.${call.fn}`);
    t.like(span.attributes, { 'code.function.name': `${call.group}.${call.fn}`, 'code.file.path': 'prog.ts', 'code.line.number': call.line });
    t.is(typeof span.attributes['code.column.number'], 'number');
    const values = Object.fromEntries(
      call.values.map(([name, direction, json]) => [`observatory.${direction.toLowerCase()}.${name}`, json]),
    );
    const spanValues = Object.fromEntries(Object.entries(span.attributes).filter(([key]) => key.startsWith('observatory.')));
    t.deepEqual(spanValues, values, call.fn);
    if (call.status === 'ERR') {
      t.is(span.status.code, 2);
      t.is(span.status.message, call.error_message);
      t.deepEqual(span.events.map(event => event.name), ['exception']);
      t.deepEqual(span.events[0].attributes, {
        'exception.type': call.error_type,
        'exception.message': call.error_message,
        'exception.stacktrace': call.error_stack,
      });
    } else {
      t.is(span.status.code ?? 0, 0);
      t.deepEqual(span.events, []);
    }
  }
}

function dropsByFunction(dbPath, reason) {
  const rows = query(dbPath, `SELECT f.group_name || '.' || f.name AS process, d.count FROM drops d JOIN functions f ON f.id = d.function_id WHERE d.reason = ?`, reason);
  return Object.fromEntries(rows.map(row => [row.process, row.count]));
}

function times(counts, factor) {
  return Object.fromEntries(Object.entries(counts).map(([name, count]) => [name, count * factor]));
}

test('http/protobuf: one span per call, with the SQLite ids, parents, values, redaction, errors and resource', async t => {
  const receiver = await startReceiver();
  t.teardown(() => receiver.close());
  const prog = compileProgram();
  const result = await runProgram(prog, {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_HEADERS: 'x-team-key=abc123',
    OTEL_SERVICE_NAME: 'checkout',
    OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=test,team=payments',
  });
  t.is(result.status, 0, result.stderr);
  t.true(receiver.requests.every(request => request.contentType === 'application/x-protobuf' && request.contentEncoding === 'gzip'));
  t.is(receiver.requests[0].headers['x-team-key'], 'abc123');
  const spans = receiver.spans();
  assertSpansMatchRows(t, spans, prog.dbPath);
  t.like(spans[0].resource, { 'service.name': 'checkout', 'deployment.environment': 'test', team: 'payments' });
  t.is(spans[0].scope, 'ts-observatory');
  const login = spans.find(span => span.name === 'prog.login');
  t.deepEqual(login.attributes['observatory.input.password'], '{"$type":"redacted"}');
  const sum = spans.find(span => span.name === 'prog.sum');
  t.is(sum.attributes['observatory.input.numbers[2]'], '3');
  t.deepEqual(query(prog.dbPath, 'SELECT * FROM drops'), []);
});

test('http/json to a traces-specific endpoint: the same spans, as OTLP/JSON', async t => {
  const receiver = await startReceiver();
  t.teardown(() => receiver.close());
  const prog = compileProgram();
  const result = await runProgram(prog, {
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9/unused',
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/custom/traces`,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
  });
  t.is(result.status, 0, result.stderr);
  t.true(receiver.requests.every(request => request.contentType === 'application/json'));
  assertSpansMatchRows(t, receiver.spans(), prog.dbPath);
});

test('OBSERVATORY_DB=off: no file, and the spans still go out whole', async t => {
  const receiver = await startReceiver();
  t.teardown(() => receiver.close());
  const prog = compileProgram();
  const result = await runProgram(prog, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OBSERVATORY_DB: 'off' });
  t.is(result.status, 0, result.stderr);
  t.false(fs.existsSync(prog.dbPath));
  const spans = receiver.spans();
  t.deepEqual(countBy(spans, span => span.name), CALLS_PER_MAIN);
  const ids = new Set(spans.map(span => span.spanId));
  t.is(ids.size, spans.length);
  t.true(spans.every(span => span.parentSpanId === undefined || ids.has(span.parentSpanId)));
  t.is(new Set(spans.map(span => span.traceId)).size, 1);
});

test('retries on 429, 502, 503 and 504 (honouring Retry-After) deliver every span once', async t => {
  const statuses = [429, 502, 503, 504];
  const receiver = await startReceiver((request, attempt) =>
    attempt <= statuses.length ? { status: statuses[attempt - 1], headers: attempt === 1 ? { 'retry-after': '1' } : {} } : { status: 200 },
  );
  t.teardown(() => receiver.close());
  const prog = compileProgram();
  const result = await runProgram(prog, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_TIMEOUT: '60000' });
  t.is(result.status, 0, result.stderr);
  t.deepEqual(receiver.requests.map(request => request.status), [...statuses, 200]);
  assertSpansMatchRows(t, receiver.spans(), prog.dbPath);
  t.deepEqual(dropsByFunction(prog.dbPath, 'export_failed'), {});
});

test('a collector that is down: the program and SQLite go on, every span is counted as export_failed, and stats shows it', async t => {
  const receiver = await startReceiver();
  const url = receiver.url;
  await receiver.close();
  const prog = compileProgram();
  const result = await runProgram(prog, { OTEL_EXPORTER_OTLP_ENDPOINT: url });
  t.is(result.status, 0, result.stderr);
  t.regex(result.stderr, /OBSERVATORY_EXPORT/);
  t.is(readCalls(prog.dbPath).length, 8);
  t.deepEqual(dropsByFunction(prog.dbPath, 'export_failed'), CALLS_PER_MAIN);
  const stats = execFileSync(process.execPath, [path.join(repoRoot, 'dist', 'viewer', 'cli.js'), 'stats', '--db', prog.dbPath], { encoding: 'utf8' });
  t.regex(stats, /Not exported/);
  t.regex(stats, /prog\.add .* 4\n/);
  t.regex(stats, /8 recorded calls were not delivered to the OpenTelemetry collector \(export_failed\)/);
  t.notRegex(stats, /not recorded/);
});

test('a collector that answers long after the export timeout: the program is not held up, SQLite keeps writing, the loss is counted', async t => {
  const receiver = await startReceiver(() => 'hold');
  t.teardown(() => receiver.close());
  const prog = compileProgram();
  let heldWhenDone = null;
  const result = await runProgram(
    prog,
    { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '3000', SECOND_BATCH: '1' },
    (line, child) => {
      if (line === 'first batch made') {
        // The second batch is made only once the collector holds the first one's request unanswered.
        receiver.waitFor(requests => requests.length >= 1).then(() => child.stdin.write('go\n'));
      } else if (line === 'second batch made') {
        heldWhenDone = receiver.requests.filter(request => request.status === null).length;
      }
    },
  );
  t.is(result.status, 0, result.stderr);
  // Both batches were made while the collector held a request, and SQLite has every call though the
  // collector never answered one.
  t.true(heldWhenDone >= 1);
  t.true(receiver.requests.every(request => request.status === null));
  t.is(readCalls(prog.dbPath).length, 16);
  t.deepEqual(dropsByFunction(prog.dbPath, 'export_failed'), times(CALLS_PER_MAIN, 2));
});

function countBy(items, key) {
  const counts = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}
