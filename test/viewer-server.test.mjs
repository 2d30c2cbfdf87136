// `observatory serve`: the dashboard's JSON API over HTTP, against a database recorded from the real examples.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { recordExamples, examplesDir } from './helpers/pipeline.mjs';
import { startDashboard } from './helpers/serve.mjs';
import { NO_DROPS, readCalls } from './helpers/trace.mjs';
import { program, query, run } from './runtime-harness.mjs';

const cli = path.resolve(import.meta.dirname, '..', 'dist', 'viewer', 'cli.js');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'observatory-serve-'));
const dbPath = path.join(scratch, 'traces.db');
let calls;
let server;
let base;
let serverErrors;

test.before(async () => {
  await recordExamples(dbPath, { times: 2 });
  calls = readCalls(dbPath);
  ({ server, url: base, stderr: serverErrors } = await startDashboard(dbPath, examplesDir));
});

test.after.always(() => {
  server?.kill('SIGTERM');
  fs.rmSync(scratch, { recursive: true, force: true });
});

async function get(url) {
  const response = await fetch(base + url);
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
}

async function getJson(url) {
  const response = await get(url);
  return { ...response, json: JSON.parse(response.body) };
}

test('serves the page and its assets from 127.0.0.1 only, by default', async t => {
  t.regex(base, /^http:\/\/127\.0\.0\.1:/);
  // Bound to 127.0.0.1 alone: another address of this machine, even another loopback one, finds nothing there.
  const { port } = new URL(base);
  const net = await import('node:net');
  const refused = await new Promise(resolve => {
    const socket = net.connect({ host: '127.0.0.2', port: Number(port) });
    socket.once('connect', () => (socket.destroy(), resolve('connected')));
    socket.once('error', error => resolve(error.code));
  });
  t.is(refused, 'ECONNREFUSED');
  const page = await get('');
  t.is(page.status, 200);
  t.regex(page.type, /^text\/html/);
  t.true(page.body.includes('<script src="/assets/app.js">'));
  t.is((await get('assets/app.js')).status, 200);
  t.is((await get('assets/style.css')).status, 200);
  t.is((await get('api/nothing')).status, 404);
});

test('pages through all calls newest first, by keyset cursor, without repeating a call', async t => {
  const seen = [];
  let after = '';
  for (let pages = 0; pages < 100; pages++) {
    const { json } = await getJson(`api/calls?limit=3${after ? `&after=${after}` : ''}`);
    t.true(json.calls.length <= 3);
    seen.push(...json.calls);
    if (!json.next) break;
    after = json.next;
  }
  t.is(seen.length, calls.length);
  t.is(new Set(seen.map(call => call.id)).size, calls.length);
  for (let i = 1; i < seen.length; i++) t.true(seen[i - 1].startUs >= seen[i].startUs);
  const first = await getJson('api/calls?limit=3');
  t.deepEqual(first.json.total, { count: calls.length, capped: false });
});

test('filters by function, status, direction and time range', async t => {
  const divmod = (await getJson('api/calls?fn=divmod&direction=OUTPUT')).json.calls;
  t.is(divmod.length, calls.filter(call => call.fn === 'divmod').length);
  t.true(divmod.every(call => call.process.endsWith('.divmod') && call.values.every(v => v.direction === 'OUTPUT')));
  t.deepEqual(
    divmod[0].values.map(v => [v.name, JSON.parse(v.valueJson)]),
    [
      ['quotient', 3],
      ['remainder', 2],
    ],
  );

  const failed = (await getJson('api/calls?status=err')).json.calls;
  t.deepEqual(
    failed.map(call => call.id).sort(),
    calls
      .filter(call => call.status === 'ERR')
      .map(call => call.id)
      .sort(),
  );
  t.is((await getJson('api/calls?since=2099-01-01T00:00:00Z')).json.calls.length, 0);
  t.is((await getJson('api/calls?since=1h&limit=500')).json.calls.length, calls.length);

  const bad = await getJson('api/calls?status=maybe');
  t.is(bad.status, 400);
  t.regex(bad.json.error, /status must be one of OK, ERR/);
  t.is((await getJson('api/calls?fn=nothing')).status, 400);
});

test('call detail has values with declared types, error, parent, children and source lines', async t => {
  const child = calls.find(call => call.fn === 'calculatePrice' && call.parent === 'fetchQuote');
  const { json } = await getJson(`api/calls/${child.id}`);
  t.deepEqual(
    json.call.values.map(v => [v.name, v.direction, v.declaredType, JSON.parse(v.valueJson)]),
    child.values,
  );
  t.is(json.parent.process, 'src/portfolio.fetchQuote');
  t.true(json.source.available);
  const lines = json.source.lines.join('\n');
  t.true(lines.includes('export function calculatePrice('));
  t.true(json.source.lines[json.source.functionLine - json.source.startLine].includes('calculatePrice'));

  const parent = calls.find(call => call.traceId === child.traceId && call.fn === 'fetchQuote');
  const parentDetail = (await getJson(`api/calls/${parent.id}`)).json;
  t.true(parentDetail.children.some(c => c.process === 'src/pricing.calculatePrice'));

  const failed = calls.find(call => call.status === 'ERR');
  const error = (await getJson(`api/calls/${failed.id}`)).json.call;
  t.is(`${error.errorType}: ${error.errorMessage}`, failed.error);
  t.is(error.errorStack, failed.stack);
  t.is((await getJson('api/calls/999999999')).status, 404);
});

test('a trace holds every call of the call tree', async t => {
  const child = calls.find(call => call.fn === 'calculatePrice' && call.parent === 'fetchQuote');
  const { json } = await getJson(`api/traces/${child.traceId}`);
  t.deepEqual(
    json.calls.map(c => c.id).sort(),
    calls
      .filter(c => c.traceId === child.traceId)
      .map(c => c.id)
      .sort(),
  );
});

test('stats and time series cover every call, and say how recording went', async t => {
  const { json } = await getJson('api/stats');
  t.is(
    json.stats.reduce((sum, s) => sum + s.calls, 0),
    calls.length,
  );
  t.deepEqual(json.recording.dropped, NO_DROPS);
  t.true(
    json.stats.every(s => Object.values(s.dropped).every(count => count === 0)),
    'nothing was dropped',
  );
  t.is(json.recording.rings, 2, 'the examples ran twice, each with a ring');
  const instances = query(
    dbPath,
    'SELECT pid, thread_id AS threadId, started_us AS startedUs, buffer_bytes AS bufferBytes, buffer_high_water AS bufferHighWater FROM processes',
  );
  t.is(instances.length, 2);
  const fullest = json.recording.fullestRing;
  t.is(fullest.bufferBytes, 32 * 1024 * 1024, 'the default ring');
  t.true(fullest.bufferHighWater > 0);
  t.is(fullest.bufferHighWater, Math.max(...instances.map(instance => instance.bufferHighWater)));
  t.true(
    instances.some(instance => Object.keys(instance).every(key => instance[key] === fullest[key])),
    'the fullest ring is one of the instances',
  );

  const { buckets, latency } = (await getJson('api/timeseries?buckets=10&fn=divmod')).json;
  t.is(buckets.length, 10);
  t.is(
    buckets.reduce((sum, b) => sum + b.calls, 0),
    calls.length,
  );
  t.is(
    buckets.reduce((sum, b) => sum + b.errors, 0),
    calls.filter(call => call.status === 'ERR').length,
  );
  t.deepEqual(
    latency.map(b => b.startUs),
    buckets.map(b => b.startUs),
    'both series share one time axis',
  );
  t.is(
    latency.reduce((sum, b) => sum + b.calls, 0),
    calls.filter(call => call.fn === 'divmod').length,
  );
  t.true(latency.some(b => b.p50Us !== null && b.p50Us <= b.p95Us && b.p95Us <= b.p99Us));
  t.deepEqual((await getJson('api/timeseries?buckets=10')).json.latency, []);
});

test('CSV export follows the filter', async t => {
  const csv = await get('api/calls.csv?fn=validateOrder');
  t.regex(csv.type, /^text\/csv/);
  const records = csv.body.trimEnd().split('\r\n');
  t.is(records[0], 'Time,Process,Data,Data Type,Declared Type,Data Value,Status,Error,Call');
  const expected = calls
    .filter(call => call.fn === 'validateOrder')
    .reduce((sum, call) => sum + Math.max(1, call.values.length), 0);
  t.is(records.length - 1, expected);
  t.true(records.slice(1).every(record => record.includes(',src/pricing.validateOrder,')));
  // Every call of validateOrder failed: its inputs, each with direction and declared type, and no outputs.
  const inputs = calls
    .filter(call => call.fn === 'validateOrder')
    .flatMap(call => call.values.map(([name, direction, type]) => `${name},${direction},${type}`));
  t.deepEqual(
    records
      .slice(1)
      .map(record => record.split(',').slice(2, 5).join(','))
      .sort(),
    inputs.sort(),
  );
});

test('a malformed escape in the path is a one-line 400, and nothing is logged', async t => {
  const response = await getJson('api/calls/%E0%A4%A');
  t.is(response.status, 400);
  t.is(response.json.error, 'malformed percent-encoding in "%E0%A4%A"');
  t.is(serverErrors(), '');
});

test('requests addressed to anything but a literal loopback address or localhost are refused (DNS rebinding)', async t => {
  const { request } = await import('node:http');
  const { port, hostname } = new URL(base);
  const statusFor = host =>
    new Promise((resolve, reject) => {
      request({ host: hostname, port, path: '/api/info', headers: { host } }, response => {
        response.resume();
        resolve(response.statusCode);
      })
        .on('error', reject)
        .end();
    });
  const refused = [
    'attacker.example',
    `127.0.0.1.attacker.example:${port}`,
    '127.attacker.example',
    `localhost.attacker.example:${port}`,
    '127.1',
  ];
  const allowed = [
    `127.0.0.1:${port}`,
    '127.0.0.1',
    `127.8.9.10:${port}`,
    `localhost:${port}`,
    'LOCALHOST',
    `[::1]:${port}`,
  ];
  for (const host of refused) t.is(await statusFor(host), 421, host);
  for (const host of allowed) t.is(await statusFor(host), 200, host);
});

/** `count(i)` returns i + 1, in emitted form. */
const COUNT = `
const __count = __observatory.register(2, meta('count', { params: ['i'], paramTypes: ['number'] }));
function count(i) {
  const __call = __observatory.enter(__count, [i]);
  try { return __observatory.exit(__call, i + 1); } catch (__error) { throw __observatory.fail(__call, __error); } finally { __observatory.done(__call); }
}
`;

test('CSV export has every matching call, across as many internal pages as it takes', async t => {
  const prog = program(`${COUNT}
for (let i = 0; i < 2500; i++) count(i);
`);
  const result = await run(prog);
  t.is(result.status, 0, result.stderr);
  const dashboard = await startDashboard(prog.dbPath, prog.dir);
  try {
    const csv = await (await fetch(`${dashboard.url}api/calls.csv?fn=count`)).text();
    const records = csv
      .trimEnd()
      .split('\r\n')
      .slice(1)
      .map(record => record.split(','));
    // Newest first, an input and an output row per call: Data, Data Type (direction), Declared Type, Data Value.
    t.is(records.length, 5000);
    t.deepEqual(
      records.filter(record => record[3] === 'OUTPUT').map(record => Number(record[5])),
      Array.from({ length: 2500 }, (_, i) => 2500 - i),
    );
    t.deepEqual(
      records.filter(record => record[3] === 'INPUT').map(record => [record[2], record[4], Number(record[5])]),
      Array.from({ length: 2500 }, (_, i) => ['i', 'number', 2499 - i]),
    );
  } finally {
    dashboard.server.kill('SIGTERM');
  }
});

test('the dashboard is read-only: every method that could write is refused with 405', async t => {
  for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
    const response = await fetch(`${base}api/calls`, { method, body: method === 'DELETE' ? undefined : '{}' });
    t.is(response.status, 405, method);
    t.is(await response.text(), 'Method not allowed\n');
  }
  t.is((await fetch(`${base}api/stats`, { method: 'HEAD' })).status, 200);
  t.is(serverErrors(), '');
});

test('statistics are recomputed once the database changes: new calls, and calls pruned', async t => {
  const prog = program(`${COUNT}
for (let i = 0; i < 10; i++) count(i);
`);
  t.is((await run(prog)).status, 0);
  const dashboard = await startDashboard(prog.dbPath, prog.dir);
  t.teardown(() => dashboard.server.kill('SIGTERM'));
  const counted = async () => {
    const { stats } = await (await fetch(`${dashboard.url}api/stats`)).json();
    return stats.reduce((sum, row) => sum + row.calls, 0);
  };
  t.is(await counted(), 10);
  t.is(await counted(), 10, 'asked again, from the cache');
  t.is((await run(prog)).status, 0);
  t.is(await counted(), 20, 'a writer committed: the cached answer is dropped');
  const prune = spawnSync(process.execPath, [cli, 'prune', '--older-than', '0s', '--db', prog.dbPath], {
    encoding: 'utf8',
  });
  t.is(prune.status, 0, prune.stderr);
  t.is(await counted(), 0, 'prune deleted every call');
});
