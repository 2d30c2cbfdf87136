/**
 * What `register` returns: the run-time handle of one instrumented function.
 *
 * Emitted code passes the handle to every `enter`, so everything the hot path needs to know about the function
 * is precomputed here as plain fields (no lookups by name, no parsing of FunctionMeta per call). The handle
 * also carries the function's drop counters, so counting a dropped record is one increment.
 */
import type { FunctionMeta } from './contract';

export class FunctionHandle {
  /** Position in the registry; batches refer to functions by this number. */
  readonly index: number;
  readonly meta: FunctionMeta;
  readonly async: boolean;
  readonly generator: boolean;
  /**
   * Probability that a trace this function starts (a call with no monitored caller) is recorded: the global
   * rate times the tag's rate. Calls inside a trace follow the trace's decision.
   */
  readonly rootSampleRate: number;
  readonly captureArgs: boolean;
  readonly captureResult: boolean;
  /** Copy the arguments at entry (tag option `snapshot`) instead of reading them at flush time. */
  readonly snapshot: boolean;
  /** Records dropped because the queue was full, since the process started (the database keeps the total). */
  queueFullDrops = 0;
  /** Records of batches the worker pool failed to write twice, since the process started. */
  batchLostDrops = 0;
  /** A drop total changed since it was last put into a batch. */
  dropsUnsent = false;
  /** The last batch that listed this function's meta; lets a flush list each meta once per batch. */
  lastBatch = 0;

  constructor(index: number, meta: FunctionMeta, globalSampleRate: number) {
    this.index = index;
    this.meta = meta;
    this.async = meta.async === true;
    this.generator = meta.generator === true;
    const sample = typeof meta.sample === 'number' && meta.sample >= 0 && meta.sample <= 1 ? meta.sample : 1;
    this.rootSampleRate = globalSampleRate * sample;
    this.captureArgs = meta.capture === 'all' || meta.capture === 'args' || meta.capture === undefined;
    this.captureResult = meta.capture === 'all' || meta.capture === 'result' || meta.capture === undefined;
    this.snapshot = meta.snapshot === true && this.captureArgs;
  }
}

/** Every function registered in this thread, in registration order (index = position). */
export const registeredFunctions: FunctionHandle[] = [];

export function registerFunction(meta: FunctionMeta, globalSampleRate: number): FunctionHandle {
  const handle = new FunctionHandle(registeredFunctions.length, meta, globalSampleRate);
  registeredFunctions.push(handle);
  return handle;
}
