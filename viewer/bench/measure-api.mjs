// Measures every dashboard API endpoint against a trace database (made by synthetic-db.mjs for the 1M-call
// figure), through the real server over HTTP:
//
//   npm run build && node viewer/bench/measure-api.mjs <file.db> [repeats=5]
//
// Prints the median and worst wall time per request. This is a measurement, not a test: it asserts nothing.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import Database from 'better-sqlite3';

const [file, repeatsText = '5'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node viewer/bench/measure-api.mjs <file.db> [repeats]');
  process.exit(2);
}
const repeats = Number(repeatsText);
const cli = path.resolve(import.meta.dirname, '..', '..', 'dist', 'viewer', 'cli.js');

const db = new Database(file, { readonly: true });
const { calls } = db.prepare('SELECT count(*) AS calls FROM calls').get();
const middle = db.prepare('SELECT id, trace_id FROM calls ORDER BY id LIMIT 1 OFFSET ?').get(Math.floor(calls / 2));
const errorCall = db.prepare("SELECT id FROM calls WHERE status = 'ERR' LIMIT 1").get();
const busiest = db.prepare(
  `SELECT f.group_name || '.' || f.name AS process FROM calls c JOIN functions f ON f.id = c.function_id
    GROUP BY c.function_id ORDER BY count(*) DESC LIMIT 1`,
).get().process;
db.close();

const server = spawn(process.execPath, [cli, 'serve', '--db', file, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const base = await new Promise((resolve, reject) => {
  server.stdout.on('data', chunk => {
    const match = /http:\/\/[^/]+\//.exec(String(chunk));
    if (match) resolve(match[0]);
  });
  server.once('exit', code => reject(new Error(`server exited with ${code}`)));
});

async function time(url) {
  const started = process.hrtime.bigint();
  const response = await fetch(base + url);
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

// A cursor deep in the table, as after paging far back.
const deep = await (await fetch(`${base}api/calls?limit=1&since=2h`)).json();
const endpoints = [
  ['calls, first page', 'api/calls?limit=50'],
  ['calls, page deep in history (keyset)', `api/calls?limit=50&after=${encodeURIComponent(deep.next)}`],
  ['calls, one function', `api/calls?limit=50&fn=${encodeURIComponent(busiest)}`],
  ['calls, status=ERR', 'api/calls?limit=50&status=ERR'],
  ['calls, one function + ERR', `api/calls?limit=50&status=ERR&fn=${encodeURIComponent(busiest)}`],
  ['calls, direction=OUTPUT', 'api/calls?limit=50&direction=OUTPUT'],
  ['calls, last 15 minutes', 'api/calls?limit=50&since=15m'],
  ['call detail', `api/calls/${middle.id}`],
  ['call detail (failed call)', `api/calls/${errorCall.id}`],
  ['trace', `api/traces/${middle.trace_id}`],
  ['functions', 'api/functions'],
  ['stats, all time', 'api/stats'],
  ['stats, last hour', 'api/stats?since=1h'],
  ['timeseries, all functions', 'api/timeseries?buckets=48'],
  ['timeseries, one function', `api/timeseries?buckets=48&fn=${encodeURIComponent(busiest)}`],
  ['timeseries, one function, last hour', `api/timeseries?buckets=48&since=1h&fn=${encodeURIComponent(busiest)}`],
  ['CSV export, one function, last 15 minutes', `api/calls.csv?since=15m&fn=${encodeURIComponent(busiest)}`],
];

console.log(`${calls} calls in ${file}; ${repeats} requests per endpoint after one warm-up\n`);
console.log('| endpoint | median ms | max ms |\n|---|---:|---:|');
for (const [name, url] of endpoints) {
  await time(url);
  const times = [];
  for (let i = 0; i < repeats; i++) times.push(await time(url));
  times.sort((a, b) => a - b);
  console.log(`| ${name} | ${times[Math.floor(times.length / 2)].toFixed(1)} | ${times[times.length - 1].toFixed(1)} |`);
}
server.kill('SIGTERM');
