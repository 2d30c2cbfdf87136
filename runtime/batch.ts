/**
 * Batch messages: what the main thread sends the writer, and how completed records become one.
 *
 * A message is plain data that survives structured clone: the records' values are copied by capture.ts, and
 * everything the writer derives (row names, span ids, JSON text, redaction) is left to the worker, so the
 * main thread spends as little as possible per record. Functions are sent by meta with each batch that
 * refers to them (by registry index); the writer caches their database ids.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { threadId } from 'node:worker_threads';
import { CallStatus, type Call } from './call';
import { describeThrown, ValueCapture, type ThrownDescription } from './capture';
import type { FunctionMeta } from './contract';
import { registeredFunctions, type FunctionHandle } from './function-handle';
import { captureInputs } from './inputs';
import { captureOutputs, fitsOutputShape } from './outputs';
import type { RecordQueue } from './queue';
import { settings } from './settings';

export interface BatchMessage {
  databasePath: string;
  process: ProcessInfo;
  functions: FunctionInfo[];
  calls: CallColumns;
  drops: DropCount[];
}

/** The recording thread. `token` is random per runtime instance; span and trace ids are derived from it. */
export interface ProcessInfo {
  pid: number;
  threadId: number;
  /** performance.timeOrigin of the recording thread; record times are relative to it. */
  timeOrigin: number;
  token: string;
  startedUs: number;
  argv: string[];
  queueCapacity: number;
  queueHighWater: number;
  retentionHours: number;
  /** OBSERVATORY_REDACT: names redacted in every function, lower case. */
  redact: string[];
  /** OBSERVATORY_MAX_VALUE_SIZE: bytes of JSON text one stored value may take. */
  maxValueSize: number;
}

export interface FunctionInfo {
  index: number;
  meta: FunctionMeta;
}

/**
 * The calls of a batch, by column: structured clone copies one typed array and one flat array of values far
 * faster than thousands of small objects (measured: ~25x less time for a 4096-call batch), and the clone
 * runs on the user's thread.
 */
export interface CallColumns {
  count: number;
  /** CallField.Size numbers per call. */
  numbers: Float64Array;
  /** The captured inputs, then the captured outputs, of each call in turn. */
  values: unknown[];
  /** One description per failed call, in call order. */
  errors: ThrownDescription[];
}

/** Offsets of a call's numbers in CallColumns.numbers. */
export const enum CallField {
  /** Registry index of the function. */
  Fn,
  Id,
  /** 0 for a root call. */
  ParentId,
  RootId,
  Depth,
  /** performance.now() of the recording thread at entry and completion, in milliseconds. */
  Start,
  End,
  /** 1 when the call failed; its description is next in CallColumns.errors. */
  Failed,
  /** Inputs in the order of meta.params, rest expanded; -1 when the tag says not to capture them. */
  InputCount,
  /** Outputs in the order of meta.outputs (or one `result` when OutputFallback is 1); -1 when not captured. */
  OutputCount,
  OutputFallback,
  /** Values a generator yielded; -1 for other functions or when outputs are not captured. */
  Yielded,
  Size,
}

/** A function's drop total for one reason, since the recording process started. */
export interface DropCount {
  fn: number;
  reason: 'queue_full' | 'batch_lost';
  count: number;
}

/** Builds batch messages on the recording thread. */
export class BatchBuilder {
  private readonly queue: RecordQueue;
  private readonly capture = new ValueCapture(settings.capture);
  private readonly process: Omit<ProcessInfo, 'queueHighWater'>;
  private batches = 0;

  constructor(queue: RecordQueue) {
    this.queue = queue;
    this.process = {
      pid: process.pid,
      threadId,
      timeOrigin: performance.timeOrigin,
      token: randomBytes(16).toString('hex'),
      startedUs: Math.round(performance.timeOrigin * 1000),
      argv: process.argv.slice(),
      queueCapacity: queue.capacity,
      retentionHours: settings.retentionHours,
      redact: settings.redact,
      maxValueSize: settings.capture.maxValueSize,
    };
  }

  /** Whether there are drop counts the database has not been sent yet. */
  get hasDrops(): boolean {
    return this.queue.dropsPending;
  }

  /** Takes up to one batch of records from the queue and builds its message. */
  next(): BatchMessage {
    this.batches++;
    const records = this.queue.take(this.queue.batchSize);
    const functions: FunctionInfo[] = [];
    const calls: CallColumns = {
      count: records.length,
      numbers: new Float64Array(records.length * CallField.Size),
      values: [],
      errors: [],
    };
    for (let i = 0; i < records.length; i++) {
      const call = records[i]!;
      this.listFunction(call.fn, functions);
      this.addCall(call, calls, i * CallField.Size);
      // The record is done; let the user's values go.
      call.args = [];
      call.value = undefined;
      call.saved = null;
    }
    return {
      databasePath: settings.databasePath,
      process: { ...this.process, queueHighWater: this.queue.highWater },
      functions,
      calls,
      drops: this.takeDrops(functions),
    };
  }

  /** Counts the records of a message the pool could not write as lost, to be reported with the next batch. */
  noteLost(message: BatchMessage): void {
    const { numbers, count } = message.calls;
    for (let i = 0; i < count; i++) {
      const fn = registeredFunctions[numbers[i * CallField.Size + CallField.Fn]!]!;
      fn.batchLostDrops++;
      fn.dropsUnsent = true;
    }
    // The totals the message carried never arrived; send them again.
    for (const drop of message.drops) registeredFunctions[drop.fn]!.dropsUnsent = true;
    this.queue.dropsPending = true;
  }

  private addCall(call: Call, calls: CallColumns, at: number): void {
    const fn = call.fn;
    const meta = fn.meta;
    const failed = call.status === CallStatus.Err;
    const numbers = calls.numbers;
    numbers[at + CallField.Fn] = fn.index;
    numbers[at + CallField.Id] = call.id;
    numbers[at + CallField.ParentId] = call.parentId;
    numbers[at + CallField.RootId] = call.rootId;
    numbers[at + CallField.Depth] = call.depth;
    numbers[at + CallField.Start] = call.start;
    numbers[at + CallField.End] = call.end;
    numbers[at + CallField.Failed] = failed ? 1 : 0;
    if (failed) calls.errors.push(describeThrown(call.value));
    let inputCount = -1;
    if (fn.captureArgs) {
      if (fn.snapshot) {
        for (const input of call.args) calls.values.push(input);
        inputCount = call.args.length;
      } else {
        inputCount = captureInputs(fn, call.args, this.capture, calls.values);
      }
    }
    numbers[at + CallField.InputCount] = inputCount;
    let outputCount = -1;
    let outputFallback = false;
    if (!failed && fn.captureResult) {
      outputFallback = !fitsOutputShape(meta, call.value);
      if (outputFallback) {
        calls.values.push(this.capture.capture(call.value));
        outputCount = 1;
      } else {
        outputCount = captureOutputs(meta, call.value, this.capture, calls.values);
      }
    }
    numbers[at + CallField.OutputCount] = outputCount;
    numbers[at + CallField.OutputFallback] = outputFallback ? 1 : 0;
    numbers[at + CallField.Yielded] = fn.generator && fn.captureResult ? call.yielded : -1;
  }

  private listFunction(fn: FunctionHandle, functions: FunctionInfo[]): void {
    if (fn.lastBatch === this.batches) return;
    fn.lastBatch = this.batches;
    functions.push({ index: fn.index, meta: fn.meta });
  }

  /** The drop totals that changed since the last batch; the writer keeps the largest total it has seen. */
  private takeDrops(functions: FunctionInfo[]): DropCount[] {
    const drops: DropCount[] = [];
    if (!this.queue.dropsPending) return drops;
    this.queue.dropsPending = false;
    for (const fn of registeredFunctions) {
      if (!fn.dropsUnsent) continue;
      fn.dropsUnsent = false;
      if (fn.queueFullDrops !== 0) drops.push({ fn: fn.index, reason: 'queue_full', count: fn.queueFullDrops });
      if (fn.batchLostDrops !== 0) drops.push({ fn: fn.index, reason: 'batch_lost', count: fn.batchLostDrops });
      this.listFunction(fn, functions);
    }
    return drops;
  }
}
