// `observatory serve`: the dashboard's JSON API over HTTP, against a database recorded from the real examples.
import test from 'ava';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { recordExamples, examplesDir } from './helpers/pipeline.mjs';
import { startDashboard } from './helpers/serve.mjs';
import { readCalls } from './helpers/trace.mjs';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'observatory-serve-'));
const dbPath = path.join(scratch, 'traces.db');
let calls;
let server;
let base;

test.before(async () => {
  await recordExamples(dbPath, { times: 2 });
  calls = readCalls(dbPath);
  ({ server, url: base } = await startDashboard(dbPath, examplesDir));
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

test('serves the page and its assets from 127.0.0.1 only', async t => {
  t.regex(base, /^http:\/\/127\.0\.0\.1:/);
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
  t.deepEqual(divmod[0].values.map(v => [v.name, JSON.parse(v.valueJson)]), [['quotient', 3], ['remainder', 2]]);

  const failed = (await getJson('api/calls?status=err')).json.calls;
  t.deepEqual(failed.map(call => call.id).sort(), calls.filter(call => call.status === 'ERR').map(call => call.id).sort());
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
  t.deepEqual(json.calls.map(c => c.id).sort(), calls.filter(c => c.traceId === child.traceId).map(c => c.id).sort());
});

test('stats and time series cover every call', async t => {
  const { json } = await getJson('api/stats');
  t.is(json.stats.reduce((sum, s) => sum + s.calls, 0), calls.length);
  const series = (await getJson('api/timeseries?buckets=10')).json.buckets;
  t.is(series.length, 10);
  t.is(series.reduce((sum, b) => sum + b.calls, 0), calls.length);
  t.is(series.reduce((sum, b) => sum + b.errors, 0), calls.filter(call => call.status === 'ERR').length);
  const latency = (await getJson('api/timeseries?buckets=10&fn=divmod')).json.buckets;
  t.true(latency.some(b => b.p50Us !== null && b.p50Us <= b.p95Us && b.p95Us <= b.p99Us));
});

test('CSV export follows the filter', async t => {
  const csv = await get('api/calls.csv?fn=validateOrder');
  t.regex(csv.type, /^text\/csv/);
  const records = csv.body.trimEnd().split('\r\n');
  t.is(records[0], 'Time,Process,Data,Data Type,Data Value,Direction,Status,Error,Call');
  const expected = calls.filter(call => call.fn === 'validateOrder').reduce((sum, call) => sum + Math.max(1, call.values.length), 0);
  t.is(records.length - 1, expected);
  t.true(records.slice(1).every(record => record.includes(',src/pricing.validateOrder,')));
});

test('requests addressed to another host name are refused (DNS rebinding)', async t => {
  const { request } = await import('node:http');
  const status = await new Promise((resolve, reject) => {
    const url = new URL(base);
    request({ host: url.hostname, port: url.port, path: '/api/stats', headers: { host: 'attacker.example' } }, response => {
      response.resume();
      resolve(response.statusCode);
    }).on('error', reject).end();
  });
  t.is(status, 421);
});
