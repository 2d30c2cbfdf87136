/**
 * How files of older schema versions become the current one (schema.ts): `upgradeSql(n)` takes a file from version
 * n to version n + 1, converting its rows. The steps to versions 1 and 2 are kept as they were released: they
 * upgrade version 1 files on their way, and the tests build old files with them to upgrade.
 */
import { CHILDREN_BY_TRACE, ERROR_DETAIL, SPANS_VIEW, TABLES, TRACE_LINKS, VIEWS, WITHOUT_TIME_INDEX } from './schema';

/** The views of versions 1 and 2, over their tables; the upgrade to version 3 replaces them. */
const VERSION_2_VIEWS = `
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

const CREATE_VERSION_1 = `
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

  ${VERSION_2_VIEWS}
  `;

// Version 2. Functions are told apart by column too: two callbacks on one line are two functions. Values
// are stored clustered by call (no rowid, no separate index: one B-tree insert per value instead of two).
// Children are found through the trace index, which now carries the parent span; a separate parent index
// cost every insert for a lookup that is always within one trace. Drop counts are per recording process
// (pid and start time, since pids are reused) and are running totals, so writing one twice changes nothing.
const VERSION_1_TO_2 = `
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

  ${VERSION_2_VIEWS}
  `;

// Version 3: one row per call, values packed in it (schema.ts). The old tables are renamed out of the way,
// the new ones created from the same text as a new file's, and every row converted:
// - a recording instance per pid and thread of the old calls (and per pid that only has drops or a
//   processes row), its token made from them; old queues counted records, not bytes, so its ring figures
//   are 0 (readers leave such rings out of the fullest-ring note);
// - call ids renumbered per instance in the old id order; a parent found by its span, or, when the parent
//   was never stored, call number 0 of the instance, which no call has, so that the call still shows a
//   parent that was not recorded; a trace's id is its root's, or its first call's when the root is missing;
// - values packed in position order; the rest parameter and the output names are read back from the rows,
//   since version 2 kept them only there: a call whose only output is `result` while its function has other
//   output names did not fit them and becomes {"result": v}; a function with `yielded` rows is a generator;
// - drops summed per function, instance (thread 0 of their pid) and reason, their reasons kept.
/**
 * Version 4 adds trace_links and the spans view that reads it. A file upgraded from version 2 already has
 * both (version2To3 builds the current tables), so the table is created only where it is missing.
 */
function version3To4(): string {
  return `
  DROP VIEW spans;
  ${TRACE_LINKS.replace(/CREATE (TABLE|INDEX) /g, 'CREATE $1 IF NOT EXISTS ')}
  ${SPANS_VIEW}`;
}

/** Version 5 adds calls.error_detail and calls.error_expected in place: every existing row has no detail, and is unexpected. */
function version4To5(): string {
  return ERROR_DETAIL;
}

function version2To3(): string {
  return `
  DROP VIEW IF EXISTS process_trace;
  DROP VIEW IF EXISTS data_trace;
  DROP INDEX calls_by_function_time;
  DROP INDEX calls_by_time;
  DROP INDEX calls_by_trace;
  ALTER TABLE functions RENAME TO functions_v2;
  ALTER TABLE processes RENAME TO processes_v2;
  ALTER TABLE calls RENAME TO calls_v2;
  ALTER TABLE call_values RENAME TO call_values_v2;
  ALTER TABLE drops RENAME TO drops_v2;

  ${TABLES}

  INSERT INTO processes (token, pid, thread_id, started_us, argv_json, buffer_bytes, buffer_high_water, updated_us)
  SELECT printf('%016x%016x', i.pid, i.thread_id), i.pid, i.thread_id, coalesce(p.started_us, i.first_us, 0),
         coalesce(p.argv_json, '[]'), 0, 0, max(coalesce(p.updated_us, 0), coalesce(i.last_us, 0))
    FROM (SELECT pid, thread_id, min(start_us) AS first_us, max(start_us) AS last_us FROM calls_v2 GROUP BY pid, thread_id
          UNION ALL
          SELECT pid, 0, NULL, NULL FROM (SELECT pid FROM processes_v2 UNION SELECT pid FROM drops_v2)
           WHERE pid NOT IN (SELECT pid FROM calls_v2 WHERE thread_id = 0)) i
    LEFT JOIN (SELECT pid, min(started_us) AS started_us, max(updated_us) AS updated_us, argv_json
                 FROM processes_v2 GROUP BY pid) p ON p.pid = i.pid
   ORDER BY i.pid, i.thread_id;

  CREATE TEMP TABLE v3_call_ids (old_id INTEGER PRIMARY KEY, span_id TEXT NOT NULL UNIQUE, new_id INTEGER NOT NULL);
  INSERT INTO v3_call_ids
  SELECT c.id, c.span_id, (p.id << 32) + row_number() OVER (PARTITION BY p.id ORDER BY c.id)
    FROM calls_v2 c JOIN processes p ON p.pid = c.pid AND p.thread_id = c.thread_id;
  CREATE TEMP TABLE v3_traces (trace_id TEXT PRIMARY KEY, root INTEGER NOT NULL);
  INSERT INTO v3_traces
  SELECT c.trace_id, coalesce(min(i.new_id) FILTER (WHERE c.parent_span_id IS NULL), min(i.new_id))
    FROM calls_v2 c JOIN v3_call_ids i ON i.old_id = c.id GROUP BY c.trace_id;

  CREATE TEMP TABLE v3_outputs (function_id INTEGER PRIMARY KEY, named INTEGER, generator INTEGER, result_type TEXT, names TEXT);
  INSERT INTO v3_outputs (function_id, named, generator, result_type)
  SELECT c.function_id, max(v.name NOT IN ('result', 'yielded')), max(v.name = 'yielded'),
         min(v.declared_type) FILTER (WHERE v.name = 'result')
    FROM call_values_v2 v JOIN calls_v2 c ON c.id = v.call_id WHERE v.direction = 'OUTPUT' GROUP BY c.function_id;
  UPDATE v3_outputs SET names = (
    SELECT json_group_array(json_object('name', name, 'type', type) ORDER BY position)
      FROM (SELECT v.position, min(v.name) AS name, min(v.declared_type) AS type
              FROM calls_v2 c JOIN call_values_v2 v ON v.call_id = c.id AND v.direction = 'OUTPUT'
             WHERE c.function_id = v3_outputs.function_id AND v.name NOT IN ('result', 'yielded')
             GROUP BY v.position))
   WHERE named;

  INSERT INTO functions (id, group_name, name, file, line, column, kind, params_json, outputs_json, result_type,
                         return_type, first_seen_us)
  SELECT f.id, f.group_name, f.name, f.file, f.line, f.column, f.kind,
         coalesce((SELECT json_set(f.params_json, '$[#-1].rest', json('true'), '$[#-1].elementType', v.declared_type)
                     FROM calls_v2 c JOIN call_values_v2 v ON v.call_id = c.id AND v.direction = 'INPUT'
                    WHERE c.function_id = f.id AND v.position = json_array_length(f.params_json) - 1
                      AND v.name = (f.params_json ->> '$[#-1].name') || '[0]' LIMIT 1), f.params_json),
         CASE WHEN o.generator THEN json_insert(o.names, '$[#]', json_object('name', 'yielded', 'type', 'number'))
              ELSE coalesce(o.names, '[]') END,
         coalesce(o.result_type, f.return_type), f.return_type, f.first_seen_us
    FROM functions_v2 f
    LEFT JOIN (SELECT function_id, generator, result_type,
                      CASE WHEN named THEN names
                           WHEN result_type IS NOT NULL THEN json_array(json_object('name', 'result', 'type', result_type))
                           ELSE '[]' END AS names
                 FROM v3_outputs) o ON o.function_id = f.id;

  INSERT INTO calls (id, function_id, trace, parent, depth, start_us, duration_ns, status, error_type, error_message,
                     error_stack, inputs, outputs)
  SELECT i.new_id, c.function_id, t.root,
         CASE WHEN c.parent_span_id IS NOT NULL
              THEN coalesce((SELECT p.new_id FROM v3_call_ids p WHERE p.span_id = c.parent_span_id), (i.new_id >> 32) << 32) END,
         c.depth, c.start_us, CAST(round(c.duration_us * 1000) AS INTEGER), c.status, c.error_type, c.error_message,
         c.error_stack,
         (SELECT CASE WHEN count(*) > 0 OR json_array_length(f.params_json) = 0
                      THEN json_group_array(json(v.value_json) ORDER BY v.position) END
            FROM call_values_v2 v WHERE v.call_id = c.id AND v.direction = 'INPUT'),
         (SELECT CASE WHEN count(*) = 0 THEN (CASE WHEN c.status = 'OK' AND f.outputs_json = '[]' THEN '[]' END)
                      WHEN o.named AND max(v.name = 'result') THEN json_group_object(v.name, json(v.value_json) ORDER BY v.position)
                      ELSE json_group_array(json(v.value_json) ORDER BY v.position) END
            FROM call_values_v2 v WHERE v.call_id = c.id AND v.direction = 'OUTPUT')
    FROM calls_v2 c
    JOIN v3_call_ids i ON i.old_id = c.id
    JOIN v3_traces t ON t.trace_id = c.trace_id
    JOIN functions f ON f.id = c.function_id
    LEFT JOIN v3_outputs o ON o.function_id = c.function_id;

  INSERT INTO drops (function_id, process_id, reason, count, updated_us)
  SELECT d.function_id, p.id, d.reason, sum(d.count), max(d.updated_us)
    FROM drops_v2 d JOIN processes p ON p.pid = d.pid AND p.thread_id = 0
   GROUP BY d.function_id, p.id, d.reason;

  DROP TABLE call_values_v2;
  DROP TABLE calls_v2;
  DROP TABLE drops_v2;
  DROP TABLE processes_v2;
  DROP TABLE functions_v2;
  DROP TABLE v3_call_ids;
  DROP TABLE v3_traces;
  DROP TABLE v3_outputs;

  ${VIEWS}
  `;
}

/** Version 6 rebuilds calls_by_trace without the root calls; no row changes. */
function version5To6(): string {
  return CHILDREN_BY_TRACE;
}

/** Version 7 drops calls_by_time; no row changes. */
function version6To7(): string {
  return WITHOUT_TIME_INDEX;
}

/** The SQL that takes a file from `version` to `version + 1`. */
export function upgradeSql(version: number): string {
  // A function, not a list: version2To3 reads the current tables from schema.ts, which imports this file.
  return [CREATE_VERSION_1, VERSION_1_TO_2, version2To3(), version3To4(), version4To5(), version5To6(), version6To7()][
    version
  ]!;
}
