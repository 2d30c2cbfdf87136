/**
 * What `register` returns: the run-time handle of one instrumented function.
 *
 * Emitted code passes the handle to every `enter`, so everything the hot path needs to know about the function
 * is precomputed here as plain fields (no lookups by name, no parsing of FunctionMeta per call). The handle
 * also carries the function's counts of calls not recorded, so counting one is an increment.
 */
import type { FunctionMeta } from '../contract';
import { DropCode } from '../ring';

export class FunctionHandle {
  /** Position in the registry; records refer to functions by this number. */
  readonly index: number;
  readonly meta: FunctionMeta;
  readonly async: boolean;
  readonly generator: boolean;
  /**
   * Probability that a trace this function starts (a call with no monitored caller) is recorded: the global
   * rate times the tag's rate. Calls inside a trace follow the trace's decision.
   */
  readonly rootSampleRate: number;
  /** Named in OBSERVATORY_FORCE: every trace it starts is recorded, whatever the rates. */
  readonly forced: boolean;
  readonly captureArgs: boolean;
  readonly captureResult: boolean;
  /** Copy the arguments at entry (tag option `snapshot`) instead of when the call completes. */
  readonly snapshot: boolean;
  /** Calls not recorded since the runtime loaded, by DropCode (running totals: the database keeps the largest). */
  readonly dropped: number[] = new Array<number>(DropCode.Count).fill(0);
  /** A total in `dropped` changed since it was last written to the ring. */
  dropsUnsent = false;

  /** `forcedNames`: OBSERVATORY_FORCE, function or process names (`divmod`, `src/pricing.divmod`). */
  constructor(index: number, meta: FunctionMeta, globalSampleRate: number, forcedNames: readonly string[] = []) {
    this.index = index;
    this.meta = meta;
    this.async = meta.async === true;
    this.generator = meta.generator === true;
    const sample = typeof meta.sample === 'number' && meta.sample >= 0 && meta.sample <= 1 ? meta.sample : 1;
    this.rootSampleRate = globalSampleRate * sample;
    this.forced = forcedNames.includes(meta.name) || forcedNames.includes(`${meta.group}.${meta.name}`);
    this.captureArgs = meta.capture === 'all' || meta.capture === 'args' || meta.capture === undefined;
    this.captureResult = meta.capture === 'all' || meta.capture === 'result' || meta.capture === undefined;
    this.snapshot = meta.snapshot === true && this.captureArgs;
  }
}
