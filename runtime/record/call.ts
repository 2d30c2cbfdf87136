/**
 * The record of one call, allocated by `enter`, filled in by `exit` or `fail`, and completed by `done`.
 *
 * Every field is assigned in the constructor, in the same order, so V8 gives all records one hidden class and
 * the hot path stays monomorphic. The fields are `declare`d: an ES2022 class field is defined once more, to
 * undefined, by an initializer that runs before the constructor, and profiles of the hot path showed it as a
 * cost of its own on every call. The record keeps the arguments and the returned value by reference only
 * while the call runs: `done` copies them into the ring (call-encoder.ts).
 */
import type { Snapshot } from './call-encoder';
import type { FunctionHandle } from './function-handle';
import type { TraceLink } from './trace-link';

export const enum CallStatus {
  /** Returned, or still running. */
  Ok,
  /** Threw: `value` is the thrown value. */
  Err,
}

/** Whether a call is written, decided once per trace at its root and inherited by every call below it. */
export const enum TraceMode {
  Recorded,
  /** The trace was sampled out (`sample=`, OBSERVATORY_SAMPLE). */
  NotSampled,
  /** The trace was not started because the ring was too full (OBSERVATORY_ON_FULL=drop). */
  Shed,
}

export class Call {
  declare readonly fn: FunctionHandle;
  /** The argument array built by emitted code. */
  declare args: unknown[];
  /** The arguments as encoded at entry, for functions tagged `snapshot`; null otherwise. */
  declare snapshot: Snapshot | null;
  /** Call number in this runtime instance, > 0; the database id is derived from it. */
  declare readonly id: number;
  /** `id` of the enclosing call, 0 for a root call. */
  declare readonly parentId: number;
  /** `id` of the root call of this call tree. */
  declare readonly rootId: number;
  declare readonly depth: number;
  declare readonly mode: TraceMode;
  /** The OpenTelemetry span this call's trace joined (trace-link.ts), set at the root and inherited; null for a trace of its own. */
  declare link: TraceLink | null;
  /** The `current` call to restore when this call completes or suspends. */
  declare saved: Call | null;
  /** performance.now() at entry and at completion, in milliseconds. */
  declare readonly start: number;
  declare end: number;
  declare status: CallStatus;
  /** The value of the last `return` (the one JavaScript returns), or the thrown value when status is Err. */
  declare value: unknown;
  /** Values yielded so far by a generator. */
  declare yielded: number;

  constructor(fn: FunctionHandle, args: unknown[], id: number, parent: Call | null, mode: TraceMode, start: number) {
    this.fn = fn;
    this.args = args;
    this.snapshot = null;
    this.id = id;
    this.parentId = parent === null ? 0 : parent.id;
    this.rootId = parent === null ? id : parent.rootId;
    this.depth = parent === null ? 0 : parent.depth + 1;
    this.mode = mode;
    this.link = parent === null ? null : parent.link;
    this.saved = parent;
    this.start = start;
    this.end = start;
    this.status = CallStatus.Ok;
    this.value = undefined;
    this.yielded = 0;
  }
}
