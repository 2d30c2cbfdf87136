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
import type { RecordingProcess } from '../ring';
import { BatchedInsert } from './batched-insert';
import { REDACTED_JSON, valueToJson } from './json';
import { Redactor } from './redaction';
import { configureConnection, migrate } from '../schema';

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
  error: { type: string; message: string; stack: string | null } | null;
}

/** A function's total of calls not recorded for one reason, in this recording instance. */
export interface DropTotal {
  fn: number;
  reason: string;
  count: number;
}

/** Everything one transaction writes. */
export interface WriteBatch {
  calls: CallRecord[];
  drops: DropTotal[];
  /** Most bytes the ring held at once, so far. */
  highWater: number;
}

const PRUNE_INTERVAL_MS = 60_000;
const CALL_ID_SCALE = 2 ** 32;

/** What the writer derives once per function of a recording instance. */
interface StoredFunction {
  id: number;
  meta: FunctionMeta;
  redactor: Redactor;
  /** Input value names, for redaction: each parameter's own name (a rest element is redacted by its parameter). */
  restIndex: number;
}

export class TraceWriter {
  private readonly db: Database.Database;
  private readonly info: RecordingProcess;
  private readonly bufferBytes: number;
  private readonly upsertFunction: Database.Statement;
  private readonly upsertProcess: Database.Statement;
  private readonly upsertDrop: Database.Statement;
  private readonly insertCalls: BatchedInsert;
  private readonly pruneStatements: Database.Statement[];
  private readonly functions = new Map<number, StoredFunction>();
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
    this.insertCalls = new BatchedInsert(
      db,
      `INSERT INTO calls (id, function_id, trace, parent, depth, start_us, duration_ns, status, error_type,
                          error_message, error_stack, inputs, outputs)`,
      13,
    );
    this.pruneStatements = [
      db.prepare('DELETE FROM calls WHERE start_us < ?'),
      db.prepare('DELETE FROM drops WHERE updated_us < ?'),
      db.prepare('DELETE FROM processes WHERE updated_us < ? AND NOT EXISTS (SELECT 1 FROM calls WHERE id >> 32 = processes.id)'),
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
    const maxValueSize = this.info.maxValueSize;
    const insert = this.insertCalls;
    for (const call of batch.calls) {
      const fn = this.storedFunction(call.fn, meta, nowUs);
      const error = call.error;
      insert.params.push(
        this.callId(call.id, nowUs),
        fn.id,
        this.callId(call.root, nowUs),
        call.parent === 0 ? null : this.callId(call.parent, nowUs),
        call.depth,
        Math.round((timeOrigin + call.start) * 1000),
        Math.round((call.end - call.start) * 1e6),
        error === null ? 'OK' : 'ERR',
        error?.type ?? null,
        error?.message ?? null,
        error?.stack ?? null,
        call.inputs === null ? null : this.inputsJson(fn, call.inputs, maxValueSize),
        this.outputsJson(fn, call, maxValueSize),
      );
      insert.endRow();
    }
    insert.flush();
    for (const drop of batch.drops) {
      this.upsertDrop.run(this.storedFunction(drop.fn, meta, nowUs).id, processId, drop.reason, drop.count, nowUs);
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

  /** Forgets the transaction: its function rows are gone, and so must be their cached ids. */
  rollback(): void {
    this.insertCalls.discard();
    this.functions.clear();
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
  }

  /** Sets how long a statement waits for another process's write lock before it fails with SQLITE_BUSY. */
  busyTimeout(ms: number): void {
    this.db.pragma(`busy_timeout = ${Math.max(0, Math.round(ms))}`);
  }

  close(): void {
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
    this.db.transaction(() => {
      for (const statement of this.pruneStatements) statement.run(cutoffUs);
    }).immediate();
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
      epoch === 0 ? info.token : `${info.token}-${epoch}`, info.pid, info.threadId, Math.round(info.timeOrigin * 1000), JSON.stringify(info.argv),
      this.bufferBytes, highWater, nowUs,
    ) as { id: number };
    return row.id;
  }

  private storedFunction(index: number, meta: (index: number) => FunctionMeta, nowUs: number): StoredFunction {
    let fn = this.functions.get(index);
    if (fn === undefined) {
      const m = meta(index);
      const columns = functionColumns(m);
      const row = this.upsertFunction.get(
        m.group, m.name, m.file, m.line, m.column, m.kind, columns.params, columns.outputs, columns.resultType,
        m.returnType, nowUs,
      ) as { id: number };
      fn = {
        id: row.id,
        meta: m,
        redactor: new Redactor([...this.info.redact, ...(m.redact ?? [])]),
        restIndex: m.rest ? m.params.length - 1 : -1,
      };
      this.functions.set(index, fn);
    }
    return fn;
  }

  private inputsJson(fn: StoredFunction, inputs: unknown[], maxValueSize: number): string {
    const params = fn.meta.params;
    let json = '[';
    for (let i = 0; i < inputs.length; i++) {
      const name = fn.restIndex >= 0 && i >= fn.restIndex ? params[fn.restIndex]! : (params[i] ?? `arguments[${i}]`);
      if (i > 0) json += ',';
      json += this.valueJson(fn, name, inputs[i], maxValueSize);
    }
    return json + ']';
  }

  /**
   * An array in the order of outputs_json; `{"result": ...}` for a value that did not fit its shape;
   * `{"yielded": n}` for a generator that failed after yielding; null when nothing was captured.
   */
  private outputsJson(fn: StoredFunction, call: CallRecord, maxValueSize: number): string | null {
    const outputs = call.outputs;
    const yielded = call.yielded >= 0 ? String(call.yielded) : null;
    if (outputs === null) return yielded === null ? null : `{"yielded":${yielded}}`;
    if (call.outputFallback) {
      const result = this.valueJson(fn, 'result', outputs[0], maxValueSize);
      return yielded === null ? `{"result":${result}}` : `{"result":${result},"yielded":${yielded}}`;
    }
    const names = fn.meta.outputs;
    let json = '[';
    for (let i = 0; i < outputs.length; i++) {
      if (i > 0) json += ',';
      json += this.valueJson(fn, names[i] ?? `return_${i}`, outputs[i], maxValueSize);
    }
    if (yielded !== null) json += (outputs.length > 0 ? ',' : '') + yielded;
    return json + ']';
  }

  private valueJson(fn: StoredFunction, name: string, value: unknown, maxValueSize: number): string {
    if (fn.redactor.matches(name)) return REDACTED_JSON;
    // The common values need none of json.ts's limits and markers.
    if (typeof value === 'number' && Number.isFinite(value) && !Object.is(value, -0)) return String(value);
    if (typeof value === 'boolean') return value ? 'true' : 'false';
    if (value === null) return 'null';
    return valueToJson(value, fn.redactor, maxValueSize);
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
