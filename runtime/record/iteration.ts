/**
 * Iterators that a monitored function consumes without an `await` or `yield` of its own in the source:
 *
 *   yield* operand              ->  resume(__call, yield* delegate(__call, operand))         (generators)
 *                                   resume(__call, yield* delegateAsync(__call, operand))    (async generators)
 *   for await (x of operand) S  ->  try { for await (x of iterate(__call, operand)) { resume(__call); S } }
 *                                   finally { resume(__call); }
 *
 * The engine drives these iterators itself, so the runtime sees the function suspend only if it stands
 * between the engine and the user's iterator. The wrappers here forward every `next`, `throw` and `return` to
 * the user's iterator unchanged, with the call made current while the user's iterator runs (so calls it makes
 * are the function's children), and stepped off the stack when the function is about to wait: after a value
 * is yielded on, or before the implicit `await` of an async iteration. `delegate` also counts each value
 * passed through as yielded by the function.
 *
 * The wrappers expose exactly the protocol of the iterable they wrap: `[Symbol.asyncIterator]` only when the
 * user's iterable has one (otherwise the engine adapts the synchronous iterator itself, as it would have), and
 * `throw`/`return` only when the user's iterator has them, so the engine's own fallbacks run as before.
 */
import * as util from 'node:util';
import type { Call } from './call';
import { isInert, resume, suspend } from './recorder';

const promiseThen = Promise.prototype.then;

/** `yield* operand` in a generator. */
export function delegate(call: Call, operand: unknown): unknown {
  return wrap(call, operand, false, true);
}

/** `yield* operand` in an async generator. */
export function delegateAsync(call: Call, operand: unknown): unknown {
  return wrap(call, operand, true, true);
}

/** `for await (... of operand)`. */
export function iterate(call: Call, operand: unknown): unknown {
  return wrap(call, operand, true, false);
}

interface IteratorLike {
  next?: (value?: unknown) => unknown;
  throw?: (value?: unknown) => unknown;
  return?: (value?: unknown) => unknown;
}

/**
 * The wrapper iterable, or the operand itself when there is nothing to bracket: recording is off, or the
 * operand is not iterable in this context (the engine then throws its own TypeError, as before).
 */
function wrap(call: Call, operand: unknown, inAsyncFunction: boolean, counts: boolean): unknown {
  if (isInert(call) || operand === null || operand === undefined) return operand;
  const source = operand as Record<symbol, unknown>;
  if (inAsyncFunction) {
    const asyncMethod = source[Symbol.asyncIterator];
    if (asyncMethod !== undefined && asyncMethod !== null) {
      const open = () => new BracketedIterator(call, (asyncMethod as () => IteratorLike).call(operand), true, true, counts);
      return { [Symbol.asyncIterator]: open };
    }
  }
  const method = source[Symbol.iterator];
  if (method === undefined || method === null) return operand;
  const open = () => new BracketedIterator(call, (method as () => IteratorLike).call(operand), false, inAsyncFunction, counts);
  return { [Symbol.iterator]: open };
}

class BracketedIterator {
  private readonly call: Call;
  private readonly inner: IteratorLike;
  /** The engine caches `next` when it gets the iterator; so does this wrapper. */
  private readonly innerNext: IteratorLike['next'];
  /** The user's iterator answers with promises of results. */
  private readonly answersWithPromises: boolean;
  /** The function awaits every step (async iteration, or the engine adapting a synchronous iterator for it). */
  private readonly awaitsEveryStep: boolean;
  private readonly counts: boolean;

  constructor(call: Call, inner: IteratorLike, answersWithPromises: boolean, awaitsEveryStep: boolean, counts: boolean) {
    this.call = call;
    this.inner = inner;
    this.innerNext = inner.next;
    this.answersWithPromises = answersWithPromises;
    this.awaitsEveryStep = awaitsEveryStep;
    this.counts = counts;
  }

  next(value?: unknown): unknown {
    return this.forward(this.innerNext, value);
  }

  get throw(): ((value?: unknown) => unknown) | undefined {
    return this.forwarder(this.inner.throw);
  }

  get return(): ((value?: unknown) => unknown) | undefined {
    return this.forwarder(this.inner.return);
  }

  private forwarder(method: ((value?: unknown) => unknown) | undefined | null) {
    if (method === undefined || method === null) return undefined;
    return (value?: unknown) => this.forward(method, value);
  }

  /**
   * Runs one step of the user's iterator as the call, then steps the call off the stack if the function is
   * about to wait. An exception is not caught: it goes on into the function, which is running.
   */
  private forward(method: ((value?: unknown) => unknown) | undefined, value: unknown): unknown {
    const call = this.call;
    resume(call);
    const result = (method as (value?: unknown) => unknown).call(this.inner, value);
    const yielded = !this.answersWithPromises && isYieldedResult(result);
    if (this.counts) {
      if (yielded) call.yielded++;
      // The engine awaits this same promise, so the handler changes neither timing nor unhandled rejections.
      else if (this.answersWithPromises && util.types.isPromise(result)) promiseThen.call(result, countYielded(call), ignoreRejection);
    }
    if (this.awaitsEveryStep || yielded) suspend(call, undefined);
    return result;
  }
}

function isYieldedResult(result: unknown): boolean {
  return typeof result === 'object' && result !== null && !(result as { done?: unknown }).done;
}

function countYielded(call: Call) {
  // Runs before the engine's own await of the same promise resumes the function, so counts are in on time.
  return (result: unknown) => {
    if (isYieldedResult(result)) call.yielded++;
  };
}

function ignoreRejection(): void {
  // The engine's own await reports the rejection to the function.
}
