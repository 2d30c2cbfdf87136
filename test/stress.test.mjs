// A million calls of mixed shapes, compiled through the real transformer: every call is either a row in
// SQLite or counted in `drops`, failures are never dropped, and below saturation nothing is dropped at all.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { compile, scratchDir } from './helpers/compile.mjs';
import { runNode } from './helpers/trace.mjs';

const source = `
import { flush } from 'ts-observatory/runtime';

/** @monitor */
export function add(x: number, y: number): number {
  return x + y;
}

/** @monitor */
export async function double(n: number): Promise<number> {
  return n * 2;
}

export class Counter {
  total = 0;

  /** @monitor */
  bump(by: number): number {
    this.total += by;
    return this.total;
  }
}

/** @monitor */
export function* range(n: number): Generator<number, number> {
  for (let i = 0; i < n; i++) yield i;
  return n;
}

/** @monitor */
export function check(n: number): number {
  if (n % 1000 === 0) throw new RangeError(\`multiple of 1000: \${n}\`);
  return n;
}

const total = Number(process.argv[2]);
const paced = process.argv[3] === 'paced';
const counter = new Counter();
let made = 0;
let failures = 0;

async function main(): Promise<void> {
  while (made < total) {
    for (let i = 0; i < 5000 && made < total; i++, made++) {
      switch (made % 5) {
        case 0: add(made, 1); break;
        case 1: void double(made); break;
        case 2: counter.bump(1); break;
        case 3: for (const _ of range(2)); break;
        default:
          try {
            check(made);
          } catch {
            failures++;
          }
      }
    }
    // Paced: wait until the writer has caught up, which keeps the rate below saturation by construction.
    if (paced) await flush();
    else await new Promise(resolve => setImmediate(resolve));
  }
  console.log(JSON.stringify({ made, failures }));
}

void main();
`;

/** Value rows per call of each function: inputs, outputs, and the generator's `yielded` row. */
const valuesPerCall = { add: 3, double: 2, 'Counter.bump': 2, range: 3, check: 2 };

function stress(total, pacing, env = {}) {
  const dir = scratchDir('stress');
  fs.writeFileSync(path.join(dir, 'stress.ts'), source);
  const { diagnostics } = compile({
    rootDir: dir,
    files: [path.join(dir, 'stress.ts')],
    outDir: dir,
    compilerOptions: { module: 'node16', moduleResolution: 'node16' },
  });
  if (diagnostics) throw new Error(diagnostics);
  const dbPath = path.join(dir, 'traces.db');
  const result = runNode(path.join(dir, 'stress.js'), { dbPath, env, args: [String(total), pacing] });
  if (result.status !== 0) throw new Error(result.stderr);
  const db = new Database(dbPath, { readonly: true });
  const perFunction = db
    .prepare(
      `SELECT f.name,
              (SELECT count(*) FROM calls c WHERE c.function_id = f.id) AS calls,
              (SELECT count(*) FROM calls c WHERE c.function_id = f.id AND c.status = 'ERR') AS errors,
              (SELECT count(*) FROM call_values v JOIN calls c ON c.id = v.call_id WHERE c.function_id = f.id) AS "values",
              (SELECT coalesce(sum(count), 0) FROM drops d WHERE d.function_id = f.id) AS dropped
         FROM functions f ORDER BY f.name`,
    )
    .all();
  const dropReasons = Object.fromEntries(
    db
      .prepare('SELECT reason, sum(count) AS n FROM drops GROUP BY reason')
      .all()
      .map(row => [row.reason, row.n]),
  );
  db.close();
  return { ...JSON.parse(result.stdout), perFunction, dropReasons };
}

function assertAccounted(t, { made, failures, perFunction }) {
  const sum = key => perFunction.reduce((total, row) => total + row[key], 0);
  t.is(sum('calls') + sum('dropped'), made, 'every call is a row or a reported drop');
  t.is(sum('errors'), failures, 'no failure is dropped');
  for (const row of perFunction) {
    const okCalls = row.calls - row.errors;
    const expectedValues = okCalls * valuesPerCall[row.name] + row.errors * 1;
    t.is(row.values, expectedValues, `${row.name}: every written call has all its value rows`);
  }
}

test('1,000,000 calls as fast as the program can make them through a 64 KB ring: rows plus reported drops equal the calls', t => {
  // 5,000 calls between two turns of the event loop are about 500 KB: the ring fills, so the overload path
  // (shedding whole traces and counting them) runs, and the accounting must still add up.
  const outcome = stress(1_000_000, 'flat-out', { OBSERVATORY_BUFFER_MB: '0.0625' });
  t.is(outcome.made, 1_000_000);
  assertAccounted(t, outcome);
  const written = outcome.perFunction.reduce((total, row) => total + row.calls, 0);
  t.true(written > 0, 'calls were written');
  t.deepEqual(Object.keys(outcome.dropReasons), ['overload'], 'the full ring shed traces');
  t.is(outcome.dropReasons.overload, outcome.made - written);
});

test('below saturation nothing is dropped', t => {
  const outcome = stress(200_000, 'paced');
  assertAccounted(t, outcome);
  t.deepEqual(
    outcome.perFunction.map(row => [row.name, row.dropped]),
    Object.keys(valuesPerCall)
      .sort()
      .map(name => [name, 0]),
  );
  t.is(
    outcome.perFunction.reduce((total, row) => total + row.calls, 0),
    200_000,
  );
});
