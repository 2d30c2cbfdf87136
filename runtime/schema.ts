/**
 * The SQLite data model, shared by the writer (runtime/) and every reader (viewer/); /work/schema3-spec.md, as
 * agreed with the writer, is where it was decided.
 *
 * One row per instrumented function, one row per recording runtime instance, one row per call with its values
 * packed in it as JSON arrays; names and declared types live once per function. Times are integers in
 * microseconds since the Unix epoch (durations in nanoseconds), so they sort, subtract and index cheaply; the
 * views turn them into text and unpack the values into the original design's one row per variable. The schema
 * version lives in `PRAGMA user_version`; `migrate` creates a new file at this version, upgrades older files
 * (schema-upgrades.ts) and refuses files written by a newer version instead of guessing.
 */
import type { Database } from 'better-sqlite3';
import { upgradeSql } from './schema-upgrades';

export const SCHEMA_VERSION = 7;

/**
 * Version 4: the OpenTelemetry trace a trace joined (record/trace-link.ts), one row per joined trace of an
 * instance; the `spans` view takes its trace id and its root's parent span from here.
 */
export const TRACE_LINKS = `
  CREATE TABLE trace_links (
    trace          INTEGER PRIMARY KEY,  -- calls.trace of the joined trace's calls in this file
    trace_id       TEXT    NOT NULL,     -- 32 hex, the OpenTelemetry trace id
    parent_span_id TEXT    NOT NULL      -- 16 hex, the OpenTelemetry span the root call is the child of
  );
  CREATE INDEX trace_links_by_trace_id ON trace_links (trace_id);
`;

/**
 * Version 5: what a failure carried beyond its type, message and stack, and whether it was expected, last in
 * `calls`:
 *   error_detail    JSON: the error's own fields, its cause chain and an AggregateError's errors
 *                   (store/json.ts, "error detail"); NULL when it had none, and for OK calls
 *   error_expected  1 when the function it failed in, or a monitored caller it passed up through, lists its
 *                   type in the tag option expected=
 * The index holds failures only, so a call that returns costs it nothing; error counts that leave out the
 * expected ones read it instead of every call. A new file runs these statements on the tables above too, so
 * that it and an upgraded file have the same definition of `calls`, text and all.
 */
export const ERROR_DETAIL = `
  ALTER TABLE calls ADD COLUMN error_detail TEXT;
  ALTER TABLE calls ADD COLUMN error_expected INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX calls_failed ON calls (function_id, start_us, error_type, error_expected) WHERE status = 'ERR';
`;

/**
 * Version 6: calls_by_trace holds only calls that have a parent. A root call's id is its trace's (calls.trace =
 * calls.id), so the root is found through the table's own key, and an index entry for it cost every root call
 * time and 22 bytes of the file for nothing. A trace's calls are selected with traceCallsSql, which takes each
 * half from its own index; a call's children (`parent = ?`) imply a parent, so SQLite uses the index for them.
 * Measured on a quiet machine (bench/ceiling, 400,000 root `add` calls; bench/e2e, 2,000,000 in wait mode; runs
 * of each, lowest to highest): SQLite alone 185,000–280,000 calls/s and 142 bytes per call before, 328,000–359,000
 * and 120 after; end to end 181,000–216,000 committed calls/s before, 258,000–284,000 after.
 */
export const CHILDREN_BY_TRACE = `
  DROP INDEX calls_by_trace;
  CREATE INDEX calls_by_trace ON calls (trace, parent) WHERE parent IS NOT NULL;
`;

/**
 * Version 7: no index of all calls by time. calls_by_time cost every call 30 of its 121 bytes in the file and a
 * seventh of SQLite's time. Measured against version 6 in one sitting, 4 rounds alternating (bench/ceiling and
 * bench/e2e, `add` calls, medians): SQLite alone 381,946 calls/s before and 450,347 after, the writer alone
 * 414,723 and 476,835, end to end in wait mode 321,544 and 373,739, every run after faster than every run before;
 * 119 bytes per call before and 90 after. Readers ask about all functions' calls by time through
 * calls_by_function_time instead, one stretch per function (viewer/time-order.ts).
 */
export const WITHOUT_TIME_INDEX = `
  DROP INDEX calls_by_time;
`;

/**
 * The calls of one trace: `(alias.id = trace OR (alias.trace = trace AND alias.parent IS NOT NULL))`, where
 * `trace` is an SQL expression (`?` is bound twice). Written so for calls_by_trace of version 6, which leaves
 * out the roots; on older files, whose index has them, it selects the same rows.
 */
export function traceCallsSql(alias: string, trace: string): string {
  return `(${alias}.id = ${trace} OR (${alias}.trace = ${trace} AND ${alias}.parent IS NOT NULL))`;
}

/**
 * The tables and indexes of version 4, for a new file (with ERROR_DETAIL, CHILDREN_BY_TRACE and
 * WITHOUT_TIME_INDEX, which make them version 7's) and for the version 2 to 3 upgrade alike.
 */
export const TABLES = `
  CREATE TABLE functions (
    id            INTEGER PRIMARY KEY,
    group_name    TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    file          TEXT    NOT NULL,
    line          INTEGER NOT NULL,
    column        INTEGER NOT NULL,
    kind          TEXT    NOT NULL,
    params_json   TEXT    NOT NULL,  -- JSON array of {name, type}; the rest parameter's also has rest: true, elementType
    outputs_json  TEXT    NOT NULL,  -- JSON array of {name, type}; a generator's last is {"name":"yielded","type":"number"}
    result_type   TEXT    NOT NULL,  -- type of the single "result" written when the value did not fit the outputs
    return_type   TEXT    NOT NULL,
    first_seen_us INTEGER NOT NULL,
    UNIQUE (group_name, name, file, line, column)
  );

  -- One row per recording runtime instance (a process, a worker thread, or one of several copies of the
  -- runtime in one process); drop totals are per instance so that copies add up.
  CREATE TABLE processes (
    id                INTEGER PRIMARY KEY,
    token             TEXT    NOT NULL UNIQUE,  -- 32 hex (suffixed -N for the instance's calls past N * 2^32); the first 16 are the high half of its trace ids
    pid               INTEGER NOT NULL,
    thread_id         INTEGER NOT NULL,
    started_us        INTEGER NOT NULL,
    argv_json         TEXT    NOT NULL,
    buffer_bytes      INTEGER NOT NULL,  -- size of the instance's ring
    buffer_high_water INTEGER NOT NULL,  -- most bytes the ring held at once
    updated_us        INTEGER NOT NULL
  );

  CREATE TABLE calls (
    id            INTEGER PRIMARY KEY,  -- processes.id * 2^32 + the call's number in that instance (from 1)
    function_id   INTEGER NOT NULL,
    trace         INTEGER NOT NULL,     -- id of the root call of the call's trace
    parent        INTEGER,              -- id of the calling call; NULL for a root
    depth         INTEGER NOT NULL,     -- 0 for a root
    start_us      INTEGER NOT NULL,
    duration_ns   INTEGER NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('OK', 'ERR')),
    error_type    TEXT,
    error_message TEXT,
    error_stack   TEXT,
    inputs        TEXT,  -- JSON array in params_json order, the rest parameter expanded; NULL when not captured
    outputs       TEXT   -- JSON array in outputs_json order, or {"result": v} (and "yielded") when the value did
                         -- not fit; NULL when not captured, and for failed calls
  );
  -- What each index costs a call, measured by bench/ceiling (300,000 add(a, b) -> number calls, multi-row
  -- INSERTs of 64 calls, 4,096 per transaction; medians of 3 runs on the development machine, which vary by
  -- about 10%): all three 152,000 calls/s and 140 bytes per call in the file; without calls_by_function_time
  -- 189,000/s, 109 B; without calls_by_time 188,000/s, 111 B; without calls_by_trace 177,000/s, 119 B; with no
  -- secondary index 203,000/s, 58 B. Each is kept because a reader needs it, as said above it; version 7
  -- drops calls_by_time (WITHOUT_TIME_INDEX).
  -- Per-function statistics and time series are read from this index alone (covering); so are all functions'
  -- calls by time, function by function, from version 7 on.
  CREATE INDEX calls_by_function_time ON calls (function_id, start_us, duration_ns, status);
  -- Listing across functions by time, time slices, first and last call (up to version 6).
  CREATE INDEX calls_by_time ON calls (start_us, duration_ns, status);
  -- A trace's calls, and a call's children (always in its trace); version 6 leaves out the roots (CHILDREN_BY_TRACE).
  CREATE INDEX calls_by_trace ON calls (trace, parent);

  -- Calls not recorded, per function, instance and reason: running totals of that instance. No CHECK on the
  -- reason, so that a later runtime may add one (DROP_REASONS).
  CREATE TABLE drops (
    function_id INTEGER NOT NULL,
    process_id  INTEGER NOT NULL,
    reason      TEXT    NOT NULL,
    count       INTEGER NOT NULL,
    updated_us  INTEGER NOT NULL,
    PRIMARY KEY (function_id, process_id, reason)
  );
${TRACE_LINKS}`;

/**
 * What people query, under the original design's column names: one row per variable (`call_values`,
 * `data_trace`, where `data_type` is INPUT or OUTPUT), calls with hex W3C-sized ids (`spans`), and calls by
 * function name (`process_trace`). `data_trace` ends with the value's `position` among its call's inputs or
 * outputs, beyond the agreed columns: without it a call's rows have no defined order.
 *
 * `call_values` names each packed value from its function: inputs by parameter position, the rest parameter's
 * elements as `name[i]` with its element type; outputs by outputs_json position, or by key (`result` with
 * result_type, `yielded` a number) when the value did not fit. `->` keeps each value's stored JSON text as it
 * was written, where json_each's `value` would turn `true` into 1.
 */
/** A joined trace takes its trace id, and its root call its parent span, from trace_links. */
export const SPANS_VIEW = `
  CREATE VIEW spans AS
  SELECT c.*,
         printf('%016x', c.id)                                    AS span_id,
         CASE WHEN c.parent IS NOT NULL THEN printf('%016x', c.parent) ELSE l.parent_span_id END AS parent_span_id,
         coalesce(l.trace_id, substr(p.token, 1, 16) || printf('%016x', c.trace)) AS trace_id,
         c.duration_ns / 1000.0                                   AS duration_us,
         p.id                                                     AS process_id,
         p.pid                                                    AS pid,
         p.thread_id                                              AS thread_id
    FROM calls c JOIN processes p ON p.id = c.id >> 32 LEFT JOIN trace_links l ON l.trace = c.trace;
`;

export const VIEWS = `
  CREATE VIEW call_values AS
  SELECT c.id                                                     AS call_id,
         'INPUT'                                                  AS direction,
         v.key                                                    AS position,
         CASE WHEN p.value ->> 'rest' THEN (p.value ->> 'name') || '[' || (v.key - p.key) || ']'
              WHEN p.key = v.key THEN p.value ->> 'name'
              ELSE 'arguments[' || v.key || ']' END              AS name,
         CASE WHEN p.value ->> 'rest' THEN p.value ->> 'elementType'
              WHEN p.key = v.key THEN p.value ->> 'type'
              ELSE 'unknown' END                                  AS declared_type,
         c.inputs -> v.fullkey                                    AS value_json
    FROM calls c JOIN functions f ON f.id = c.function_id
    JOIN json_each(c.inputs) v
    LEFT JOIN json_each(f.params_json) p ON p.key = min(v.key, json_array_length(f.params_json) - 1)
  UNION ALL
  SELECT c.id, 'OUTPUT',
         CASE v.key WHEN 'result' THEN 0 WHEN 'yielded' THEN 1 ELSE v.key END,
         CASE WHEN typeof(v.key) = 'text' THEN v.key ELSE coalesce(o.value ->> 'name', 'return_' || v.key) END,
         CASE v.key WHEN 'result' THEN f.result_type WHEN 'yielded' THEN 'number'
                    ELSE coalesce(o.value ->> 'type', 'unknown') END,
         c.outputs -> v.fullkey
    FROM calls c JOIN functions f ON f.id = c.function_id
    JOIN json_each(c.outputs) v
    LEFT JOIN json_each(f.outputs_json) o ON o.key = v.key;

${SPANS_VIEW}
  CREATE VIEW process_trace AS
  SELECT
    strftime('%Y-%m-%dT%H:%M:%fZ', c.start_us / 1e6, 'unixepoch') AS ts,
    f.group_name || '.' || f.name                                AS process,
    f.group_name                                                 AS process_group,
    c.status                                                     AS status,
    c.duration_ns / 1e6                                          AS duration_ms,
    CASE WHEN c.status = 'ERR' THEN c.error_type || ': ' || c.error_message END AS exception,
    p.thread_id                                                  AS thread_id,
    c.depth                                                      AS call_depth,
    c.start_us                                                   AS start_ts_us,
    c.id                                                         AS call_id
  FROM calls c JOIN functions f ON f.id = c.function_id JOIN processes p ON p.id = c.id >> 32;

  CREATE VIEW data_trace AS
  SELECT
    strftime('%Y-%m-%dT%H:%M:%fZ', c.start_us / 1e6, 'unixepoch') AS ts,
    f.group_name || '.' || f.name                                AS process,
    v.name                                                       AS data,
    v.direction                                                  AS data_type,
    v.value_json                                                 AS data_value,
    v.declared_type                                              AS declared_type,
    c.status                                                     AS status,
    CASE WHEN c.status = 'ERR' THEN c.error_type || ': ' || c.error_message END AS exception,
    c.id                                                         AS call_id,
    v.position                                                   AS position
  FROM call_values v JOIN calls c ON c.id = v.call_id JOIN functions f ON f.id = c.function_id;
`;

/** Settings every connection wants: WAL so readers never block the writer, and a patient busy timeout. */
export function configureConnection(db: Database): void {
  // First: switching to WAL needs a lock, and a file another process is writing must be waited for, not refused.
  db.pragma('busy_timeout = 10000');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
}

/**
 * Brings the file up to `target` (SCHEMA_VERSION; the tests also build older files to upgrade): a new file is
 * created at this version directly, an older one is upgraded step by step with its rows. Safe to call from
 * several processes at once.
 */
export function migrate(db: Database, target: number = SCHEMA_VERSION): void {
  const version = readSchemaVersion(db);
  if (version >= target) return;
  // Version 1 and 2 tables are rebuilt by dropping the old ones, which foreign keys would refuse while rows
  // still point at them; the setting cannot change inside a transaction, so it is switched off around it and
  // the result checked.
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
  db.pragma('foreign_keys = OFF');
  try {
    // IMMEDIATE takes the write lock first, so two processes opening a new file cannot both create the tables.
    db.transaction(() => {
      const current = readSchemaVersion(db);
      if (current === 0 && target === SCHEMA_VERSION)
        db.exec(TABLES + ERROR_DETAIL + CHILDREN_BY_TRACE + WITHOUT_TIME_INDEX + VIEWS);
      else for (let next = current; next < target; next++) db.exec(upgradeSql(next));
      if (current < target) db.pragma(`user_version = ${target}`);
      const broken = db.pragma('foreign_key_check') as unknown[];
      if (broken.length > 0)
        throw new Error(`ts-observatory: upgrading ${db.name} left ${broken.length} dangling references.`);
    }).immediate();
  } finally {
    db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
  }
}

/** Reads the schema version, and refuses a file written by a newer ts-observatory. */
export function readSchemaVersion(db: Database): number {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new Error(
      `ts-observatory: ${db.name} has schema version ${version}, but this version of ts-observatory ` +
        `understands schema versions up to ${SCHEMA_VERSION}. Upgrade ts-observatory to read or write it.`,
    );
  }
  return version;
}

// ---- The stored rows, as readers see them ----
// Code names the values of the CHECK constraints and reasons through these lists, so that a reader and the
// schema cannot disagree unnoticed.

/** `calls.status`: the call returned (or resolved), or it threw (or rejected). */
export const CALL_STATUSES = ['OK', 'ERR'] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

/** `call_values.direction` (`data_trace.data_type`): a parameter, or something the call produced. */
export const VALUE_DIRECTIONS = ['INPUT', 'OUTPUT'] as const;
export type ValueDirection = (typeof VALUE_DIRECTIONS)[number];

/**
 * `drops.reason`. The runtime writes the first five: the call's trace was shed whole because the ring was too
 * full (`overload`), its trace was sampled out (`not_sampled`), the database refused the write
 * (`write_failed`), it was still unwritten at the exit deadline (`exit_timeout`), or at the stack limit its
 * record could not be completed (`unfinished`). `queue_full` and `batch_lost` are only in files upgraded from
 * versions 1 and 2: the queue was full, or a batch failed to be written twice. `export_failed` counts calls
 * that are recorded but whose span the OpenTelemetry collector did not take.
 */
export const DROP_REASONS = [
  'overload',
  'not_sampled',
  'write_failed',
  'exit_timeout',
  'unfinished',
  'queue_full',
  'batch_lost',
  'export_failed',
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/**
 * The name a function goes by in the views' `process` column, `<group>.<name>`, as SQL over the `functions`
 * table aliased `f`. Readers that name functions must use it so their names match the views.
 */
export const PROCESS_NAME_SQL = `f.group_name || '.' || f.name`;

/** An element of `functions.params_json`. */
export interface StoredParam {
  name: string;
  type: string;
  /** Only on a rest parameter, which is last; its values are stored one per element. */
  rest?: true;
  elementType?: string;
}

/** An element of `functions.outputs_json`. */
export interface StoredOutput {
  name: string;
  type: string;
}

export interface FunctionRow {
  id: number;
  group_name: string;
  name: string;
  file: string;
  line: number;
  column: number;
  kind: string;
  params_json: string;
  outputs_json: string;
  result_type: string;
  return_type: string;
  first_seen_us: number;
}

export interface ProcessRow {
  id: number;
  token: string;
  pid: number;
  thread_id: number;
  started_us: number;
  argv_json: string;
  buffer_bytes: number;
  buffer_high_water: number;
  updated_us: number;
}

export interface CallRow {
  id: number;
  function_id: number;
  trace: number;
  parent: number | null;
  depth: number;
  start_us: number;
  duration_ns: number;
  status: CallStatus;
  error_type: string | null;
  error_message: string | null;
  error_stack: string | null;
  inputs: string | null;
  outputs: string | null;
  /** Since version 5. */
  error_detail: string | null;
  error_expected: 0 | 1;
}

/** A row of the `spans` view: a call with its hex ids and recording instance. */
export interface SpanRow extends CallRow {
  span_id: string;
  parent_span_id: string | null;
  trace_id: string;
  duration_us: number;
  process_id: number;
  pid: number;
  thread_id: number;
}

/** A row of the `call_values` view. */
export interface CallValueRow {
  call_id: number;
  direction: ValueDirection;
  position: number;
  name: string;
  declared_type: string;
  value_json: string;
}

export interface DropRow {
  function_id: number;
  process_id: number;
  reason: DropReason;
  count: number;
  updated_us: number;
}
