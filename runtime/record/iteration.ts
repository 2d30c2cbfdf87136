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
 * are the function's children), and stepped off the stack after each step: if the step finished the
 * iteration, the engine resumes the function at once and emitted code's `resume` makes it current again.
 *
 * The wrappers read nothing of what the user's iterator answers, not even `done`: a getter there must run
 * exactly as often as without the runtime. `delegate` counts the values passed through as yielded by the
 * function without looking at them: the engine comes back to the iterator (`next`, or reading `throw` or
 * `return`) only after a step that yielded, so each step is counted when the next interaction begins.
 *
 * The wrappers expose exactly the protocol of the iterable they wrap: `[Symbol.asyncIterator]` only when the
 * user's iterable has one (otherwise the engine adapts the synchronous iterator itself, as it would have), and
 * `throw`/`return` only when the user's iterator has them, so the engine's own fallbacks run as before.
 */
import type { Call } from './call';
import { isInert, resume, suspend } from './recorder';

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
      const open = () => new BracketedIterator(call, (asyncMethod as () => IteratorLike).call(operand), counts);
      return { [Symbol.asyncIterator]: open };
    }
  }
  const method = source[Symbol.iterator];
  if (method === undefined || method === null) return operand;
  const open = () => new BracketedIterator(call, (method as () => IteratorLike).call(operand), counts);
  return { [Symbol.iterator]: open };
}

class BracketedIterator {
  private readonly call: Call;
  private readonly inner: IteratorLike;
  /** The engine caches `next` when it gets the iterator; so does this wrapper. */
  private readonly innerNext: IteratorLike['next'];
  private readonly counts: boolean;
  /** A step has been forwarded and not counted yet: it yielded if the engine comes back. */
  private stepPending = false;

  constructor(call: Call, inner: IteratorLike, counts: boolean) {
    this.call = call;
    this.inner = inner;
    this.innerNext = inner.next;
    this.counts = counts;
  }

  next(value?: unknown): unknown {
    return this.forward(this.innerNext, value);
  }

  get throw(): ((value?: unknown) => unknown) | undefined {
    this.countPendingStep();
    return this.forwarder(this.inner.throw);
  }

  get return(): ((value?: unknown) => unknown) | undefined {
    this.countPendingStep();
    return this.forwarder(this.inner.return);
  }

  private forwarder(method: ((value?: unknown) => unknown) | undefined | null) {
    if (method === undefined || method === null) return undefined;
    return (value?: unknown) => this.forward(method, value);
  }

  /**
   * Runs one step of the user's iterator as the call, then steps the call off the stack. An exception is not
   * caught: it goes on into the function, which is running.
   */
  private forward(method: ((value?: unknown) => unknown) | undefined, value: unknown): unknown {
    const call = this.call;
    this.countPendingStep();
    resume(call);
    const result = (method as (value?: unknown) => unknown).call(this.inner, value);
    this.stepPending = this.counts;
    suspend(call, undefined);
    return result;
  }

  private countPendingStep(): void {
    if (!this.stepPending) return;
    this.stepPending = false;
    this.call.yielded++;
  }
}
