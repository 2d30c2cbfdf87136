/**
 * The SQLite data model, shared by the writer (runtime/) and every reader (viewer/).
 *
 * One row per instrumented function, one row per call, one row per recorded variable. Times are integers in
 * microseconds since the Unix epoch, so they sort, subtract and index cheaply; the views turn them into text.
 * The schema version lives in `PRAGMA user_version`; `migrate` upgrades older files step by step and refuses
 * files written by a newer version instead of guessing.
 */
import type { Database } from 'better-sqlite3';

export const SCHEMA_VERSION = 2;

/**
 * The views that keep the column names of the original design. Every version has them; a migration that
 * rebuilds a table they read drops them first and creates them again (SQLite refuses to rename a table while
 * a view refers to a missing one).
 */
const VIEWS = `
  CREATE VIEW process_trace AS
  SELECT
    strftime('%Y-%m-%dT%H:%M:%fZ', c.start_us / 1e6, 'unixepoch') AS ts,
    f.group_name || '.' || f.name                                AS process,
    f.group_name                                                 AS process_group,
    c.status                                                     AS status,
    c.duration_us / 1000.0                                       AS duration_ms,
    CASE WHEN c.status = 'ERR' THEN c.error_type || ': ' || c.error_message END AS exception,
    c.thread_id                                                  AS thread_id,
    c.depth                                                      AS call_depth,
    c.start_us                                                   AS start_ts_us,
    c.id                                                         AS call_id
  FROM calls c JOIN functions f ON f.id = c.function_id;

  CREATE VIEW data_trace AS
  SELECT
    strftime('%Y-%m-%dT%H:%M:%fZ', c.start_us / 1e6, 'unixepoch') AS ts,
    f.group_name || '.' || f.name                                AS process,
    v.name                                                       AS data,
    v.declared_type                                              AS data_type,
    v.value_json                                                 AS data_value,
    v.direction                                                  AS direction,
    c.status                                                     AS status,
    CASE WHEN c.status = 'ERR' THEN c.error_type || ': ' || c.error_message END AS exception,
    c.id                                                         AS call_id
  FROM call_values v JOIN calls c ON c.id = v.call_id JOIN functions f ON f.id = c.function_id;
`;

/** `MIGRATIONS[n]` takes a file from version n to version n + 1; a new file runs them all. */
const MIGRATIONS: readonly string[] = [
  // Version 1.
  `
  CREATE TABLE functions (
    id           INTEGER PRIMARY KEY,
    group_name   TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    file         TEXT    NOT NULL,
    line         INTEGER NOT NULL,
    column       INTEGER NOT NULL,
    kind         TEXT    NOT NULL,
    params_json  TEXT    NOT NULL,   -- JSON array of {name, type}
    return_type  TEXT    NOT NULL,
    first_seen_us INTEGER NOT NULL,
    UNIQUE (group_name, name, file, line)
  );

  CREATE TABLE calls (
    id             INTEGER PRIMARY KEY,
    function_id    INTEGER NOT NULL REFERENCES functions(id),
    trace_id       TEXT    NOT NULL,   -- 32 hex digits, shared by every call of one call tree
    span_id        TEXT    NOT NULL UNIQUE,   -- 16 hex digits
    parent_span_id TEXT,               -- NULL for a root call
    depth          INTEGER NOT NULL,   -- 0 for a root call
    start_us       INTEGER NOT NULL,   -- microseconds since the Unix epoch
    duration_us    REAL    NOT NULL,
    status         TEXT    NOT NULL CHECK (status IN ('OK', 'ERR')),
    error_type     TEXT,
    error_message  TEXT,
    error_stack    TEXT,
    pid            INTEGER NOT NULL,
    thread_id      INTEGER NOT NULL
  );
  -- Duration and status ride in the time indexes so that per-function statistics and time series over a
  -- million calls are read from the index alone (viewer/queries.ts): about 0.5 s instead of 1.1 s.
  CREATE INDEX calls_by_function_time ON calls (function_id, start_us, duration_us, status);
  CREATE INDEX calls_by_time ON calls (start_us, function_id, duration_us, status);
  CREATE INDEX calls_by_trace ON calls (trace_id);
  CREATE INDEX calls_by_parent ON calls (parent_span_id);

  CREATE TABLE call_values (
    id            INTEGER PRIMARY KEY,
    call_id       INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
    name          TEXT    NOT NULL,
    direction     TEXT    NOT NULL CHECK (direction IN ('INPUT', 'OUTPUT')),
    position      INTEGER NOT NULL,
    declared_type TEXT    NOT NULL,
    value_json    TEXT    NOT NULL
  );
  CREATE INDEX call_values_by_call ON call_values (call_id, direction, position);

  -- Records the runtime chose not to write, per function and process: the queue was full, or a batch was lost.
  CREATE TABLE drops (
    function_id INTEGER NOT NULL REFERENCES functions(id),
    pid         INTEGER NOT NULL,
    reason      TEXT    NOT NULL CHECK (reason IN ('queue_full', 'batch_lost')),
    count       INTEGER NOT NULL,
    updated_us  INTEGER NOT NULL,
    PRIMARY KEY (function_id, pid, reason)
  );

  -- One row per recording process: what it was and how hard its queue was pushed.
  CREATE TABLE processes (
    pid              INTEGER NOT NULL,
    started_us       INTEGER NOT NULL,
    argv_json        TEXT    NOT NULL,
    queue_capacity   INTEGER NOT NULL,
    queue_high_water INTEGER NOT NULL,
    updated_us       INTEGER NOT NULL,
    PRIMARY KEY (pid, started_us)
  );

  ${VIEWS}
  `,
  // Version 2. Functions are told apart by column too: two callbacks on one line are two functions. Values
  // are stored clustered by call (no rowid, no separate index: one B-tree insert per value instead of two).
  // Children are found through the trace index, which now carries the parent span; a separate parent index
  // cost every insert for a lookup that is always within one trace. Drop counts are per recording process
  // (pid and start time, since pids are reused) and are running totals, so writing one twice changes nothing.
  `
  CREATE TABLE functions_v2 (
    id           INTEGER PRIMARY KEY,
    group_name   TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    file         TEXT    NOT NULL,
    line         INTEGER NOT NULL,
    column       INTEGER NOT NULL,
    kind         TEXT    NOT NULL,
    params_json  TEXT    NOT NULL,   -- JSON array of {name, type}
    return_type  TEXT    NOT NULL,
    first_seen_us INTEGER NOT NULL,
    UNIQUE (group_name, name, file, line, column)
  );
  INSERT INTO functions_v2 SELECT id, group_name, name, file, line, column, kind, params_json, return_type, first_seen_us FROM functions;

  CREATE TABLE call_values_v2 (
    call_id       INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
    direction     TEXT    NOT NULL CHECK (direction IN ('INPUT', 'OUTPUT')),
    position      INTEGER NOT NULL,
    name          TEXT    NOT NULL,
    declared_type TEXT    NOT NULL,
    value_json    TEXT    NOT NULL,
    PRIMARY KEY (call_id, direction, position)
  ) WITHOUT ROWID;
  INSERT INTO call_values_v2 SELECT call_id, direction, position, name, declared_type, value_json FROM call_values;

  CREATE TABLE drops_v2 (
    function_id INTEGER NOT NULL REFERENCES functions(id),
    pid         INTEGER NOT NULL,
    started_us  INTEGER NOT NULL,   -- with pid, the recording process (processes.started_us)
    reason      TEXT    NOT NULL CHECK (reason IN ('queue_full', 'batch_lost')),
    count       INTEGER NOT NULL,   -- running total for that process
    updated_us  INTEGER NOT NULL,
    PRIMARY KEY (function_id, pid, started_us, reason)
  );
  INSERT INTO drops_v2 SELECT function_id, pid, 0, reason, count, updated_us FROM drops;

  DROP VIEW process_trace;
  DROP VIEW data_trace;
  DROP TABLE call_values;
  DROP TABLE drops;
  DROP TABLE functions;
  ALTER TABLE functions_v2 RENAME TO functions;
  ALTER TABLE call_values_v2 RENAME TO call_values;
  ALTER TABLE drops_v2 RENAME TO drops;

  DROP INDEX calls_by_parent;
  DROP INDEX calls_by_trace;
  CREATE INDEX calls_by_trace ON calls (trace_id, parent_span_id);

  ${VIEWS}
  `,
];

/** Settings every connection wants: WAL so readers never block the writer, and a patient busy timeout. */
export function configureConnection(db: Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 10000');
  db.pragma('foreign_keys = ON');
}

/**
 * Brings the file up to `target` (SCHEMA_VERSION; the tests also build older files to upgrade). Safe to call
 * from several processes at once.
 */
export function migrate(db: Database, target: number = SCHEMA_VERSION): void {
  const version = readSchemaVersion(db);
  if (version >= target) return;
  // Rebuilding a table drops the old one, which foreign keys would refuse while rows still point at it; the
  // setting cannot change inside a transaction, so it is switched off around it and the result checked.
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
  db.pragma('foreign_keys = OFF');
  try {
    // IMMEDIATE takes the write lock first, so two processes opening a new file cannot both create the tables.
    db.transaction(() => {
      const current = readSchemaVersion(db);
      for (let next = current; next < target; next++) db.exec(MIGRATIONS[next]!);
      if (current < target) db.pragma(`user_version = ${target}`);
      const broken = db.pragma('foreign_key_check') as unknown[];
      if (broken.length > 0) throw new Error(`ts-observatory: upgrading ${db.name} left ${broken.length} dangling references.`);
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
// The value lists repeat the CHECK constraints above, which migrations must keep as they were written; code
// names the values through these lists, so that a reader and the schema cannot disagree unnoticed.

/** `calls.status`: the call returned (or resolved), or it threw (or rejected). */
export const CALL_STATUSES = ['OK', 'ERR'] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

/** `call_values.direction`: a parameter, or something the call produced. */
export const VALUE_DIRECTIONS = ['INPUT', 'OUTPUT'] as const;
export type ValueDirection = (typeof VALUE_DIRECTIONS)[number];

/** `drops.reason`: the queue was full when the call ended, or its batch failed to be written twice. */
export const DROP_REASONS = ['queue_full', 'batch_lost'] as const;
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
  return_type: string;
  first_seen_us: number;
}

export interface CallRow {
  id: number;
  function_id: number;
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  depth: number;
  start_us: number;
  duration_us: number;
  status: CallStatus;
  error_type: string | null;
  error_message: string | null;
  error_stack: string | null;
  pid: number;
  thread_id: number;
}

export interface CallValueRow {
  call_id: number;
  direction: ValueDirection;
  position: number;
  name: string;
  declared_type: string;
  value_json: string;
}

export interface ProcessRow {
  pid: number;
  started_us: number;
  argv_json: string;
  queue_capacity: number;
  queue_high_water: number;
  updated_us: number;
}
