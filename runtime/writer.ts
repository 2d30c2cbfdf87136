/**
 * Writes batch messages into the SQLite file: one transaction per batch.
 *
 * Used by the pool's worker threads (worker.ts), and synchronously on the main thread when the process is
 * exiting and the pool can no longer be waited for (lifecycle.ts); better-sqlite3 is synchronous, so the same
 * code serves both.
 *
 * Writing a batch is idempotent. A batch is committed whole or not at all, so if its first call is in the
 * database already (a retry of a batch whose first attempt committed before its worker died, or a batch
 * written again at exit) all of its calls are, and only its drop counts and process row are written: those
 * are running totals and high-water marks, which writing twice does not change.
 *
 * The writer gives calls their ids itself (it holds the write lock, so the next id is max(id) + 1) and inserts
 * many rows per statement (batched-insert.ts). Its connection does not check foreign keys: it writes every
 * function before its calls and every call with its values in one transaction, and the checks cost a
 * fifth of SQLite's time per row (bench/, "Storage ceiling").
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { CallField, type BatchMessage, type FunctionInfo, type ProcessInfo } from './batch';
import { BatchedInsert } from './batched-insert';
import type { ThrownDescription } from './capture';
import type { FunctionMeta } from './contract';
import { REDACTED_JSON, valueToJson } from './json';
import { Redactor } from './redaction';
import { configureConnection, migrate } from './schema';
import { TraceIds } from './trace-ids';

/** What a batch write did, reported back to the main thread. */
export interface WriteResult {
  written: number;
  /** Calls that were in the database already. */
  skipped: number;
}

const PRUNE_INTERVAL_MS = 60_000;

/** What the writer derives once per function of a process. */
interface WriterFunction {
  id: number;
  meta: FunctionMeta;
  redactor: Redactor;
  /** Declared type of each element of the rest parameter. */
  restElementType: string;
  /** Declared type of the `result` row written when a value does not fit its output shape. */
  fallbackType: string;
}

export class TraceWriter {
  private readonly db: Database.Database;
  private readonly upsertFunction: Database.Statement;
  private readonly insertCalls: BatchedInsert;
  private readonly insertValues: BatchedInsert;
  private readonly findSpan: Database.Statement;
  private readonly lastCallId: Database.Statement;
  private readonly upsertDrop: Database.Statement;
  private readonly upsertProcess: Database.Statement;
  private readonly pruneStatements: Database.Statement[];
  private readonly writeTransaction: (batch: BatchMessage, beforeCommit?: () => void) => WriteResult;
  /** By `group|name|file|line|column` and the redaction words. */
  private readonly functions = new Map<string, WriterFunction>();
  private readonly traceIds = new Map<string, TraceIds>();
  private lastPruneMs = 0;
  /** False for the writer of last resort at exit, on the main thread: pruning can wait for the next run. */
  private readonly prunes: boolean;

  constructor(databasePath: string, { prune = true }: { prune?: boolean } = {}) {
    this.prunes = prune;
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
      `INSERT INTO functions (group_name, name, file, line, column, kind, params_json, return_type, first_seen_us)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (group_name, name, file, line, column) DO UPDATE SET
         kind = excluded.kind, params_json = excluded.params_json, return_type = excluded.return_type
       RETURNING id`,
    );
    this.insertCalls = new BatchedInsert(
      db,
      `INSERT INTO calls (id, function_id, trace_id, span_id, parent_span_id, depth, start_us, duration_us, status,
                          error_type, error_message, error_stack, pid, thread_id)`,
      14,
    );
    this.insertValues = new BatchedInsert(
      db,
      'INSERT INTO call_values (call_id, direction, position, name, declared_type, value_json)',
      6,
    );
    this.findSpan = db.prepare('SELECT 1 FROM calls WHERE span_id = ?').pluck();
    this.lastCallId = db.prepare('SELECT coalesce(max(id), 0) FROM calls').pluck();
    this.upsertDrop = db.prepare(
      `INSERT INTO drops (function_id, pid, started_us, reason, count, updated_us) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (function_id, pid, started_us, reason) DO UPDATE SET
         count = max(count, excluded.count), updated_us = excluded.updated_us`,
    );
    this.upsertProcess = db.prepare(
      `INSERT INTO processes (pid, started_us, argv_json, queue_capacity, queue_high_water, updated_us) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (pid, started_us) DO UPDATE SET
         queue_high_water = max(queue_high_water, excluded.queue_high_water), updated_us = excluded.updated_us`,
    );
    this.pruneStatements = [
      db.prepare('DELETE FROM call_values WHERE call_id IN (SELECT id FROM calls WHERE start_us < ?)'),
      db.prepare('DELETE FROM calls WHERE start_us < ?'),
      db.prepare('DELETE FROM drops WHERE updated_us < ?'),
      db.prepare('DELETE FROM processes WHERE updated_us < ?'),
    ];
    // IMMEDIATE takes the write lock up front, so several processes writing one file wait for each other
    // (busy_timeout) instead of failing when a read snapshot turns out to be stale.
    const transaction = db.transaction((batch: BatchMessage, beforeCommit?: () => void) => {
      const result = this.writeBatch(batch);
      beforeCommit?.();
      return result;
    });
    this.writeTransaction = (batch, beforeCommit) => transaction.immediate(batch, beforeCommit);
  }

  /** Writes one batch in one transaction. `beforeCommit` is the crash test hook of worker.ts. */
  write(batch: BatchMessage, beforeCommit?: () => void): WriteResult {
    let result: WriteResult;
    try {
      result = this.writeTransaction(batch, beforeCommit);
    } catch (error) {
      // Function rows inserted by the rolled-back transaction are gone; so must be their cached ids, and
      // the rows still waiting for a statement.
      this.functions.clear();
      this.insertCalls.discard();
      this.insertValues.discard();
      throw error;
    }
    this.pruneNowAndThen(batch.process.retentionHours);
    return result;
  }

  close(): void {
    this.db.close();
  }

  private writeBatch(batch: BatchMessage): WriteResult {
    const nowUs = Date.now() * 1000;
    const { process: info } = batch;
    const functions = new Map<number, WriterFunction>();
    for (const fn of batch.functions) functions.set(fn.index, this.writerFunction(fn, info.redact, nowUs));
    let ids = this.traceIds.get(info.token);
    if (ids === undefined) {
      ids = new TraceIds(info.token);
      this.traceIds.set(info.token, ids);
    }
    const { count, numbers, values, errors } = batch.calls;
    const written = count > 0 && this.findSpan.get(ids.spanId(numbers[CallField.Id]!)) === undefined ? count : 0;
    if (written > 0) {
      let callId = this.lastCallId.get() as number;
      let valueIndex = 0;
      let errorIndex = 0;
      for (let at = 0; at < count * CallField.Size; at += CallField.Size) {
        const error = numbers[at + CallField.Failed] === 1 ? errors[errorIndex++]! : null;
        const fn = functions.get(numbers[at + CallField.Fn]!)!;
        this.writeCall(++callId, numbers, at, error, values, valueIndex, fn, info, ids);
        valueIndex += Math.max(0, numbers[at + CallField.InputCount]!) + Math.max(0, numbers[at + CallField.OutputCount]!);
      }
      this.insertCalls.flush();
      this.insertValues.flush();
    }
    const skipped = count - written;
    // Drop counts are running totals, so a batch written twice (a retry, or again at exit) changes nothing.
    for (const drop of batch.drops) {
      this.upsertDrop.run(functions.get(drop.fn)!.id, info.pid, info.startedUs, drop.reason, drop.count, nowUs);
    }
    this.upsertProcess.run(info.pid, info.startedUs, JSON.stringify(info.argv), info.queueCapacity, info.queueHighWater, nowUs);
    return { written, skipped };
  }

  /** Writes the call at offset `at` of the batch's numbers, whose values start at `values[first]`. */
  private writeCall(
    callId: number,
    numbers: Float64Array,
    at: number,
    error: ThrownDescription | null,
    values: unknown[],
    first: number,
    fn: WriterFunction,
    info: ProcessInfo,
    ids: TraceIds,
  ): void {
    const parentId = numbers[at + CallField.ParentId]!;
    const start = numbers[at + CallField.Start]!;
    this.insertCalls.params.push(
      callId,
      fn.id,
      ids.traceId(numbers[at + CallField.RootId]!),
      ids.spanId(numbers[at + CallField.Id]!),
      parentId === 0 ? null : ids.spanId(parentId),
      numbers[at + CallField.Depth],
      Math.round((info.timeOrigin + start) * 1000),
      Math.round((numbers[at + CallField.End]! - start) * 1e6) / 1000,
      error === null ? 'OK' : 'ERR',
      error?.type ?? null,
      error?.message ?? null,
      error?.stack ?? null,
      info.pid,
      info.threadId,
    );
    this.insertCalls.endRow();
    const meta = fn.meta;
    const inputCount = numbers[at + CallField.InputCount]!;
    const restIndex = meta.rest ? meta.params.length - 1 : -1;
    for (let i = 0; i < inputCount; i++) {
      const isRest = restIndex >= 0 && i >= restIndex;
      const baseName = isRest ? meta.params[restIndex]! : (meta.params[i] ?? `arguments[${i}]`);
      const name = isRest ? `${baseName}[${i - restIndex}]` : baseName;
      const type = isRest ? fn.restElementType : (meta.paramTypes[i] ?? 'unknown');
      this.writeValue(callId, name, baseName, 'INPUT', i, type, values[first + i], fn.redactor, info.maxValueSize);
    }
    const outputCount = numbers[at + CallField.OutputCount]!;
    const fallback = numbers[at + CallField.OutputFallback] === 1;
    const outputsAt = first + Math.max(0, inputCount);
    for (let i = 0; i < outputCount; i++) {
      const name = fallback ? 'result' : (meta.outputs[i] ?? `return_${i}`);
      const type = fallback ? fn.fallbackType : (meta.outputTypes[i] ?? 'unknown');
      this.writeValue(callId, name, name, 'OUTPUT', i, type, values[outputsAt + i], fn.redactor, info.maxValueSize);
    }
    const yielded = numbers[at + CallField.Yielded]!;
    if (yielded >= 0) {
      this.writeValue(callId, 'yielded', 'yielded', 'OUTPUT', Math.max(0, outputCount), 'number', yielded, fn.redactor, info.maxValueSize);
    }
  }

  private writeValue(
    callId: number,
    name: string,
    redactionName: string,
    direction: 'INPUT' | 'OUTPUT',
    position: number,
    type: string,
    value: unknown,
    redactor: Redactor,
    maxValueSize: number,
  ): void {
    const json = redactor.matches(redactionName) ? REDACTED_JSON : valueToJson(value, redactor, maxValueSize);
    this.insertValues.params.push(callId, direction, position, name, type, json);
    this.insertValues.endRow();
  }

  private writerFunction(info: FunctionInfo, globalRedact: string[], nowUs: number): WriterFunction {
    const { meta } = info;
    const redact = [...globalRedact, ...(meta.redact ?? [])];
    const key = `${meta.group}|${meta.name}|${meta.file}|${meta.line}|${meta.column}|${redact.join(',')}`;
    let fn = this.functions.get(key);
    if (fn === undefined) {
      const params = meta.params.map((name, i) => ({ name, type: meta.paramTypes[i] ?? 'unknown' }));
      const row = this.upsertFunction.get(
        meta.group, meta.name, meta.file, meta.line, meta.column, meta.kind, JSON.stringify(params), meta.returnType, nowUs,
      ) as { id: number };
      fn = {
        id: row.id,
        meta,
        redactor: new Redactor(redact),
        restElementType: meta.rest ? elementType(meta.paramTypes[meta.params.length - 1] ?? 'unknown') : 'unknown',
        fallbackType: meta.async ? unwrapPromise(meta.returnType) : meta.returnType,
      };
      this.functions.set(key, fn);
    }
    return fn;
  }

  /** Deletes rows older than the retention period, at most once a minute per writer. */
  private pruneNowAndThen(retentionHours: number): void {
    if (!this.prunes || retentionHours <= 0) return;
    const now = Date.now();
    if (now - this.lastPruneMs < PRUNE_INTERVAL_MS) return;
    this.lastPruneMs = now;
    const cutoffUs = Math.round((now - retentionHours * 3_600_000) * 1000);
    this.db.transaction(() => {
      for (const statement of this.pruneStatements) statement.run(cutoffUs);
    }).immediate();
  }
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

/** An async function's `result` row holds the settled value: `Promise<T>` -> `T`. */
function unwrapPromise(type: string): string {
  const match = /^Promise<(.*)>$/s.exec(type.trim());
  return match ? match[1]!.trim() : type;
}
