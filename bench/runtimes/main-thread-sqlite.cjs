// The straightforward design the real runtime is measured against: the same contract (runtime/contract.ts)
// and the same schema (dist/runtime/schema.js), but no queue bound and no worker. `exit` appends the call to
// an array; once per event-loop turn the main thread serializes the values to JSON and inserts every row of
// that turn in one better-sqlite3 transaction. CommonJS because the emitted code `require`s it.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const Database = require('better-sqlite3');
const { configureConnection, migrate } = require('../../dist/runtime/schema.js');
const { readConfig } = require('../../dist/runtime/config.js');
const { exit, fail, passThrough } = require('./outcome.cjs');

const config = readConfig();
fs.mkdirSync(path.dirname(config.databasePath), { recursive: true });
const db = new Database(config.databasePath);
configureConnection(db);
migrate(db);

const insertFunction = db.prepare(
  `INSERT INTO functions (group_name, name, file, line, column, kind, params_json, return_type, first_seen_us)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
   ON CONFLICT (group_name, name, file, line, column) DO UPDATE SET kind = excluded.kind RETURNING id`,
);
const insertCall = db.prepare(
  `INSERT INTO calls (function_id, trace_id, span_id, parent_span_id, depth, start_us, duration_us, status,
                      error_type, error_message, error_stack, pid, thread_id)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)`,
);
const insertValue = db.prepare(
  `INSERT INTO call_values (call_id, name, direction, position, declared_type, value_json) VALUES (?, ?, ?, ?, ?, ?)`,
);

const nowUs = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

// Unique ids without a random draw per call: a random per-process prefix and a counter.
const idPrefix = crypto.randomBytes(12).toString('hex');
let idCounter = 0;
const nextId = () => (idCounter++).toString(16).padStart(8, '0');

// Ids are given when a call is written; a child is written before its parent completes, so both are lazy.
function spanIdOf(call) {
  if (call.spanId === '') call.spanId = idPrefix.slice(0, 8) + nextId();
  return call.spanId;
}

function traceIdOf(call) {
  if (call.parent) return traceIdOf(call.parent);
  if (call.traceId === '') call.traceId = idPrefix + nextId();
  return call.traceId;
}

function register(_contractVersion, meta) {
  const params = JSON.stringify(meta.params.map((name, i) => ({ name, type: meta.paramTypes[i] })));
  const { id } = insertFunction.get(meta.group, meta.name, meta.file, meta.line, meta.column, meta.kind, params, meta.returnType, nowUs());
  return { id, meta };
}

let current = null;
let pending = [];
let flushScheduled = false;

function enter(fn, args) {
  const call = { fn, args, parent: current, depth: current ? current.depth + 1 : 0, start: performance.now(), end: 0, value: undefined, error: undefined, failed: false, spanId: '', traceId: '' };
  current = call;
  return call;
}

// Contract 2 (runtime/contract.ts): `exit` and `fail` (outcome.cjs) say how the body is leaving, `done`
// completes the call.
function done(call) {
  call.end = performance.now();
  current = call.parent;
  pending.push(call);
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flush);
  }
}

/** The output rows of a value, split as the transformer asked (see OutputShape in runtime/contract.ts). */
function outputRows(meta, value) {
  switch (meta.outputShape) {
    case 'none':
      return [];
    case 'tuple':
      if (Array.isArray(value) && value.length === meta.outputs.length) return meta.outputs.map((name, i) => [name, meta.outputTypes[i], value[i]]);
      break;
    case 'object':
      if (value !== null && typeof value === 'object') return meta.outputs.map((name, i) => [name, meta.outputTypes[i], value[name]]);
      break;
    case 'single':
      return [[meta.outputs[0], meta.outputTypes[0], value]];
  }
  return [['result', meta.returnType, value]];
}

function writeCall(call) {
  const { id, meta } = call.fn;
  const parent = call.parent;
  const error = call.error;
  const failed = call.failed;
  const { lastInsertRowid } = insertCall.run(
    id, traceIdOf(call), spanIdOf(call), parent ? spanIdOf(parent) : null, call.depth,
    Math.round((performance.timeOrigin + call.start) * 1000), (call.end - call.start) * 1000,
    failed ? 'ERR' : 'OK', failed ? (error?.name ?? typeof error) : null, failed ? String(error?.message ?? error) : null,
    failed ? (error?.stack ?? null) : null, process.pid,
  );
  for (let i = 0; i < meta.params.length; i++) {
    insertValue.run(lastInsertRowid, meta.params[i], 'INPUT', i, meta.paramTypes[i], JSON.stringify(call.args[i]) ?? 'null');
  }
  if (failed) return;
  const outputs = outputRows(meta, call.value);
  for (let i = 0; i < outputs.length; i++) {
    insertValue.run(lastInsertRowid, outputs[i][0], 'OUTPUT', i, outputs[i][1], JSON.stringify(outputs[i][2]) ?? 'null');
  }
}

const writeCalls = db.transaction(calls => {
  for (const call of calls) writeCall(call);
});

function flush() {
  flushScheduled = false;
  const calls = pending;
  pending = [];
  writeCalls(calls);
}

// Across an await or yield the suspended call stops being the current one, and becomes it again after.
function suspend(call, value) {
  current = call.parent;
  return value;
}

function resume(call, value) {
  current = call;
  return value;
}


/** Writes what is pending and closes the database. */
function shutdown() {
  if (db.open) {
    flush();
    db.close();
  }
  return Promise.resolve();
}

process.on('exit', shutdown);

module.exports = {
  register, enter, exit, fail, done, suspend, pause: suspend, resume, delegate: passThrough,
  delegateAsync: passThrough, iterate: passThrough, shutdown,
};
