/**
 * What a failed call threw, as the three texts stored with it: error_type, error_message and error_stack.
 * Read the careful way of intrinsics.ts: no getter, proxy trap or overridden method of the thrown value runs.
 */
import {
  classNameOf,
  errorText,
  functionName,
  getOwnDescriptor,
  getPrototypeOf,
  isError,
  readData,
  stringOr,
  types,
} from './intrinsics';

/** error_type, error_message and error_stack of a thrown value, read without running user code. */
export interface ThrownDescription {
  type: string;
  message: string;
  stack: string | null;
}

export function describeThrown(thrown: unknown): ThrownDescription {
  if (typeof thrown === 'function') return { type: 'function', message: functionName(thrown), stack: null };
  // String() of a primitive, symbols included, runs no user code.
  if (typeof thrown !== 'object' || thrown === null)
    return { type: typeof thrown, message: String(thrown), stack: null };
  if (types.isProxy(thrown)) return { type: 'Proxy', message: '', stack: null };
  let type: string;
  let message: string;
  try {
    type = isError(thrown) ? (classNameOf(thrown) ?? stringOr(readData(thrown, 'name'), 'Error')) : 'object';
    message = stringOr(readData(thrown, 'message'), '');
  } catch (error) {
    return { type: 'unreadable', message: errorText(error), stack: null };
  }
  let stack: unknown = null;
  try {
    stack = readStack(thrown);
  } catch {
    // The program's Error.prepareStackTrace threw; the type and message are still right.
  }
  return { type, message, stack: typeof stack === 'string' ? stack : null };
}

/**
 * The `stack` of an error, without letting it run the program's getters; undefined when it cannot be read.
 *
 * V8 formats a stack when it is first read, and the formatting reads `name` and `message` the ordinary way,
 * calling their getters. So the stack is not touched at all when either is an accessor anywhere on the
 * prototype chain, or the chain holds a proxy (whose traps the lookup would run). Error.prepareStackTrace,
 * when the program sets one, is the program's own formatter, and it may run here: it is how the program asks
 * for its stacks to be made, and it may throw, which the callers catch.
 */
export function readStack(error: object): unknown {
  for (let current: object | null = error; current !== null; current = getPrototypeOf(current)) {
    if (types.isProxy(current)) return undefined;
    for (const key of ['name', 'message']) {
      const descriptor = getOwnDescriptor(current, key);
      if (descriptor !== undefined && !('value' in descriptor)) return undefined;
    }
  }
  return readData(error, 'stack');
}
