/**
 * The hot path: what instrumented code runs on every call.
 *
 * `enter` reads the clock once and allocates one fixed-shape record; `exit` and `fail` read the clock once and
 * push the record onto the queue. Nothing here serializes, allocates a closure, touches SQLite, uses
 * `arguments` or spreads: values stay referenced by the record and become rows later, off the call (batch.ts
 * on the main thread, then the worker). None of these functions throws into user code.
 *
 * The call tree is one module-level pointer, `current`. A call's parent is whatever was current when it
 * entered. Around every `await` and `yield` of a monitored function, emitted code calls `suspend`/`pause`
 * (current goes back to what it was before the call ran) and `resume` (the call becomes current again and
 * remembers what to go back to). This keeps parents right across await without AsyncLocalStorage. A call
 * only hands `current` back when it is the current call; a generator closed by `.return()` or `.throw()`
 * completes without having resumed, and must not restore a pointer that is no longer its own.
 *
 * A second `exit` or `fail` on a completed call (a `return` inside a user `finally`, which replaces the
 * value or the exception exactly as JavaScript does) amends the queued record instead of pushing it again.
 * Generators are the exception for `exit`: emitted code ends them with `finally { exit(call, undefined) }`,
 * which must leave an already completed record alone (see contract.ts).
 */
import { performance } from 'node:perf_hooks';
import * as util from 'node:util';
import { Call, CallState, CallStatus } from './call';
import { snapshotInputs } from './inputs';
import { FunctionHandle } from './function-handle';
import { RecordQueue } from './queue';
import { settings } from './settings';

const enabled = settings.enabled;
const promiseThen = Promise.prototype.then;

export const queue = new RecordQueue(settings.queueCapacity, settings.batchSize, settings.flushIntervalMs);

/** The innermost call running on this thread's stack, or null between calls. */
let current: Call | null = null;
/** The last call id handed out; ids start at 1 so that 0 can mean "no parent". */
let lastId = 0;

/** What `enter` returns when recording is off: shared, never queued, never changed. */
const INERT = new Call(
  new FunctionHandle(
    -1,
    {
      name: '', group: '', file: '', line: 0, column: 0, kind: '', async: false, generator: false,
      params: [], paramTypes: [], rest: false, outputShape: 'none', outputs: [], outputTypes: [],
      returnType: '', sample: 0, capture: 'none', redact: [], snapshot: false,
    },
    0,
  ),
  [],
  0,
  null,
  false,
  0,
);

// INERT is never running, so exit and fail on it change nothing and it can never become `current`.
INERT.state = CallState.Taken;

export function enter(fn: FunctionHandle | undefined, args: unknown[]): Call {
  // The handle is undefined when a hoisted function runs before its module's registrations did (ES module cycles).
  if (!enabled || fn === undefined) return INERT;
  const parent = current;
  const sampled =
    parent === null
      ? fn.rootSampleRate >= 1 || Math.random() < fn.rootSampleRate
      : parent.sampled && (fn.nestedSampleRate >= 1 || Math.random() < fn.nestedSampleRate);
  const call = new Call(fn, fn.snapshot && sampled ? snapshotInputs(fn, args) : args, ++lastId, parent, sampled, performance.now());
  current = call;
  return call;
}

export function exit<T>(call: Call, value: T): T {
  if (!enabled) return value;
  const end = performance.now();
  if (call.state !== CallState.Running) {
    if (!call.fn.generator) amend(call, end, value, CallStatus.Ok);
    return value;
  }
  if (current === call) current = call.saved;
  if (call.fn.async && typeof value === 'object' && value !== null && util.types.isPromise(value)) {
    settleLater(call, value as Promise<unknown>);
  } else {
    complete(call, end, value, CallStatus.Ok);
  }
  return value;
}

export function fail(call: Call, error: unknown): unknown {
  if (!enabled) return error;
  const end = performance.now();
  if (call.state !== CallState.Running) {
    amend(call, end, error, CallStatus.Err);
    return error;
  }
  if (current === call) current = call.saved;
  complete(call, end, error, CallStatus.Err);
  return error;
}

/** Before an `await`: the call steps off the stack until `resume`. */
export function suspend<T>(call: Call, value: T): T {
  if (enabled && current === call) current = call.saved;
  return value;
}

/** Before a `yield`: as `suspend`, and counts the yielded value. */
export function pause<T>(call: Call, value: T): T {
  if (!enabled) return value;
  call.yielded++;
  if (current === call) current = call.saved;
  return value;
}

/** After an `await` or `yield`: the call is current again and remembers what to hand back. */
export function resume<T>(call: Call, value: T): T {
  if (!enabled || call === INERT) return value;
  call.saved = current;
  current = call;
  return value;
}

function complete(call: Call, end: number, value: unknown, status: CallStatus): void {
  call.end = end;
  call.value = value;
  call.status = status;
  // A failure is recorded even when its trace was not sampled.
  call.state = (call.sampled || status === CallStatus.Err) && queue.push(call) ? CallState.Queued : CallState.Unqueued;
}

/** A second completion of the same call: the last one says how the call really ended. */
function amend(call: Call, end: number, value: unknown, status: CallStatus): void {
  if (call.state === CallState.Queued) {
    call.end = end;
    call.value = value;
    call.status = status;
  } else if (call.state === CallState.Unqueued && call.sampled) {
    // The first completion was dropped because the queue was full. An error is kept after all.
    call.end = end;
    call.value = value;
    call.status = status;
    if (status === CallStatus.Err) {
      call.fn.queueFullDrops--;
      queue.push(call);
      call.state = CallState.Queued;
    }
  }
  // Settling and Taken records are left alone: the promise decides, or the record is already on its way.
}

/** An async function returned a promise: its call lasts until the promise settles (off the common path). */
function settleLater(call: Call, promise: Promise<unknown>): void {
  call.state = CallState.Settling;
  try {
    promiseThen.call(
      promise,
      value => complete(call, performance.now(), value, CallStatus.Ok),
      error => complete(call, performance.now(), error, CallStatus.Err),
    );
  } catch (error) {
    complete(call, performance.now(), error, CallStatus.Err);
  }
}
