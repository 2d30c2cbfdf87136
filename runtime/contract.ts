/**
 * The contract between compile time and run time.
 *
 * The transformer emits exactly these calls into instrumented modules, and nothing else from the runtime:
 *
 *   import * as __observatory from "ts-observatory/runtime";
 *   var __observatory_f = __observatory.register(CONTRACT_VERSION, { ...FunctionMeta });   // once per module
 *
 *   function f(a, b) {
 *     const __call = __observatory.enter(__observatory_f, [a, b]);   // timestamp + the call record
 *     try {
 *       ...
 *       return __observatory.exit(__call, value);                     // remembers the value
 *     } catch (__error) {
 *       throw __observatory.fail(__call, __error);                    // remembers the thrown value
 *     } finally {
 *       __observatory.done(__call);                                   // timestamp + the call copied into the ring
 *     }
 *   }
 *
 * `exit` and `fail` may run more than once (a `return` in a user's `finally` replaces an earlier one, as in
 * JavaScript); the last one says how the call ended. `done` runs exactly once, after the user's own `finally`
 * blocks. A bare `return;` is `return __observatory.exit(__call);`.
 *
 * Async functions and generators additionally wrap every `await`/`yield` operand so the runtime can keep the
 * "current call" pointer right while the function is suspended, and hand the iterators the engine drives on
 * its own to wrappers that do the same (runtime/iteration.ts):
 *
 *   __observatory.resume(__call, await __observatory.suspend(__call, operand))
 *   __observatory.resume(__call, yield __observatory.pause(__call, operand))    // counts one yielded value
 *   __observatory.resume(__call, yield* __observatory.delegate(__call, operand))          // generators
 *   __observatory.resume(__call, yield* __observatory.delegateAsync(__call, operand))     // async generators
 *   try { for await (const x of __observatory.iterate(__call, operand)) { __observatory.resume(__call); ... } }
 *   finally { __observatory.resume(__call); }
 *
 * Any change to the shape of FunctionMeta or to the meaning of these calls bumps CONTRACT_VERSION; `register`
 * refuses code compiled against a version it does not know, with a message that names both versions.
 * Version 2: `done` completes the call (version 1 completed it in `exit`/`fail`); `delegate`, `delegateAsync`
 * and `iterate` are new.
 * Version 3: FunctionMeta may carry `paramKeys`. A runtime of version 3 still registers version 2 code, which
 * has none; a runtime of version 2 refuses version 3 code rather than store in clear what `paramKeys` redacts.
 * Version 4: FunctionMeta may carry `expected`. A runtime of version 4 registers version 2 and 3 code, which has
 * none (no failure is expected); a runtime of version 3 refuses version 4 code rather than count as unexpected
 * the failures it was told to expect.
 */
export const CONTRACT_VERSION = 4;
/** The versions of emitted code this runtime registers. */
export const SUPPORTED_CONTRACT_VERSIONS: readonly number[] = [2, 3, 4];

/** How the transformer wants an output value split into rows. */
export type OutputShape =
  /** No output rows: the function returns `void` or `never`. */
  | 'none'
  /** One row named `outputs[0]` holding the whole value. */
  | 'single'
  /** One row per element: `value[i]` is named `outputs[i]`. */
  | 'tuple'
  /** One row per property: `value[outputs[i]]` is named `outputs[i]`. */
  | 'object';

/** Static facts about one instrumented function, computed at compile time and registered once per module. */
export interface FunctionMeta {
  /** Display name: `divmod`, `Portfolio.value`, `Portfolio#constructor`, or the tag's `name=`. */
  name: string;
  /** Group of the function: the tag's `group=`, else the source file path relative to the project root without extension. */
  group: string;
  /** Source file path relative to the project root (the directory of tsconfig.json), with forward slashes. */
  file: string;
  /** 1-based line and column of the function's name (or of its first token) in the original source. */
  line: number;
  column: number;
  /** What kind of function this is, for readers: `function`, `arrow`, `method`, `getter`, `constructor`, ... */
  kind: string;
  /** True for async functions and async generators; their duration runs until the promise settles. */
  async: boolean;
  /** True for generator functions. */
  generator: boolean;
  /**
   * Names of the values passed to `enter`, in order. Simple parameters give their own name; destructuring
   * patterns contribute one name per binding. When `rest` is true the last entry is a rest parameter and is
   * expanded to `name[0]`, `name[1]`, ... at run time.
   */
  params: string[];
  /** Declared type text of each entry of `params` (as written, or as printed by the checker). */
  paramTypes: string[];
  /**
   * For each entry of `params`, the property path a destructuring pattern read it from (`auth.password` for
   * `{ auth: { password: p } }`), or '' when the name says it all. Redaction judges the path as well as the
   * name, so `login({ password: p })` does not store `p`. Absent when every entry is ''.
   */
  paramKeys?: string[];
  rest: boolean;
  /** How the return value is split; see OutputShape. */
  outputShape: OutputShape;
  /** Output row names, in order (empty for `none`). */
  outputs: string[];
  /** Declared type text of each output row. */
  outputTypes: string[];
  /** Return type as written, or as printed by the checker when inferred. */
  returnType: string;
  /** Fraction of the traces this function starts that are recorded, 0..1 (tag option `sample=`); 1 when absent. */
  sample: number;
  /** Which values to record (tag option `capture=`). */
  capture: 'all' | 'args' | 'result' | 'none';
  /** Extra names to redact for this function (tag option `redact=`), lower case. */
  redact: string[];
  /** Copy object arguments at entry instead of capturing them by reference (tag option `snapshot`). */
  snapshot: boolean;
  /**
   * Error types (class names, as calls.error_type has them) this function is expected to throw (tag option
   * `expected=`): its failures of these types, and those of the monitored calls the error passed up through,
   * are stored as expected (calls.error_expected) and left out of error counts and rates. Absent when empty.
   */
  expected?: string[];
}

/** Names of the runtime functions that emitted code calls; the transformer imports this list. */
export const RUNTIME_CALLS = {
  register: 'register',
  enter: 'enter',
  exit: 'exit',
  fail: 'fail',
  done: 'done',
  suspend: 'suspend',
  pause: 'pause',
  resume: 'resume',
  delegate: 'delegate',
  delegateAsync: 'delegateAsync',
  iterate: 'iterate',
} as const;

/**
 * Set in the environment of the threads this package starts for itself, the runtime's writer thread and the
 * loader's compiler thread, where the Node loader (ts-observatory/register) does nothing. They start without the
 * program's `--import` options (record/writer-thread.ts, transformer/loader/shared-compiler.ts), but Node reads
 * NODE_OPTIONS again for every worker thread, so `NODE_OPTIONS="--import ts-observatory/register"` still reaches
 * the writer thread; there the loader would register its hooks and, on Node 20, start a hooks thread of its own,
 * for a thread that runs only this package's JavaScript. Not a contract version matter: emitted code never reads it.
 */
export const OWN_THREAD_ENV = 'OBSERVATORY_OWN_THREAD';

/** The module specifier emitted code imports the runtime from, unless the plugin option `runtime` says otherwise. */
export const DEFAULT_RUNTIME_SPECIFIER = 'ts-observatory/runtime';

/**
 * A FunctionMeta with every field empty, with `overrides` applied: for the runtime's own pseudo-functions
 * (the inert handle, `process.uncaughtException`), so that the shape is written out once.
 */
export function emptyMeta(overrides: Partial<FunctionMeta>): FunctionMeta {
  return {
    name: '',
    group: '',
    file: '',
    line: 0,
    column: 0,
    kind: '',
    async: false,
    generator: false,
    params: [],
    paramTypes: [],
    rest: false,
    outputShape: 'none',
    outputs: [],
    outputTypes: [],
    returnType: '',
    sample: 1,
    capture: 'all',
    redact: [],
    snapshot: false,
    ...overrides,
  };
}
