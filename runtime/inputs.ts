/**
 * Input values of a call, in the order of FunctionMeta.params, with a rest parameter expanded.
 *
 * The transformer passes one argument per entry of `params`; when the last is a rest parameter its array is
 * expanded here into one value per element, which the worker names `numbers[0]`, `numbers[1]`, ... (at most
 * maxEntries of them). The copies are clone-safe trees from capture.ts.
 */
import * as util from 'node:util';
import { ValueCapture } from './capture';
import type { FunctionHandle } from './function-handle';
import { settings } from './settings';

/** Appends the captured inputs to `into`; returns how many there are. */
export function captureInputs(fn: FunctionHandle, args: unknown[], capture: ValueCapture, into: unknown[]): number {
  const restIndex = fn.meta.rest ? fn.meta.params.length - 1 : -1;
  const before = into.length;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (i === restIndex && !util.types.isProxy(arg) && Array.isArray(arg)) {
      const count = Math.min(arg.length, settings.capture.maxEntries);
      for (let j = 0; j < count; j++) into.push(capture.captureProperty(arg, j));
    } else {
      into.push(capture.capture(arg));
    }
  }
  return into.length - before;
}

/** Used only for functions tagged `snapshot`: their arguments are copied at entry, as they were then. */
const snapshotCapture = new ValueCapture(settings.capture);

export function snapshotInputs(fn: FunctionHandle, args: unknown[]): unknown[] {
  const inputs: unknown[] = [];
  captureInputs(fn, args, snapshotCapture, inputs);
  return inputs;
}
