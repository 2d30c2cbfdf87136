/**
 * Writes calls into the SQLite file (schema.ts, version 3): one row per call, its values packed in the row as
 * JSON arrays, names and declared types once per function.
 *
 * Runs on the writer thread (drain.ts), and on the recording thread only at exit, to store the counts of
 * what the exit deadline left unwritten (writeExitDrops). The caller holds the transaction: a batch of
 * records is committed whole or not at all, and the ring is released only after the commit, so a batch
 * written again after a crash is never written twice.
 *
 * Call ids are assigned by the recording instance, not by SQLite: the instance's `processes` row id times
 * 2^32 plus the call's number in that instance. So rows are inserted in rowid order (the B-tree appends), a
 * parent and its trace are known without a lookup, and two instances writing one file never collide.
 * Inserts go many rows per statement (batched-insert.ts). Foreign keys are not checked: the writer writes
 * every function before its calls.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import type { FunctionMeta } from '../contract';
import type { DropTotal, RecordingProcess } from '../ring';
import { BatchedInsert } from './batched-insert';
import { Checkpointer } from './checkpointer';
import type { PreparedCall } from './function-values';
import type { CallIds } from './span-export';
import { configureConnection, migrate, traceCallsSql } from '../schema';

/** A call as the ring carried it, its values rebuilt (drain.ts). */
export interface CallRecord {
  fn: number;
  id: number;
  parent: number;
  root: number;
  depth: number;
  /** performance.now() of the recording thread at entry and completion, in milliseconds. */
  start: number;
  end: number;
  /** Null when the tag's capture= leaves inputs out. */
  inputs: unknown[] | null;
  /** Null when not captured, and for failed calls. */
  outputs: unknown[] | null;
  /** The outputs are one `result` value that did not fit the declared shape. */
  outputFallback: boolean;
  /** Values a generator yielded, -1 when not counted. */
  yielded: number;
  /** `detail` is the error detail's form (record/value-encoder.ts, encodeErrorDetail), null when it has none. */
  error: { type: string; message: string; stack: string | null; detail: unknown } | null;
  /** The OpenTelemetry span the call's trace joined; null for a trace of its own. */
  link: TraceLinkIds | null;
}

/** A joined trace's OpenTelemetry ids (hex): its trace id, and the span its root call is the child of. */
export interface TraceLinkIds {
  traceId: string;
  parentSpanId: string;
}

/** Everything one transaction writes: calls with their text made (function-values.ts), outside the transaction. */
export interface WriteBatch {
  calls: PreparedCall[];
  drops: DropTotal[];
  /** Most bytes the ring held at once, so far. */
  highWater: number;
}

/** A failed call of the batch being written, for working out which failures were expected. */
interface Failure {
  id: number;
  trace: number;
  type: string;
  message: string | null;
  /** Its function lists its type in expected=. */
  expects: boolean;
}

/**
 * The columns of `calls` every row binds, in the order `write` pushes them. A call that returned binds only
 * these, its status written into the statement (RETURNED_CALL) and its error columns left to their defaults;
 * a failed call binds FAILED_CALL_COLUMNS after them. Most calls return, and binding 9 parameters a row instead
 * of 15 took SQLite alone from about 262,000 to 382,000 rows a second without secondary indexes, and from
 * 168,000 to 180,000 with them (bench/ceiling's rows, on the development machine).
 */
export const CALL_COLUMNS = [
  'id',
  'function_id',
  'trace',
  'parent',
  'depth',
  'start_us',
  'duration_ns',
  'inputs',
  'outputs',
] as const;
export const RETURNED_CALL = { status: "'OK'" } as const;
const FAILED_CALL_COLUMNS = ['status', 'error_type', 'error_message', 'error_stack', 'error_detail', 'error_expected'];

const PRUNE_INTERVAL_MS = 60_000;
const CALL_ID_SCALE = 2 ** 32;

export class TraceWriter implements CallIds {
  private readonly db: Database.Database;
  private readonly info: RecordingProcess;
  private readonly bufferBytes: number;
  private readonly upsertFunction: Database.Statement;
  private readonly upsertProcess: Database.Statement;
  private readonly upsertDrop: Database.Statement;
  private readonly insertLink: Database.Statement;
  /** Links of joined traces whose calls were all pruned. */
  private readonly pruneLinks: Database.Statement;
  /** Calls that returned, and calls that failed: a returned call binds no error columns. */
  private readonly insertReturned: BatchedInsert;
  private readonly insertFailed: BatchedInsert;
  private readonly expectedDown: Database.Statement;
  private readonly expectedUp: Database.Statement;
  private readonly pruneStatements: Database.Statement[];
  private readonly checkpoints: Checkpointer;
  /** Database ids of the instance's functions by index; forgotten when a transaction is rolled back. */
  private readonly functionIds = new Map<number, number>();
  /** This batch's `processes` row ids by epoch of call numbers (see callId). */
  private readonly epochs = new Map<number, number>();
  private lastPruneMs = 0;

  constructor(databasePath: string, info: RecordingProcess, bufferBytes: number) {
    this.info = info;
    this.bufferBytes = bufferBytes;
    fs.mkdirSync(path.dirname(databasePath), { recursive: true });
    this.db = new Database(databasePath);
    try {
      configureConnection(this.db);
      migrate(this.db);
      this.db.pragma('foreign_keys = OFF');
    } catch (error) {
      this.db.close();
      throw error;
    }
    const db = this.db;
    this.checkpoints = new Checkpointer(db, databasePath);
    this.upsertFunction = db.prepare(
      `INSERT INTO functions (group_name, name, file, line, column, kind, params_json, outputs_json, result_type,
                              return_type, first_seen_us)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (group_name, name, file, line, column) DO UPDATE SET
         kind = excluded.kind, params_json = excluded.params_json, outputs_json = excluded.outputs_json,
         result_type = excluded.result_type, return_type = excluded.return_type
       RETURNING id`,
    );
    this.upsertProcess = db.prepare(
      `INSERT INTO processes (token, pid, thread_id, started_us, argv_json, buffer_bytes, buffer_high_water, updated_us)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (token) DO UPDATE SET
         buffer_high_water = max(buffer_high_water, excluded.buffer_high_water), updated_us = excluded.updated_us
       RETURNING id`,
    );
    this.upsertDrop = db.prepare(
      `INSERT INTO drops (function_id, process_id, reason, count, updated_us) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (function_id, process_id, reason) DO UPDATE SET
         count = max(count, excluded.count), updated_us = excluded.updated_us`,
    );
    this.insertLink = db.prepare(
      'INSERT OR IGNORE INTO trace_links (trace, trace_id, parent_span_id) VALUES (?, ?, ?)',
    );
    this.pruneLinks = db.prepare(
      `DELETE FROM trace_links WHERE NOT EXISTS (SELECT 1 FROM calls WHERE ${traceCallsSql('calls', 'trace_links.trace')})`,
    );
    this.insertReturned = new BatchedInsert(db, 'calls', CALL_COLUMNS, RETURNED_CALL);
    this.insertFailed = new BatchedInsert(db, 'calls', [...CALL_COLUMNS, ...FAILED_CALL_COLUMNS]);
    // An error passes up through its callers, failing each with the same type and message: it is one error,
    // expected or not as a whole. Children complete, and are written, before their parents, so when a call
    // fails its failed children are already rows: one that expects the error marks them all the way down to
    // where it began, and a caller of an expected error's call inherits it.
    this.expectedDown = db.prepare(
      `WITH RECURSIVE passed (id) AS (
         SELECT ? UNION ALL
         SELECT k.id FROM calls k JOIN passed p ON k.parent = p.id
          WHERE k.trace = ? AND k.status = 'ERR' AND k.error_type IS ? AND k.error_message IS ?)
       UPDATE calls SET error_expected = 1 WHERE id IN (SELECT id FROM passed) AND error_expected = 0`,
    );
    this.expectedUp = db.prepare(
      `UPDATE calls SET error_expected = 1
        WHERE id = ? AND EXISTS (SELECT 1 FROM calls k WHERE k.trace = ? AND k.parent = ? AND k.status = 'ERR'
                                    AND k.error_expected = 1 AND k.error_type IS ? AND k.error_message IS ?)`,
    );
    this.pruneStatements = [
      // Function by function, each from the start of its stretch of calls_by_function_time: schema 7 has no index
      // of all calls by time, and without the ids SQLite would scan the whole table every minute.
      db.prepare('DELETE FROM calls WHERE function_id IN (SELECT id FROM functions) AND start_us < ?'),
      db.prepare('DELETE FROM drops WHERE updated_us < ?'),
      db.prepare(
        'DELETE FROM processes WHERE updated_us < ? AND NOT EXISTS (SELECT 1 FROM calls WHERE id >> 32 = processes.id)',
      ),
    ];
  }

  /**
   * Writes one batch inside a transaction the caller began with `begin()`; `meta(index)` gives a function's
   * FunctionMeta the first time the instance's records name it.
   */
  write(batch: WriteBatch, meta: (index: number) => FunctionMeta): void {
    const nowUs = Date.now() * 1000;
    const processId = this.storeProcess(batch.highWater, nowUs, 0);
    this.epochs.clear();
    this.epochs.set(0, processId);
    const timeOrigin = this.info.timeOrigin;
    const returned = this.insertReturned;
    const failed = this.insertFailed;
    const failures: Failure[] = [];
    for (const { record: call, inputs, outputs, errorMessage, errorStack, errorDetail } of batch.calls) {
      const trace = this.callId(call.root, nowUs);
      const id = this.callId(call.id, nowUs);
      if (call.link) this.insertLink.run(trace, call.link.traceId, call.link.parentSpanId);
      const error = call.error;
      const insert = error === null ? returned : failed;
      insert.value(id);
      insert.value(this.functionId(call.fn, meta, nowUs));
      insert.value(trace);
      insert.value(call.parent === 0 ? null : this.callId(call.parent, nowUs));
      insert.value(call.depth);
      insert.value(Math.round((timeOrigin + call.start) * 1000));
      insert.value(Math.round((call.end - call.start) * 1e6));
      insert.value(inputs);
      insert.value(outputs);
      if (error !== null) {
        const expects = meta(call.fn).expected?.includes(error.type) === true;
        failures.push({ id, trace, type: error.type, message: errorMessage, expects });
        insert.value('ERR');
        insert.value(error.type);
        insert.value(errorMessage);
        insert.value(errorStack);
        insert.value(errorDetail);
        insert.value(expects ? 1 : 0);
      }
      insert.endRow();
    }
    returned.flush();
    failed.flush();
    for (const { id, trace, type, message, expects } of failures) {
      if (expects) this.expectedDown.run(id, trace, type, message);
      else this.expectedUp.run(id, trace, id, type, message);
    }
    for (const drop of batch.drops) {
      this.upsertDrop.run(this.functionId(drop.fn, meta, nowUs), processId, drop.reason, drop.count, nowUs);
    }
  }

  begin(): void {
    // IMMEDIATE takes the write lock up front, so several processes writing one file wait for each other
    // (busy_timeout) instead of failing when a read snapshot turns out to be stale.
    this.db.exec('BEGIN IMMEDIATE');
  }

  commit(): void {
    this.db.exec('COMMIT');
  }

  /**
   * After a commit, outside the transaction and the Committing state the exit path waits on: `behind` says
   * whether more than that transaction was waiting, which decides where the WAL's checkpoints run
   * (checkpointer.ts). Never throws.
   */
  afterCommit(behind: boolean): void {
    this.checkpoints.committed(behind);
  }

  /** Forgets the transaction: its function rows are gone, and so must be their cached ids. */
  rollback(): void {
    this.insertReturned.discard();
    this.insertFailed.discard();
    this.functionIds.clear();
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
  }

  /** Sets how long a statement waits for another process's write lock before it fails with SQLITE_BUSY. */
  busyTimeout(ms: number): void {
    this.db.pragma(`busy_timeout = ${Math.max(0, Math.round(ms))}`);
  }

  close(): void {
    this.checkpoints.close();
    this.db.close();
  }

  /**
   * Deletes rows older than the retention period, at most once a minute per writer, in its own transaction.
   * `now` (epoch milliseconds) is a parameter so the tests can move the clock instead of waiting a minute.
   */
  pruneNowAndThen(now: number = Date.now()): void {
    const retentionHours = this.info.retentionHours;
    if (retentionHours <= 0) return;
    if (now - this.lastPruneMs < PRUNE_INTERVAL_MS) return;
    this.lastPruneMs = now;
    const cutoffUs = Math.round((now - retentionHours * 3_600_000) * 1000);
    this.db
      .transaction(() => {
        for (const statement of this.pruneStatements) statement.run(cutoffUs);
        this.pruneLinks.run();
      })
      .immediate();
  }

  /** The database id of call number `n` of the batch last written (its epochs are known by then). */
  idOf(n: number): number {
    const epoch = Math.floor(n / CALL_ID_SCALE);
    return this.epochs.get(epoch)! * CALL_ID_SCALE + (n - epoch * CALL_ID_SCALE);
  }

  /**
   * The database id of the instance's call number `n`. Each `processes` row numbers 2^32 calls; an instance
   * that records more continues under a second row (its token suffixed with the epoch), so ids never collide.
   */
  private callId(n: number, nowUs: number): number {
    const epoch = Math.floor(n / CALL_ID_SCALE);
    let processId = this.epochs.get(epoch);
    if (processId === undefined) {
      processId = this.storeProcess(0, nowUs, epoch);
      this.epochs.set(epoch, processId);
    }
    return processId * CALL_ID_SCALE + (n - epoch * CALL_ID_SCALE);
  }

  private storeProcess(highWater: number, nowUs: number, epoch: number): number {
    const info = this.info;
    const row = this.upsertProcess.get(
      epoch === 0 ? info.token : `${info.token}-${epoch}`,
      info.pid,
      info.threadId,
      Math.round(info.timeOrigin * 1000),
      JSON.stringify(info.argv),
      this.bufferBytes,
      highWater,
      nowUs,
    ) as { id: number };
    return row.id;
  }

  private functionId(index: number, meta: (index: number) => FunctionMeta, nowUs: number): number {
    let id = this.functionIds.get(index);
    if (id === undefined) {
      const m = meta(index);
      const columns = functionColumns(m);
      const row = this.upsertFunction.get(
        m.group,
        m.name,
        m.file,
        m.line,
        m.column,
        m.kind,
        columns.params,
        columns.outputs,
        columns.resultType,
        m.returnType,
        nowUs,
      ) as { id: number };
      id = row.id;
      this.functionIds.set(index, id);
    }
    return id;
  }
}

/**
 * The `functions` columns that name a function's values: params_json (the rest parameter with its element
 * type), outputs_json (with `yielded` last for a generator) and result_type.
 */
function functionColumns(meta: FunctionMeta): { params: string; outputs: string; resultType: string } {
  const restIndex = meta.rest ? meta.params.length - 1 : -1;
  const params = meta.params.map((name, i) => {
    const type = meta.paramTypes[i] ?? 'unknown';
    return i === restIndex ? { name, type, rest: true, elementType: elementType(type) } : { name, type };
  });
  const outputs = meta.outputs.map((name, i) => ({ name, type: meta.outputTypes[i] ?? 'unknown' }));
  if (meta.generator) outputs.push({ name: 'yielded', type: 'number' });
  return {
    params: JSON.stringify(params),
    outputs: JSON.stringify(outputs),
    resultType: meta.async ? unwrapPromise(meta.returnType) : meta.returnType,
  };
}

/** `number[]` -> `number`, `Array<T>` / `readonly T[]` -> `T`; anything else is kept as written. */
function elementType(arrayType: string): string {
  const text = arrayType.trim().replace(/^readonly\s+/, '');
  const generic = /^(?:Readonly)?Array<(.*)>$/s.exec(text);
  if (generic) return generic[1]!.trim();
  if (text.endsWith('[]')) {
    const element = text.slice(0, -2).trim();
    return /^\(.*\)$/s.test(element) ? element.slice(1, -1).trim() : element;
  }
  return text;
}

/** An async function's `result` value holds the settled value: `Promise<T>` -> `T`. */
function unwrapPromise(type: string): string {
  const match = /^Promise<(.*)>$/s.exec(type.trim());
  return match ? match[1]!.trim() : type;
}
