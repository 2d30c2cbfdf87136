/**
 * One compiler for every thread of a process. Without it, each thread that runs TypeScript through the loader
 * (the main thread, Node 20's hooks thread, every worker thread) loads TypeScript and parses the standard
 * library and @types/node again: about two seconds of CPU each, and as much memory. A compiler that has done so
 * instruments the next project's file in a few tens of milliseconds.
 *
 * So the main thread starts a compiler thread (compiler-thread.ts) as it installs the loader, and publishes it
 * in its environment data, which Node copies into every thread started afterwards; the hooks thread, which
 * another loader registered first may have started already, is handed it as the hooks' initialization data.
 * A thread asks for a file over a BroadcastChannel, which any thread of the process can open by name, and waits
 * for the answer with Atomics.wait, as `require` must be answered synchronously: each request carries the asking
 * thread's growable SharedArrayBuffer, which the compiler thread writes its answer into. A thread that finds no
 * compiler thread (its main thread did not install the loader) or finds it gone compiles on its own, as every
 * thread did before.
 */
import * as path from 'node:path';
import { BroadcastChannel, getEnvironmentData, setEnvironmentData, Worker } from 'node:worker_threads';
import { OWN_THREAD_ENV } from '../../runtime/contract';

/** Where the handle is published: a key naming this file, so that another installed copy has a compiler of its own. */
const HANDLE_KEY = `ts-observatory loader compiler ${__filename}`;

export interface CompilerHandle {
  /** The name of the BroadcastChannel the compiler thread listens on. */
  channel: string;
  /** One Int32 word, a CompilerState. */
  state: SharedArrayBuffer;
}

export const enum CompilerState {
  Starting,
  Ready,
  Gone,
}

export interface CompileRequest {
  fileName: string;
  /** Two Int32 words (an AnswerState, then the text's length in bytes), then the answer as UTF-8 JSON. */
  answer: SharedArrayBuffer;
}

export const enum AnswerState {
  Pending,
  Compiled,
  Failed,
  /** Larger than an answer can grow: the asking thread compiles the file itself. */
  TooLarge,
}

export const ANSWER_HEADER_BYTES = 8;
const ANSWER_INITIAL_BYTES = 64 * 1024;
/** Growable to this, which reserves address space only: no emitted file comes near it. */
const ANSWER_MAX_BYTES = 256 * 1024 * 1024;
/** A waiting thread looks this often whether the compiler thread has gone (and will never answer). */
const WAIT_SLICE_MS = 1000;
/** How long a thread waits for the compiler thread to start before it compiles on its own. */
const START_LIMIT_MS = 30_000;

/** What the compiler thread answers for a file that compiled. */
export interface CompiledFile {
  code: string;
  /** The loader's warnings about the file, for the asking thread to print. */
  warnings: string[];
}

/** What it answers for one that did not: the error the compiler threw, whose message is the whole report. */
export interface FailedFile {
  message: string;
}

/**
 * Starts the compiler thread, from the main thread as it installs the loader, for the threads it starts next;
 * returns its handle, for the hooks thread. Every process that installs the loader pays for this thread's start
 * (bench/README.md), compiling TypeScript or not.
 */
export function startCompilerThread(): CompilerHandle {
  const handle: CompilerHandle = {
    channel: `${HANDLE_KEY} ${process.pid} ${Math.random()}`,
    state: new SharedArrayBuffer(4),
  };
  const { NODE_OPTIONS: _programOptions, ...env } = process.env;
  const worker = new Worker(path.join(__dirname, 'compiler-thread.js'), {
    workerData: handle,
    // None of the program's loaders or preloads: this thread runs this package's JavaScript and TypeScript only.
    execArgv: [],
    env: { ...env, [OWN_THREAD_ENV]: '1' },
  });
  const state = new Int32Array(handle.state);
  const gone = (): void => {
    Atomics.store(state, 0, CompilerState.Gone);
    Atomics.notify(state, 0);
  };
  worker.on('error', error => {
    gone();
    const message = `the loader's compiler thread stopped (${error.message}); each thread now compiles on its own`;
    process.emitWarning(message, { code: 'OBSERVATORY_LOADER' });
  });
  worker.on('exit', gone);
  // The program ends when its own work does; the compiler thread only waits for requests.
  worker.unref();
  setEnvironmentData(HANDLE_KEY, handle);
  return handle;
}

/** The compiler thread this thread was started with, if any. */
export function publishedCompilerThread(): CompilerHandle | undefined {
  return handedCompiler ?? (getEnvironmentData(HANDLE_KEY) as CompilerHandle | undefined);
}

/** The hooks thread: the compiler thread it is handed by register.ts, whether or not it was started after it. */
export function useCompilerThread(handle: CompilerHandle): void {
  handedCompiler = handle;
}

let handedCompiler: CompilerHandle | undefined;

/**
 * The channel this thread asks on. A BroadcastChannel delivers a message to every other channel of its name, so
 * each asking thread also receives, and drops, the others' requests: a file name and a buffer each.
 */
let channel: BroadcastChannel | null = null;
/** This thread's requests, one at a time (the thread waits for each), share one answer buffer. */
let answer: SharedArrayBuffer | null = null;

/**
 * `fileName` instrumented by the compiler thread; null when this thread has none to ask, or it is gone, and must
 * compile the file itself. Throws, as compiling in this thread would, when the file does not compile.
 */
export function compileInCompilerThread(fileName: string): CompiledFile | null {
  const handle = publishedCompilerThread();
  if (handle === undefined) return null;
  const state = new Int32Array(handle.state);
  // A thread that cannot start says so only to the main thread's event loop, which may be the one waiting here.
  const startLimit = Date.now() + START_LIMIT_MS;
  while (Atomics.load(state, 0) === CompilerState.Starting && Date.now() < startLimit) {
    Atomics.wait(state, 0, CompilerState.Starting, WAIT_SLICE_MS);
  }
  // Past the limit it counts as gone, for every thread: a thread that starts after all does not claim Ready.
  Atomics.compareExchange(state, 0, CompilerState.Starting, CompilerState.Gone);
  if (Atomics.load(state, 0) !== CompilerState.Ready) return null;
  if (channel === null) {
    channel = new BroadcastChannel(handle.channel);
    // Asking keeps no thread alive.
    channel.unref();
  }
  answer ??= new SharedArrayBuffer(ANSWER_INITIAL_BYTES, { maxByteLength: ANSWER_MAX_BYTES });
  const words = new Int32Array(answer, 0, 2);
  Atomics.store(words, 0, AnswerState.Pending);
  channel.postMessage({ fileName, answer } satisfies CompileRequest);
  while (Atomics.load(words, 0) === AnswerState.Pending) {
    if (Atomics.load(state, 0) === CompilerState.Gone) return null;
    Atomics.wait(words, 0, AnswerState.Pending, WAIT_SLICE_MS);
  }
  const outcome = Atomics.load(words, 0);
  if (outcome === AnswerState.TooLarge) return null;
  const text = Buffer.from(answer, ANSWER_HEADER_BYTES, words[1]).toString('utf8');
  // The report is the message; the compiler thread's stack would name only its own frames.
  if (outcome === AnswerState.Failed) throw new Error((JSON.parse(text) as FailedFile).message);
  return JSON.parse(text) as CompiledFile;
}
