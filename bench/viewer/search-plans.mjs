// How a search by value reads the calls table: the same search, side by side in one run, read in time order
// function by function through calls_by_function_time (time-order.ts, newestCallIds), in table order with the
// matches sorted afterwards (`+c.start_us`), and as queries.ts does it (the newest 20,000 calls in time order,
// then table order when they do not fill the page, ids only), on the database synthetic-db.mjs writes.
//
//   node bench/viewer/search-plans.mjs <file.db> [repeats=5]
//
// This is a measurement, not a test: it asserts nothing.
import { createRequire } from 'node:module';
import Database from 'better-sqlite3';

const require = createRequire(import.meta.url);
const { TraceQueries } = require('../../dist/viewer/queries.js');
const { newestCallIds } = require('../../dist/viewer/time-order.js');

const [file, repeatsText = '5'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/viewer/search-plans.mjs <file.db> [repeats]');
  process.exit(2);
}
const db = new Database(file, { readonly: true });
const match = "(c.inputs LIKE ? ESCAPE '\\' OR c.outputs LIKE ? ESCAPE '\\')";
const sql = statement => text => db.prepare(statement).all(`%${text}%`, `%${text}%`);
const queries = new TraceQueries(db);
const plans = [
  [
    'time order, function by function',
    text => newestCallIds(db, { sql: [match], params: [`%${text}%`, `%${text}%`] }, 51),
  ],
  [
    'table order, then sorted',
    sql(`SELECT c.id FROM calls c WHERE ${match} ORDER BY +c.start_us DESC, c.id DESC LIMIT 51`),
  ],
  ['queries.ts: window, then table', text => queries.callPage({ value: text }, 50)],
];
const searches = [
  ['value in ~600 calls', 'SKU-1054'],
  ['value in no call', 'SKU-99999'],
  ['value in every call', 'SKU-'],
];

const median = list => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)].toFixed(1);
console.log(
  `| search | ${plans.map(([name]) => name).join(' ms | ')} ms |\n|---|${plans.map(() => '---:').join('|')}|`,
);
for (const [name, text] of searches) {
  const times = plans.map(() => []);
  for (let run = 0; run < Number(repeatsText); run++) {
    plans.forEach(([, search], index) => {
      const started = process.hrtime.bigint();
      search(text);
      times[index].push(Number(process.hrtime.bigint() - started) / 1e6);
    });
  }
  console.log(`| ${name} | ${times.map(median).join(' | ')} |`);
}
db.close();
