/**
 * The loader's compiler thread (shared-compiler.ts): instruments every file any thread of the process asks
 * for, one at a time, with one TypeScript, one parse of the standard library and one language service per
 * project for them all.
 */
import { BroadcastChannel, workerData } from 'node:worker_threads';
import {
  ANSWER_HEADER_BYTES,
  AnswerState,
  CompilerState,
  type CompiledFile,
  type CompileRequest,
  type CompilerHandle,
  type FailedFile,
} from './shared-compiler';

const handle = workerData as CompilerHandle;
const state = new Int32Array(handle.state);
// However this thread ends, a thread waiting for an answer stops waiting and compiles on its own.
process.on('exit', () => {
  Atomics.store(state, 0, CompilerState.Gone);
  Atomics.notify(state, 0);
});

// The compiler loads with the first request, where a failure to load is that request's answer.
type NodeOutput = typeof import('./node-output');
let nodeOutput: NodeOutput | null = null;

const channel = new BroadcastChannel(handle.channel);
channel.onmessage = event => answer((event as MessageEvent).data as CompileRequest);
// Not over a Gone that a thread which gave up waiting for the start set.
Atomics.compareExchange(state, 0, CompilerState.Starting, CompilerState.Ready);
Atomics.notify(state, 0);

function answer({ fileName, answer }: CompileRequest): void {
  let compiled: CompiledFile | FailedFile;
  let outcome = AnswerState.Compiled;
  try {
    const warnings: string[] = [];
    nodeOutput ??= require('./node-output') as NodeOutput;
    compiled = { code: nodeOutput.instrumentInThisThread(fileName, message => warnings.push(message)), warnings };
  } catch (error) {
    outcome = AnswerState.Failed;
    compiled = { message: error instanceof Error ? error.message : String(error) };
  }
  const text = Buffer.from(JSON.stringify(compiled), 'utf8');
  const needed = ANSWER_HEADER_BYTES + text.length;
  if (needed > answer.byteLength) {
    if (needed > answer.maxByteLength) return reply(answer, AnswerState.TooLarge, Buffer.alloc(0));
    answer.grow(needed);
  }
  reply(answer, outcome, text);
}

function reply(answer: SharedArrayBuffer, outcome: AnswerState, text: Buffer): void {
  new Uint8Array(answer).set(text, ANSWER_HEADER_BYTES);
  const words = new Int32Array(answer, 0, 2);
  words[1] = text.length;
  Atomics.store(words, 0, outcome);
  Atomics.notify(words, 0);
}
