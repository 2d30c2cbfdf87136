/**
 * The hot path: what instrumented code runs on every call.
 *
 * `enter` reads the clock once and allocates one fixed-shape record; `exit` and `fail` remember how the body
 * is leaving (a `return` value or a thrown value: the last one wins, exactly as in JavaScript, where a
 * `return` or `throw` in a `finally` replaces what was leaving before); `done`, in the function's outermost
 * `finally`, reads the clock once and hands the record to recording.ts, which copies it into the ring. So the
 * duration covers the user's own `finally` blocks, and the calls they make are the function's children.
 * Nothing here allocates a closure, touches SQLite, uses `arguments` or spreads. None of these functions
 * throws into user code.
 *
 * Whether a call is recorded is decided once per trace, at its root (TraceMode): sampled out, shed because
 * the ring is too full, or recorded; every call below inherits the decision, so traces are whole or absent.
 * The root also asks whether the program's OpenTelemetry has a span active there, to join its trace and
 * follow its sampling (trace-link.ts); nothing below the root asks.
 *
 * The call tree is one module-level pointer, `current`. A call's parent is whatever was current when it
 * entered. Around every `await` and `yield` of a monitored function, emitted code calls `suspend`/`pause`
 * (current goes back to what it was before the call ran) and `resume` (the call becomes current again and
 * remembers what to go back to); iteration.ts does the same for the waits the engine makes on its own (`yield*`,
 * `for await`). This keeps parents right across await without AsyncLocalStorage. A call only hands `current`
 * back when it is the current call: a generator closed by `.return()` or `.throw()` completes without having
 * resumed, and must not restore a pointer that is no longer its own.
 */
import { performance } from 'node:perf_hooks';
// The module's own setImmediate: a test runner's fake timers replace only the global one.
import { setImmediate as nextTurn } from 'node:timers';
import * as util from 'node:util';
import { Call, CallStatus, TraceMode } from './call';
import { emptyMeta } from '../contract';
import { FunctionHandle } from './function-handle';
import { DropCode } from '../ring';
import { recording } from './recording';
import { settings } from './settings';
import { rootContext, traceIdPasses, type RootContext } from './trace-link';

const enabled = settings.enabled;
const shedsTraces = settings.onFull === 'drop';
const promiseThen = Promise.prototype.then;

/** The innermost call running on this thread's stack, or null between calls. */
let current: Call | null = null;
/** The last call number handed out; numbers start at 1 so that 0 can mean "no parent". */
let lastId = 0;
/**
 * Calls that are over but were neither recorded nor counted, linked through `saved` (theirs is no longer
 * needed): set aside at the stack limit, where counting them would be a call too many, and counted as
 * unfinished by countUnfinished with a later call, or at the turn's end.
 */
let unfinished: Call | null = null;
/** A check that `current` is back to null once the stack has emptied is scheduled. */
let turnCheckScheduled = false;
/** Settled once; checks hang from it as microtasks. */
const settled = Promise.resolve();

/**
 * What `enter` returns when nothing is recorded (recording is off, or the function's module has not
 * registered it yet): shared, never current, never written.
 */
const INERT = new Call(
  new FunctionHandle(-1, emptyMeta({ capture: 'none', sample: 0 }), 0),
  [],
  0,
  null,
  TraceMode.NotSampled,
  0,
);

export function isInert(call: Call): boolean {
  return call === INERT;
}

export function enter(fn: FunctionHandle | undefined, args: unknown[]): Call {
  // The handle is undefined when a hoisted function runs before its module's registrations did (ES module cycles).
  if (!enabled || fn === undefined) return INERT;
  const parent = current;
  const call =
    parent === null ? rootCall(fn, args) : new Call(fn, args, ++lastId, parent, parent.mode, performance.now());
  if (fn.snapshot && call.mode === TraceMode.Recorded) call.snapshot = recording.snapshot(fn, args);
  current = call;
  return call;
}

/** A call with no monitored caller: it decides for its whole trace, and joins the program's OpenTelemetry trace if one is active. */
function rootCall(fn: FunctionHandle, args: unknown[]): Call {
  const context = rootContext();
  const call = new Call(fn, args, ++lastId, null, rootMode(fn, context), performance.now());
  call.link = context.link;
  // Once per turn with calls in it: whatever made `current` non-null this turn began with a root call.
  if (!turnCheckScheduled) scheduleTurnCheck();
  return call;
}

/**
 * The decision a root call makes for its whole trace. The sampling question is asked only when a rate or a
 * joined trace can say no, in a function of its own, so that what V8 inlines into every instrumented function
 * stays small (see rootContext).
 */
function rootMode(fn: FunctionHandle, context: RootContext): TraceMode {
  if ((fn.rootSampleRate < 1 || context.link !== null) && sampledOut(fn, context)) return TraceMode.NotSampled;
  if (shedsTraces && recording.tooFull()) return TraceMode.Shed;
  return TraceMode.Recorded;
}

function sampledOut(fn: FunctionHandle, context: RootContext): boolean {
  if (context.forced || fn.forced) return false;
  const link = context.link;
  // As OpenTelemetry's ParentBased(TraceIdRatioBased): every process decides the same for one trace.
  if (link !== null) return !context.sampled || !traceIdPasses(link.words, fn.rootSampleRate);
  return !(Math.random() < fn.rootSampleRate);
}

/**
 * `return value`: remembered as the call's result until another `return` or a `throw` replaces it. The status
 * stays Ok: `fail` runs only in the outermost `catch`, after which nothing but `done` runs.
 */
export function exit<T>(call: Call, value?: T): T | undefined {
  if (call !== INERT) call.value = value;
  return value;
}

/** The body threw: remembered as the call's outcome; emitted code rethrows the same value. */
export function fail(call: Call, error: unknown): unknown {
  if (call !== INERT) {
    call.value = error;
    call.status = CallStatus.Err;
  }
  return error;
}

/** The function's outermost `finally`: the call is over, or, for an async function, its promise now decides. */
export function done(call: Call): void {
  if (call === INERT) return;
  const end = performance.now();
  // Until the call has handed back, a failure at the stack limit leaves it current, for a caller to set aside.
  handBack(call);
  try {
    if (call.fn.async) completeAsync(call, end);
    else complete(call, end);
  } catch {
    // The stack limit again, before complete could begin (it throws nothing of its own once it has): the call
    // is no longer current, so it is set aside here, with stores only.
    call.saved = unfinished;
    unfinished = call;
  }
}

/** An async function's call: over now, unless the body returned a promise, which the function's own adopts. */
function completeAsync(call: Call, end: number): void {
  const value = call.value;
  if (call.status === CallStatus.Ok && typeof value === 'object' && value !== null && util.types.isPromise(value)) {
    call.end = end;
    settleLater(call, value as Promise<unknown>);
  } else {
    complete(call, end);
  }
}

/** Before an `await`: the call steps off the stack until `resume`. */
export function suspend<T>(call: Call, value: T): T {
  handBack(call);
  return value;
}

/** Before a `yield`: as `suspend`, and counts the yielded value. */
export function pause<T>(call: Call, value: T): T {
  if (call === INERT) return value;
  call.yielded++;
  handBack(call);
  return value;
}

/** After an `await` or `yield`: the call is current again and remembers what to hand back. */
export function resume<T>(call: Call, value?: T): T | undefined {
  if (call !== INERT && current !== call) {
    call.saved = current;
    current = call;
  }
  return value;
}

/** The call steps off the stack: `current` goes back to what it was before the call ran (or resumed). */
function handBack(call: Call): void {
  if (current === call) current = call.saved;
  else if (current !== null && current.depth > call.depth) abandonAbove(call);
}

/**
 * `call` is stepping off the stack, but a deeper call is current. If `call` is among its callers, the calls in
 * between are over (their frames are gone) but their `done` never ran: they are set aside as unfinished and
 * `call` hands back its own saved pointer. Otherwise the current call is another trace's (a generator closed
 * without resuming) and nothing is wrong. The walk is at most as long as the depth between the two calls.
 *
 * Nothing here counts: at the stack limit a count is a call too many. Should the limit stop this function or
 * setAside before they begin, `current` is unchanged and the `done` of a shallower caller heals it instead.
 */
function abandonAbove(call: Call): void {
  let caller: Call | null = current;
  for (let steps = current!.depth - call.depth; caller !== null && caller !== call && steps > 0; steps--)
    caller = caller.saved;
  if (caller !== call) return;
  setAside(current, call);
  current = call.saved;
}

/** Moves `stale` and its saved chain up to (not including) `until` onto `unfinished`; stores only. */
function setAside(stale: Call | null, until: Call | null): void {
  while (stale !== null && stale !== until) {
    const next: Call | null = stale.saved;
    stale.saved = unfinished;
    unfinished = stale;
    stale = next;
  }
}

/**
 * Counts the calls set aside as unfinished. Each leaves the list only once counted (countDrop adds last), so
 * one that fails at the stack limit has counted nothing, and the rest wait for the next call.
 */
function countUnfinished(): void {
  while (unfinished !== null) {
    const call: Call = unfinished;
    recording.countDrop(call.fn, DropCode.Unfinished);
    unfinished = call.saved;
  }
}

/**
 * The check runs in two steps. First a microtask, which runs once the stack has emptied: `current` is almost
 * always null there, and the check ends. A microtask costs a fraction of a setImmediate, which the paced
 * bench measured at a fifth of a call's main-thread time when it was scheduled for every burst of calls.
 * Only when a call is still current does the check wait for the next turn, because a monitored function
 * whose own awaits are not bracketed (`await using`) may still resume and complete within this turn.
 */
function scheduleTurnCheck(): void {
  promiseThen.call(settled, checkStackEmptied);
  turnCheckScheduled = true;
}

function checkStackEmptied(): void {
  if (current === null) turnCheckScheduled = false;
  else nextTurn(checkTurnEnded).unref();
}

/** Between two turns of the event loop no call is running: a call still current never completed. */
function checkTurnEnded(): void {
  turnCheckScheduled = false;
  setAside(current, null);
  current = null;
  countUnfinished();
}

function complete(call: Call, end: number): void {
  call.end = end;
  try {
    recording.complete(call);
  } catch (error) {
    // A fault of the runtime's own must never reach the program through its `finally`. At the stack limit
    // (a RangeError) nothing more can be called: the call is set aside, a store and no call, and counted with
    // a later one.
    if (error instanceof RangeError) {
      call.saved = unfinished;
      unfinished = call;
    } else {
      try {
        recording.lose(call, error);
      } catch {
        // Its count is made or not; a bug of the runtime's own at the stack limit is not worth a second guess.
      }
    }
  }
  if (unfinished !== null) {
    try {
      countUnfinished();
    } catch {
      // Still at the stack limit: the calls left are counted with the next call, or at the turn's end.
    }
  }
  try {
    recording.afterCall(end);
  } catch {
    // The call is accounted for; what this did (drop totals into the ring) is done again after the next call.
  }
  // The record is in the ring now; let the user's values go.
  call.args = NO_ARGS;
  call.value = undefined;
  call.snapshot = null;
}

const NO_ARGS: unknown[] = [];

/**
 * An async function returned a promise (`return fetch(...)`), which its own promise adopts: the call lasts
 * until it settles. Off the common path; the handlers do not hide a rejection from Node, because the async
 * function's own promise still carries it to the caller.
 *
 * Subscribing looks up the promise's `constructor` and `Symbol.species` (Promise.prototype.then does, and so
 * would an `await`). When those are the built-in data property and getter, the lookup runs no user code; when
 * the promise is a subclass's, or a `constructor` or species was redefined, it could, and the engine already
 * runs it once for the async function itself. Such a call is recorded as it returns, with the promise as its
 * result, rather than run user code a second time.
 */
function settleLater(call: Call, promise: Promise<unknown>): void {
  if (!subscribingRunsNoUserCode(promise)) return complete(call, call.end);
  const settle = (value: unknown, status: CallStatus) => {
    call.value = value;
    call.status = status;
    complete(call, performance.now());
  };
  try {
    promiseThen.call(
      promise,
      value => settle(value, CallStatus.Ok),
      error => settle(error, CallStatus.Err),
    );
  } catch (error) {
    settle(error, CallStatus.Err);
  }
}

const promiseConstructor = Object.getOwnPropertyDescriptor(Promise.prototype, 'constructor')!;
const promiseSpecies = Object.getOwnPropertyDescriptor(Promise, Symbol.species)!;

function subscribingRunsNoUserCode(promise: Promise<unknown>): boolean {
  if (
    Object.getPrototypeOf(promise) !== Promise.prototype ||
    Object.prototype.hasOwnProperty.call(promise, 'constructor')
  )
    return false;
  const constructor = Object.getOwnPropertyDescriptor(Promise.prototype, 'constructor');
  const species = Object.getOwnPropertyDescriptor(Promise, Symbol.species);
  return constructor?.value === promiseConstructor.value && species?.get === promiseSpecies.get;
}
