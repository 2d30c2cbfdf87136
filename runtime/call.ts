/**
 * The record of one call, allocated by `enter`, filled in by `exit` or `fail`, and completed by `done`.
 *
 * Every field is assigned in the constructor, in the same order, so V8 gives all records one hidden class and
 * the hot path stays monomorphic. The record keeps the arguments and the returned value by reference; they
 * are copied into a clone-safe form only when the queue is flushed (runtime/batch.ts), off the user's call.
 */
import type { FunctionHandle } from './function-handle';

export const enum CallStatus {
  /** Returned, or still running. */
  Ok,
  /** Threw: `value` is the thrown value. */
  Err,
}

export class Call {
  readonly fn: FunctionHandle;
  /** The argument array built by emitted code, or its captured copy when the function is tagged `snapshot`. */
  args: unknown[];
  /** Process-wide call number, > 0; span ids are derived from it. */
  readonly id: number;
  /** `id` of the enclosing call, 0 for a root call. */
  readonly parentId: number;
  /** `id` of the root call of this call tree; the trace id is derived from it. */
  readonly rootId: number;
  readonly depth: number;
  /** Whether this call is written; decided once per trace, at its root, and inherited by every call below. */
  readonly sampled: boolean;
  /** The `current` call to restore when this call completes or suspends. */
  saved: Call | null;
  /** performance.now() at entry and at completion, in milliseconds. */
  readonly start: number;
  end: number;
  status: CallStatus;
  /** The value of the last `return` (the one JavaScript returns), or the thrown value when status is Err. */
  value: unknown;
  /** Values yielded so far by a generator. */
  yielded: number;

  constructor(fn: FunctionHandle, args: unknown[], id: number, parent: Call | null, sampled: boolean, start: number) {
    this.fn = fn;
    this.args = args;
    this.id = id;
    this.parentId = parent === null ? 0 : parent.id;
    this.rootId = parent === null ? id : parent.rootId;
    this.depth = parent === null ? 0 : parent.depth + 1;
    this.sampled = sampled;
    this.saved = parent;
    this.start = start;
    this.end = start;
    this.status = CallStatus.Ok;
    this.value = undefined;
    this.yielded = 0;
  }
}
