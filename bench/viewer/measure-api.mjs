// Measures the dashboard's API against a trace database (made by synthetic-db.mjs for the 1M-call figures),
// through the real server over HTTP:
//
//   npm run build && node bench/viewer/measure-api.mjs <file.db> [repeats=5]
//
// Times every endpoint, then every page: all the requests a page makes when it loads, one after another as the
// page makes them. Each is timed twice: first on a freshly started server, whose answers cache is empty as it
// is after new data arrived (SQLite's and the system's file caches are warm either way), then again at once,
// as an auto-refresh over a file nobody is writing. Prints the median of `repeats` runs, each on its own server.
// This is a measurement, not a test: it asserts nothing.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import Database from 'better-sqlite3';

const [file, repeatsText = '5'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/viewer/measure-api.mjs <file.db> [repeats]');
  process.exit(2);
}
const repeats = Number(repeatsText);
const cli = path.resolve(import.meta.dirname, '..', '..', 'dist', 'viewer', 'cli.js');

const db = new Database(file, { readonly: true });
const { calls } = db.prepare('SELECT count(*) AS calls FROM calls').get();
// The trace by its hex id, as the dashboard links it (the spans view prints it from calls.trace).
const middle = db.prepare('SELECT id, trace_id FROM spans ORDER BY id LIMIT 1 OFFSET ?').get(Math.floor(calls / 2));
const errorCall = db.prepare("SELECT id FROM calls WHERE status = 'ERR' LIMIT 1").get();
const busiest = db
  .prepare(
    `SELECT f.group_name || '.' || f.name AS process FROM calls c JOIN functions f ON f.id = c.function_id
    GROUP BY c.function_id ORDER BY count(*) DESC LIMIT 1`,
  )
  .get().process;
// A cursor deep in the table, as after paging far back: the first call older than two hours.
const deep = db
  .prepare('SELECT start_us, id FROM calls WHERE start_us < ? ORDER BY start_us DESC, id DESC LIMIT 1')
  .get(Date.now() * 1000 - 7_200_000_000);
db.close();
const fn = encodeURIComponent(busiest);

const endpoints = [
  ['calls, first page', 'api/calls?limit=50'],
  ['calls, page deep in history (keyset)', `api/calls?limit=50&after=${deep.start_us}.${deep.id}`],
  ['calls, one function', `api/calls?limit=50&fn=${fn}`],
  ['calls, status=ERR', 'api/calls?limit=50&status=ERR'],
  ['calls, one function + ERR', `api/calls?limit=50&status=ERR&fn=${fn}`],
  ['calls, direction=OUTPUT', 'api/calls?limit=50&direction=OUTPUT'],
  ['calls, last 15 minutes', 'api/calls?limit=50&since=15m'],
  ['call detail', `api/calls/${middle.id}`],
  ['call detail (failed call)', `api/calls/${errorCall.id}`],
  ['trace', `api/traces/${middle.trace_id}`],
  ['functions', 'api/functions'],
  ['stats, all time', 'api/stats'],
  ['stats, last hour', 'api/stats?since=1h'],
  ['timeseries, all functions', 'api/timeseries?buckets=48'],
  ['timeseries, all + one function', `api/timeseries?buckets=48&fn=${fn}`],
  ['timeseries, all + one function, last hour', `api/timeseries?since=1h&buckets=48&fn=${fn}`],
  ['CSV export, one function, last 15 minutes', `api/calls.csv?since=15m&fn=${fn}`],
  // Search by value: a SKU in about 600 calls, and one in none, the worst case (every row's JSON is read).
  ['search: value in ~600 calls', 'api/calls?limit=50&value=SKU-1054'],
  ['search: value in no call', 'api/calls?limit=50&value=SKU-99999'],
  ['search: where symbol=, ~300 calls', `api/calls?limit=50&where=${encodeURIComponent('symbol=SKU-1054')}`],
  ['search: where symbol=, no call', `api/calls?limit=50&where=${encodeURIComponent('symbol=SKU-99999')}`],
  ['search: where symbol~ (contains)', `api/calls?limit=50&where=${encodeURIComponent('symbol~1054')}`],
  [
    'search: one function + where',
    `api/calls?limit=50&fn=${encodeURIComponent('src/portfolio.fetchQuote')}&where=${encodeURIComponent('symbol=SKU-1054')}`,
  ],
  ['search: value, last hour', 'api/calls?limit=50&since=1h&value=SKU-1054'],
  ['filter: min duration 5ms', 'api/calls?limit=50&minDuration=5ms'],
  ['filter: slowest first', 'api/calls?limit=50&sort=duration'],
  ['filter: one function, slowest first', `api/calls?limit=50&fn=${fn}&sort=duration`],
  [
    'filter: one function, min 5ms, slowest first',
    `api/calls?limit=50&fn=${encodeURIComponent('src/portfolio.fetchQuote')}&minDuration=5ms&sort=duration`,
  ],
];

// The requests of dashboard.ts's views, in the order they make them; the page also asks for `info` once.
const pages = [
  ['Calls', ['api/info', 'api/functions', 'api/calls?limit=50']],
  ['Calls, one function', [`api/calls?limit=50&fn=${fn}`]],
  ['Calls, failed only', ['api/calls?limit=50&status=ERR']],
  ['Calls, last 15 minutes', ['api/calls?limit=50&since=15m']],
  ['Calls, search by value', ['api/calls?limit=50&value=SKU-1054']],
  ['Calls, slowest first', ['api/calls?limit=50&sort=duration']],
  ['Call', [`api/calls/${middle.id}`]],
  ['Trace', [`api/traces/${middle.trace_id}`]],
  ['Functions, all time', ['api/stats', `api/timeseries?buckets=48&fn=${fn}`]],
  ['Functions, last 24 hours', ['api/stats?since=24h', `api/timeseries?since=24h&buckets=48&fn=${fn}`]],
  ['Functions, last 6 hours', ['api/stats?since=6h', `api/timeseries?since=6h&buckets=48&fn=${fn}`]],
  ['Functions, last hour', ['api/stats?since=1h', `api/timeseries?since=1h&buckets=48&fn=${fn}`]],
];

async function startServer() {
  const server = spawn(process.execPath, [cli, 'serve', '--db', file, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const base = await new Promise((resolve, reject) => {
    server.stdout.on('data', chunk => {
      const match = /http:\/\/[^/]+\//.exec(String(chunk));
      if (match) resolve(match[0]);
    });
    server.once('exit', code => reject(new Error(`server exited with ${code}`)));
  });
  return { base, stop: () => new Promise(resolve => server.once('exit', resolve).kill('SIGTERM')) };
}

/** Wall time of the requests, one after another, in milliseconds. */
async function time(base, urls) {
  const started = process.hrtime.bigint();
  for (const url of urls) {
    const response = await fetch(base + url);
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  }
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** For each [name, urls], the first-load and repeat times of every run. */
async function measure(items) {
  const times = new Map(items.map(([name]) => [name, { first: [], again: [] }]));
  for (let run = 0; run < repeats; run++) {
    const { base, stop } = await startServer();
    for (const [name, urls] of items) {
      times.get(name).first.push(await time(base, urls));
      times.get(name).again.push(await time(base, urls));
    }
    await stop();
  }
  return times;
}

const median = list => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)].toFixed(1);

function print(title, times, extra = () => '') {
  console.log(`| ${title} | first ms | again ms |${extra.header ?? ''}\n|---|---:|---:|${extra.rule ?? ''}`);
  for (const [name, { first, again }] of times)
    console.log(`| ${name} | ${median(first)} | ${median(again)} |${extra(name)}`);
  console.log('');
}

console.log(`${calls} calls in ${file}; medians of ${repeats} runs, each on a fresh server\n`);
print('endpoint', await measure(endpoints.map(([name, url]) => [name, [url]])));
const requests = Object.assign(name => ` ${pages.find(([page]) => page === name)[1].length} |`, {
  header: ' requests |',
  rule: '---:|',
});
print('page', await measure(pages), requests);
