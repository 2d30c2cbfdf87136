// The `observatory` command line against a database recorded by running the real instrumented examples.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { recordExamples, squeezedCopy } from './helpers/pipeline.mjs';
import { NO_DROPS, readCalls } from './helpers/trace.mjs';
import { program, run } from './runtime-harness.mjs';

const cli = path.resolve(import.meta.dirname, '..', 'dist', 'viewer', 'cli.js');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'observatory-cli-'));
const dbPath = path.join(scratch, 'traces.db');
let calls;

test.before(async () => {
  // Two runs, so every function has more than one call and the percentiles have something to rank.
  await recordExamples(dbPath, { times: 2 });
  calls = readCalls(dbPath);
});

test.after.always(() => fs.rmSync(scratch, { recursive: true, force: true }));

function observatory(args, { cwd = scratch, env = {} } = {}) {
  const result = spawnSync(process.execPath, [cli, ...args], {
    cwd,
    env: { ...process.env, OBSERVATORY_DB: '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function json(args, db = dbPath) {
  const result = observatory([...args, '--json', '--db', db]);
  if (result.status !== 0) throw new Error(`observatory ${args.join(' ')} failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

/** A copy of the recorded database, for the commands that change it. */
function copyDatabase(name) {
  const copy = path.join(scratch, `${name}.db`);
  const source = new Database(dbPath, { readonly: true });
  return source.backup(copy).then(() => {
    source.close();
    return copy;
  });
}

function count(file, table) {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(`SELECT count(*) AS n FROM ${table}`).get().n;
  } finally {
    db.close();
  }
}

/** Distinct values in a stable order, for comparing collections whose order is not the point. */
const unique = values => [...new Set(values)].sort();

const newestFirst = list => [...list].sort((a, b) => b.startUs - a.startUs || b.id - a.id);

function callStarts(file) {
  const db = new Database(file, { readonly: true });
  try {
    return new Map(
      db
        .prepare('SELECT id, start_us AS startUs FROM calls')
        .all()
        .map(row => [row.id, row.startUs]),
    );
  } finally {
    db.close();
  }
}

/**
 * The instances' rings as the processes table has them: how many, and the fullest's high-water mark and size
 * with the pids of every instance that came as close to full (two identical runs can tie).
 */
function rings(file) {
  const db = new Database(file, { readonly: true });
  try {
    const all = db
      .prepare(
        'SELECT pid, thread_id AS threadId, buffer_bytes AS bytes, buffer_high_water AS highWater FROM processes WHERE buffer_bytes > 0',
      )
      .all();
    const ratio = ring => ring.highWater / ring.bytes;
    const top = Math.max(...all.map(ratio));
    const fullest = all.filter(ring => ratio(ring) === top);
    return {
      count: all.length,
      highWater: fullest[0].highWater,
      bytes: fullest[0].bytes,
      pids: fullest.map(ring => ring.pid),
      threads: fullest.map(ring => ring.threadId),
    };
  } finally {
    db.close();
  }
}

/** A ring size as the recording notes print it: bytes, KB or MB with at most one decimal. */
function size(bytes) {
  if (bytes >= 1024 * 1024) return `${Number((bytes / 1024 / 1024).toFixed(1)).toLocaleString('en-US')} MB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1)).toLocaleString('en-US')} KB`;
  return `${bytes} bytes`;
}

/** Checks the "Ring high-water mark" sentence of `text` against the processes table of `file`. */
function checkRingNote(t, text, file) {
  const ring = rings(file);
  const note = /\nRing high-water mark: (.+) of (.+) \(pid (\d+), the fullest of (\d+) rings\)\.\n/.exec(text);
  t.truthy(note, text);
  t.deepEqual([note[1], note[2], Number(note[4])], [size(ring.highWater), size(ring.bytes), ring.count]);
  t.true(ring.pids.includes(Number(note[3])), `pid ${note[3]} has a fullest ring: ${ring.pids}`);
  t.true(
    ring.threads.every(thread => thread === 0),
    'recorded on main threads, so no thread is named',
  );
  return ring;
}

test('the compiled command line starts with a node shebang, for the package bin', t => {
  t.is(fs.readFileSync(cli, 'utf8').split('\n')[0], '#!/usr/bin/env node');
});

test('calls prints one row per variable under the documented header, newest call first', t => {
  const result = observatory(['calls', '--limit', '3', '--db', dbPath]);
  t.is(result.status, 0, result.stderr);
  const lines = result.stdout.trimEnd().split('\n');
  t.deepEqual(
    lines[0].split('|').map(cell => cell.trim()),
    ['Time (UTC)', 'Process', 'Data', 'Data Type', 'Declared Type', 'Data Value', 'Status'],
  );
  const starts = callStarts(dbPath);
  const newest = newestFirst(calls.map(call => ({ ...call, startUs: starts.get(call.id) }))).slice(0, 3);
  const expected = newest.flatMap(call =>
    call.values.length ? call.values.map(value => [call, value]) : [[call, ['', '', '']]],
  );
  const rows = lines.slice(2).map(line => line.split('|').map(cell => cell.trim()));
  t.true(
    rows.every(row => row.length === 7),
    'every row has the seven columns',
  );
  // Data Type is the direction (INPUT/OUTPUT), Declared Type the TypeScript type.
  t.deepEqual(
    rows.map(row => [row[1], row[2], row[3], row[4], row[6]]),
    expected.map(([call, [name, direction, declaredType]]) => [
      `${call.group}.${call.fn}`,
      name,
      direction,
      declaredType,
      call.status,
    ]),
  );
});

test('calls --fn shows the recorded inputs and outputs of that function', t => {
  const rows = json(['calls', '--fn', 'divmod']);
  t.true(rows.length > 0);
  t.true(rows.every(row => row.process.endsWith('.divmod')));
  const db = new Database(dbPath, { readonly: true });
  const { id } = db.prepare("SELECT id FROM functions WHERE name = 'divmod'").get();
  db.close();
  t.deepEqual(json(['calls', '--fn', `#${id}`]), rows, '#id names a function by functions.id');
  const firstCall = rows.filter(row => row.callId === rows[0].callId);
  const byName = Object.fromEntries(firstCall.map(row => [row.data, [row.dataType, row.declaredType, row.dataValue]]));
  t.deepEqual(byName, {
    dividend: ['INPUT', 'number', 17],
    divisor: ['INPUT', 'number', 5],
    quotient: ['OUTPUT', 'number', 3],
    remainder: ['OUTPUT', 'number', 2],
  });
});

test('calls --fn takes a group, and a process name', t => {
  const byGroup = json(['calls', '--fn', 'src/pricing', '--limit', '100000']);
  const inGroup = calls.filter(call => call.group === 'src/pricing');
  t.deepEqual(unique(byGroup.map(row => row.callId)), unique(inGroup.map(call => call.id)));
  t.true(inGroup.length < calls.length, 'the examples have other groups too');
  const byProcess = json(['calls', '--fn', 'src/pricing.divmod', '--limit', '100000']);
  t.deepEqual(
    unique(byProcess.map(row => row.callId)),
    unique(calls.filter(call => call.fn === 'divmod').map(call => call.id)),
  );
});

test('calls --status ERR lists only failed calls, with their error', t => {
  const rows = json(['calls', '--status', 'ERR', '--limit', '100']);
  const failed = calls.filter(call => call.status === 'ERR');
  t.deepEqual(unique(rows.map(row => row.callId)), unique(failed.map(call => call.id)));
  t.true(rows.every(row => row.status === 'ERR' && row.error.startsWith('RangeError: quantity must be positive')));
});

test('calls --since and --limit narrow the rows; --csv carries the same rows as --json', t => {
  const all = json(['calls', '--limit', '1000']);
  t.is(new Set(all.map(row => row.callId)).size, calls.length);
  t.deepEqual(json(['calls', '--since', '1h', '--limit', '1000']), all);
  t.deepEqual(json(['calls', '--since', '2099-01-01T00:00:00Z']), []);
  const two = json(['calls', '--limit', '2']);
  t.is(new Set(two.map(row => row.callId)).size, 2);

  const csv = observatory(['calls', '--limit', '1000', '--csv', '--db', dbPath]);
  t.is(csv.status, 0, csv.stderr);
  const records = csv.stdout.trimEnd().split('\r\n');
  t.is(records[0], 'Time,Process,Data,Data Type,Declared Type,Data Value,Status,Error,Call');
  t.is(records.length - 1, all.length);
  t.deepEqual(
    records.slice(1).map(record => Number(record.split(',').at(-1))),
    all.map(row => row.callId),
  );
  // Values, error messages and declared types of these calls hold no comma or quote, so a split finds the fields.
  const plain = records
    .slice(1)
    .map(record => record.split(','))
    .filter(fields => fields.length === 9);
  t.true(plain.length > all.length / 2);
  const byCallAndName = new Map(all.map(row => [`${row.callId} ${row.dataType} ${row.data}`, row]));
  for (const fields of plain) {
    const row = byCallAndName.get(`${fields[8]} ${fields[3]} ${fields[2]}`);
    t.truthy(row, fields.join(','));
    t.deepEqual([fields[1], fields[4], fields[6]], [row.process, row.declaredType, row.status]);
  }
});

test('stats counts calls and errors per function and orders its percentiles', t => {
  const stats = json(['stats']);
  const expected = new Map();
  for (const call of calls) {
    const key = `${call.group}.${call.fn}`;
    const entry = expected.get(key) ?? { calls: 0, errors: 0, max: 0 };
    entry.calls++;
    if (call.status === 'ERR') entry.errors++;
    entry.max = Math.max(entry.max, call.durationUs);
    expected.set(key, entry);
  }
  t.deepEqual(unique(stats.map(s => s.process)), unique(expected.keys()));
  for (const s of stats) {
    const e = expected.get(s.process);
    t.is(s.calls, e.calls, s.process);
    t.is(s.errors, e.errors, s.process);
    t.is(s.errorRate, e.errors / e.calls);
    t.is(s.maxUs, e.max);
    t.true(s.p50Us <= s.p95Us && s.p95Us <= s.p99Us && s.p99Us <= s.maxUs, s.process);
  }
  const table = observatory(['stats', '--db', dbPath]);
  t.is(table.status, 0, table.stderr);
  t.regex(
    table.stdout,
    /^Function\s+\| Calls \| Dropped \| Errors \| Error rate \| p50\s+\| p95\s+\| p99\s+\| Max\s+\| Last seen \(UTC\)/,
  );
  // Two runs of the examples, each with the default 32 MB ring, of which they use a little.
  t.regex(table.stdout, /\n\nRing high-water mark: [^\n]+\.\n$/, 'the ring note is the last line');
  const ring = checkRingNote(t, table.stdout, dbPath);
  t.is(ring.count, 2);
  t.is(ring.bytes, 32 * 1024 * 1024);
  t.true(ring.highWater > 0);
  t.false(table.stdout.includes('Warning'), 'nothing was dropped');
  for (const s of stats) t.deepEqual(s.dropped, NO_DROPS, s.process);
});

test('tree shows the call tree with durations and status, from a call id, a span id or a trace id', t => {
  const child = calls.find(call => call.fn === 'calculatePrice' && call.parent === 'fetchQuote');
  t.truthy(child, 'fetchQuote calls calculatePrice in the examples');
  const inTrace = calls.filter(call => call.traceId === child.traceId);
  const byId = observatory(['tree', String(child.id), '--db', dbPath]);
  t.is(byId.status, 0, byId.stderr);
  const lines = byId.stdout.trimEnd().split('\n');
  t.is(lines[0], `trace ${child.traceId}: ${inTrace.length} calls`);
  t.is(lines.length, 1 + inTrace.length);
  const parentLine = lines.findIndex(line => line.includes('.fetchQuote '));
  const childLine = lines[parentLine + 1];
  t.regex(childLine, /[└├]─ src\/pricing\.calculatePrice {2}[\d.]+ (µs|ms|s) {2}OK {2}\[call \d+\]$/);
  t.true(
    childLine.indexOf('src/pricing') > lines[parentLine].indexOf('src/portfolio'),
    'a child is indented under its parent',
  );
  t.is(observatory(['tree', child.spanId, '--db', dbPath]).stdout, byId.stdout);
  t.is(observatory(['tree', child.traceId, '--db', dbPath]).stdout, byId.stdout);
});

test('errors --each shows each failure with type, message and stack', t => {
  const failed = calls.filter(call => call.status === 'ERR');
  t.true(failed.length > 0);
  const result = observatory(['errors', '--each', '--db', dbPath]);
  t.is(result.status, 0, result.stderr);
  const blocks = result.stdout.trimEnd().split('\n\n');
  t.is(blocks.length, failed.length);
  for (const block of blocks) {
    const [head, message, ...frames] = block.split('\n');
    t.regex(head, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC {2}src\/pricing\.validateOrder {2}\[call \d+, /);
    t.is(message, '  RangeError: quantity must be positive, got -5 for ACME');
    t.true(frames.length > 0 && frames.every(frame => frame.startsWith('    at ')));
  }
  const recent = json(['errors', '--each', '--since', '1h']);
  t.deepEqual(unique(recent.map(call => call.id)), unique(failed.map(call => call.id)));
});

test('prune deletes the calls older than the cutoff with their values', async t => {
  const copy = await copyDatabase('prune');
  const keep = observatory(['prune', '--older-than', '6h', '--db', copy]);
  t.is(keep.status, 0, keep.stderr);
  t.regex(keep.stdout, /^Deleted 0 calls started before /);
  t.is(count(copy, 'calls'), calls.length);

  const all = observatory(['prune', '--older-than', '0s', '--db', copy]);
  t.is(all.status, 0, all.stderr);
  t.regex(all.stdout, new RegExp(`^Deleted ${calls.length} calls`));
  t.is(count(copy, 'calls'), 0);
  t.is(count(copy, 'call_values'), 0);

  t.is(observatory(['stats', '--db', copy]).stdout, 'No calls recorded.\n');
});

test('report writes one self-contained HTML file with the stats table and SVG charts', t => {
  const output = path.join(scratch, 'report.html');
  const result = observatory(['report', '-o', output, '--db', dbPath]);
  t.is(result.status, 0, result.stderr);
  const html = fs.readFileSync(output, 'utf8');
  t.true(html.startsWith('<!doctype html>'));
  for (const call of calls) t.true(html.includes(`${call.group}.${call.fn}`), call.fn);
  t.is(html.match(/<svg /g)?.length, 2);
  t.true(
    html.includes('<h2>Calls and errors over time</h2>') && html.includes('<h2>Latency percentiles per function</h2>'),
  );
  t.false(/<script|<link|src=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/.test(html), 'nothing is loaded from elsewhere');
  t.false(html.includes('class="warning"'), 'nothing was dropped');
  t.true(html.includes(`<p class="meta">Ring high-water mark: ${size(rings(dbPath).highWater)} of 32 MB (pid `));
  // However long the two runs took, the time axis labels its ticks in one format, and no two alike.
  const ticks = timelineTicks(html);
  t.true(ticks.length > 1);
  t.true(
    ticks.every(tick => /^\d\d:\d\d(:\d\d(\.\d{3})?)?$/.test(tick)),
    ticks.join(' '),
  );
  t.is(new Set(ticks.map(tick => tick.length)).size, 1, ticks.join(' '));
  t.is(new Set(ticks).size, ticks.length, ticks.join(' '));
});

/** The time labels of the report's "Calls and errors over time" chart. */
function timelineTicks(html) {
  const timeline = html.slice(
    html.indexOf('<h2>Calls and errors over time</h2>'),
    html.indexOf('<h2>Latency percentiles'),
  );
  return [...timeline.matchAll(/>(\d\d:\d\d[^<]*)<\/text>/g)].map(match => match[1]);
}

test('a report over calls within a second tells its time ticks apart by the millisecond', async t => {
  const squeezed = await squeezedCopy(dbPath, path.join(scratch, 'squeezed.db'), 400_000);
  const output = path.join(scratch, 'squeezed.html');
  const result = observatory(['report', '-o', output, '--db', squeezed]);
  t.is(result.status, 0, result.stderr);
  const ticks = timelineTicks(fs.readFileSync(output, 'utf8'));
  t.true(ticks.length > 1);
  t.true(
    ticks.every(tick => /^\d\d:\d\d:\d\d\.\d{3}$/.test(tick)),
    ticks.join(' '),
  );
  t.is(new Set(ticks).size, ticks.length, ticks.join(' '));
});

test('reading works while a writer holds an open transaction', t => {
  const writer = new Database(dbPath);
  writer.pragma('busy_timeout = 10000');
  t.is(writer.pragma('journal_mode', { simple: true }), 'wal');
  writer.exec('BEGIN IMMEDIATE');
  try {
    writer.prepare('UPDATE functions SET kind = kind WHERE id = 1').run();
    const result = observatory(['stats', '--db', dbPath]);
    t.is(result.status, 0, result.stderr);
    t.true(result.stdout.includes('.divmod'));
  } finally {
    writer.exec('ROLLBACK');
    writer.close();
  }
});

test('--db defaults to .observatory/traces.db under the working directory, or OBSERVATORY_DB', t => {
  const project = path.join(scratch, 'project');
  fs.mkdirSync(path.join(project, '.observatory'), { recursive: true });
  fs.copyFileSync(dbPath, path.join(project, '.observatory', 'traces.db'));
  const fromCwd = observatory(['stats'], { cwd: project });
  t.is(fromCwd.status, 0, fromCwd.stderr);
  t.true(fromCwd.stdout.includes('.divmod'));
  const fromEnv = observatory(['stats'], { env: { OBSERVATORY_DB: dbPath } });
  t.is(fromEnv.stdout, fromCwd.stdout);
});

const mistakes = [
  [
    'a missing database',
    ['stats', '--db', '/nonexistent/traces.db'],
    /^observatory: no trace database at \/nonexistent\/traces\.db/,
  ],
  ['a bad duration', ['calls', '--since', '10 parsecs'], /^observatory: bad duration "10 parsecs"/],
  ['a bad prune duration', ['prune', '--older-than', '6 hours'], /^observatory: bad duration "6 hours"/],
  [
    'an unknown function',
    ['calls', '--fn', 'noSuchFunction'],
    /^observatory: unknown function "noSuchFunction" \(known: .*divmod/,
  ],
  ['an unknown command', ['frobnicate'], /^observatory: unknown command "frobnicate"/],
  ['an unknown option', ['stats', '--colour'], /^observatory: stats: Unknown option '--colour'/],
  ['a bad status', ['calls', '--status', 'MAYBE'], /^observatory: status must be one of OK, ERR/],
  ['a bad limit', ['calls', '--limit', 'ten'], /^observatory: --limit must be a whole number/],
  ['an unknown call', ['tree', '999999999'], /^observatory: no call or trace "999999999"/],
  ['a malformed trace id', ['tree', 'xyz'], /is not a call id, a span id/],
  ['prune without a cutoff', ['prune'], /^observatory: prune needs --older-than/],
  ['an unknown function id', ['calls', '--fn', '#999'], /^observatory: unknown function "#999" \(known: .*divmod/],
  [
    'a date that does not exist',
    ['calls', '--since', '2026-02-30'],
    /^observatory: bad time "2026-02-30": 2026-02 has no day 30/,
  ],
  [
    'a time of day that does not exist',
    ['stats', '--since', '2026-02-28T24:00Z'],
    /^observatory: bad time "2026-02-28T24:00Z": a time field is out of range/,
  ],
  [
    'a report into a missing directory',
    ['report', '-o', '/nonexistent/dir/r.html'],
    /^observatory: cannot write \/nonexistent\/dir\/r\.html: no such directory\n/,
  ],
];

for (const [what, args, message] of mistakes) {
  test(`${what} gets one line on stderr and a non-zero exit`, t => {
    const withDb = args.includes('--db') ? args : [...args, '--db', dbPath];
    const result = observatory(withDb);
    t.not(result.status, 0);
    t.regex(result.stderr, message);
    t.is(result.stderr.trimEnd().split('\n').length, 1, result.stderr);
    t.is(result.stdout, '');
  });
}

test('a file that is not a trace database is refused in one line', t => {
  const other = path.join(scratch, 'other.db');
  new Database(other).close();
  const result = observatory(['calls', '--db', other]);
  t.not(result.status, 0);
  t.is(result.stderr, `observatory: ${other} is not a ts-observatory trace database\n`);
});

/** `ok(i)` and `late(i)` return i, through the runtime as emitted code calls it; every run names the same two functions. */
const OK_AND_LATE = `
function monitored(name) {
  const handle = __observatory.register(2, meta(name, { params: ['i'], paramTypes: ['number'] }));
  return i => {
    const call = __observatory.enter(handle, [i]);
    try { return __observatory.exit(call, i); } catch (error) { throw __observatory.fail(call, error); } finally { __observatory.done(call); }
  };
}
const ok = monitored('ok');
const late = monitored('late');
`;

/** Rows per function name and drops per function name and reason, straight from the tables. */
function recorded(file) {
  const db = new Database(file, { readonly: true });
  try {
    const rows = Object.fromEntries(
      db
        .prepare('SELECT f.name, count(*) AS n FROM calls c JOIN functions f ON f.id = c.function_id GROUP BY f.name')
        .all()
        .map(row => [row.name, row.n]),
    );
    const drops = {};
    for (const { name, reason, n } of db
      .prepare(
        'SELECT f.name, d.reason, sum(d.count) AS n FROM drops d JOIN functions f ON f.id = d.function_id GROUP BY f.name, d.reason',
      )
      .all()) {
      (drops[name] ??= {})[reason] = n;
    }
    return { rows, drops };
  } finally {
    db.close();
  }
}

test('stats counts the calls the runtime dropped, per function over every process, and warns about them', async t => {
  // Two runs make 5,000 calls of ok in one synchronous loop through a 64 KB ring: once the ring is half full,
  // new traces are shed whole and counted as overload, so each run records some calls of ok and counts the
  // rest. A third run, with sampling off, makes 5 calls of ok and 10 of late, all counted as not sampled: late
  // was never recorded, and still has its row.
  const overload = program(`${OK_AND_LATE}
for (let i = 0; i < 5000; i++) ok(i);
`);
  const unsampled = {
    ...program(`${OK_AND_LATE}
for (let i = 0; i < 10; i++) late(i);
for (let i = 0; i < 5; i++) ok(i);
`),
    dbPath: overload.dbPath,
  };
  const ring = { OBSERVATORY_BUFFER_MB: '0.0625' };
  for (const [prog, env] of [
    [overload, ring],
    [overload, ring],
    [unsampled, { ...ring, OBSERVATORY_SAMPLE: '0' }],
  ]) {
    const result = await run(prog, { env });
    t.is(result.status, 0, result.stderr);
  }
  const { rows, drops } = recorded(overload.dbPath);
  t.deepEqual(Object.keys(drops).sort(), ['late', 'ok']);
  t.deepEqual(drops.late, { not_sampled: 10 });
  t.is(drops.ok.not_sampled, 5);
  t.true(drops.ok.overload > 0, 'the 64 KB ring shed traces');
  t.true(rows.ok > 0, 'the first calls found the ring empty');
  t.is(rows.ok + drops.ok.overload, 10_000, 'every call of the two loaded runs is a row or an overload drop');
  t.is(rows.late, undefined);
  const shed = drops.ok.overload;

  const stats = json(['stats'], overload.dbPath);
  t.deepEqual(
    stats.map(s => [s.process, s.calls, s.dropped, s.p50Us === null, s.lastSeenUs === null]),
    [
      ['prog.ok', rows.ok, { ...NO_DROPS, overload: shed, not_sampled: 5 }, false, false],
      ['prog.late', 0, { ...NO_DROPS, not_sampled: 10 }, true, true],
    ],
  );

  const table = observatory(['stats', '--db', overload.dbPath]);
  t.is(table.status, 0, table.stderr);
  const lines = table.stdout.split('\n');
  const tableRows = lines.slice(2, 4).map(line => line.split('|').map(cell => cell.trim()));
  t.deepEqual(
    tableRows.map(row => row.slice(0, 4)),
    [
      ['prog.ok', String(rows.ok), String(shed + 5), '0'],
      ['prog.late', '0', '10', '0'],
    ],
  );
  t.deepEqual(tableRows[1].slice(5), ['–', '–', '–', '–', '–'], 'a function never recorded has no latency');
  t.is(lines[4], '', 'two functions, then the notes');
  const fullest = checkRingNote(t, table.stdout, overload.dbPath);
  t.deepEqual([fullest.count, fullest.bytes], [3, 64 * 1024], 'three instances, each with a 64 KB ring');
  t.true(fullest.highWater >= 32 * 1024, 'traces are shed only past half full');
  const warning = `Warning: ${(shed + 15).toLocaleString('en-US')} calls were not recorded (${shed.toLocaleString('en-US')} in traces shed under overload, 15 not sampled); these figures leave them out.`;
  t.true(table.stdout.endsWith(`\n${warning}\n`), table.stdout);

  const report = path.join(scratch, 'drops.html');
  t.is(observatory(['report', '-o', report, '--db', overload.dbPath]).status, 0);
  const html = fs.readFileSync(report, 'utf8');
  t.true(html.includes(`<p class="warning">${warning}</p>`));
  t.true(html.includes('<p class="meta">Ring high-water mark: '));
});

test('drops of every reason, from this schema and from files upgraded from versions 1 and 2, are counted and named', async t => {
  // The reader, not the runtime: drops rows written into a copy of the examples' recording, two instances each.
  const copy = await copyDatabase('reasons');
  const db = new Database(copy);
  const [divmod, never] = ['divmod', 'validateOrder'].map(
    name => db.prepare('SELECT id FROM functions WHERE name = ?').get(name).id,
  );
  const instances = db
    .prepare('SELECT id FROM processes ORDER BY id')
    .all()
    .map(row => row.id);
  t.is(instances.length, 2);
  const insert = db.prepare(
    'INSERT INTO drops (function_id, process_id, reason, count, updated_us) VALUES (?, ?, ?, ?, ?)',
  );
  const now = Date.now() * 1000;
  const counts = {
    overload: 1000,
    not_sampled: 200,
    write_failed: 30,
    exit_timeout: 4,
    unfinished: 2,
    queue_full: 5000,
    batch_lost: 60,
    export_failed: 9,
  };
  for (const [reason, count] of Object.entries(counts)) {
    insert.run(divmod, instances[0], reason, count, now);
    insert.run(divmod, instances[1], reason, count, now);
  }
  // A reason this reader does not know (the column has no CHECK) still counts, and reads as words.
  insert.run(never, instances[0], 'disk_on_fire', 7, now);
  db.close();

  const stats = json(['stats'], copy);
  const byProcess = Object.fromEntries(stats.map(s => [s.process, s.dropped]));
  t.deepEqual(
    byProcess['src/pricing.divmod'],
    Object.fromEntries(Object.entries(counts).map(([reason, count]) => [reason, 2 * count])),
  );
  t.deepEqual(byProcess['src/pricing.validateOrder'], { ...NO_DROPS, disk_on_fire: 7 });
  for (const s of stats.filter(s => !['src/pricing.divmod', 'src/pricing.validateOrder'].includes(s.process)))
    t.deepEqual(s.dropped, NO_DROPS, s.process);

  const table = observatory(['stats', '--db', copy]);
  t.is(table.status, 0, table.stderr);
  t.true(
    table.stdout.endsWith(
      '\nWarning: 12,599 calls were not recorded (2,000 in traces shed under overload, 400 not sampled, 60 write failed, ' +
        '8 unwritten at the exit deadline, 4 unfinished at the stack limit, 10,000 queue full, 120 batch lost, 7 disk on fire); ' +
        'these figures leave them out. ' +
        'Warning: 18 recorded calls were not delivered to the OpenTelemetry collector (export_failed); they are in this file.\n',
    ),
    table.stdout,
  );
  const divmodRow = table.stdout.split('\n').find(line => line.startsWith('src/pricing.divmod '));
  // Calls the collector did not take are in the file: not among the dropped, in their own column.
  t.is(divmodRow.split('|')[2].trim(), '12592');
  t.is(divmodRow.split('|').at(-1).trim(), '18');
});

test('with --since, drops are the totals of the instances still dropping in that range', async t => {
  const copy = await copyDatabase('drops-since');
  const db = new Database(copy);
  const divmod = db.prepare("SELECT id FROM functions WHERE name = 'divmod'").pluck().get();
  const [older, newer] = db.prepare('SELECT id FROM processes ORDER BY id').pluck().all();
  const insert = db.prepare(
    'INSERT INTO drops (function_id, process_id, reason, count, updated_us) VALUES (?, ?, ?, ?, ?)',
  );
  const nowUs = Date.now() * 1000;
  // The older instance ran, and last dropped, two days ago; the newer one now.
  db.prepare('UPDATE calls SET start_us = start_us - ? WHERE id >> 32 = ?').run(48 * 3600e6, older);
  insert.run(divmod, older, 'overload', 500, nowUs - 48 * 3600e6);
  insert.run(divmod, newer, 'overload', 7, nowUs);
  db.close();
  const dropped = args => json(['stats', ...args], copy).find(s => s.process === 'src/pricing.divmod').dropped.overload;
  t.is(dropped([]), 507);
  t.is(dropped(['--since', '1h']), 7);
  t.is(dropped(['--since', '3d']), 507);
});

test('vacuum returns the pages of pruned calls to the disk', async t => {
  // 2,000 calls with 1 KB arguments fill hundreds of pages, which prune frees and only vacuum gives back.
  const prog = program(`${OK_AND_LATE}
for (let i = 0; i < 2000; i++) ok('x'.repeat(1000) + i);
`);
  t.is((await run(prog)).status, 0);
  t.is(observatory(['prune', '--older-than', '0s', '--db', prog.dbPath]).status, 0);
  // Checkpointed first, so the main file holds the whole database and its size is comparable.
  const pages = () => {
    const db = new Database(prog.dbPath);
    try {
      db.pragma('wal_checkpoint(TRUNCATE)');
      return { free: db.pragma('freelist_count', { simple: true }), total: db.pragma('page_count', { simple: true }) };
    } finally {
      db.close();
    }
  };
  const before = pages();
  t.true(before.free > 100, `${before.free} free pages before vacuum`);
  const beforeBytes = fs.statSync(prog.dbPath).size;
  const vacuum = observatory(['vacuum', '--db', prog.dbPath]);
  t.is(vacuum.status, 0, vacuum.stderr);
  t.deepEqual(pages(), { free: 0, total: before.total - before.free });
  t.true(fs.statSync(prog.dbPath).size < beforeBytes);
});
