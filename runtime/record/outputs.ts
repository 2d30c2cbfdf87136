/**
 * Output values of a call, split the way FunctionMeta.outputShape says.
 *
 *   none    no rows (void and never functions)
 *   single  one row, outputs[0], with the whole value
 *   tuple   value[i] as outputs[i], when the value is an array of exactly outputs.length elements
 *   object  the own data property outputs[i] of the value, when it is a non-null, non-array object
 *
 * A value that does not fit its declared shape (a function typed as returning a pair that returned a string)
 * is recorded whole, as one value named `result`; the writer names the values from the meta and this flag.
 */
import * as util from 'node:util';
import type { FunctionMeta } from '../contract';
import type { OpWriter } from './op-writer';
import type { ValueEncoder } from './value-encoder';

export function fitsOutputShape(meta: FunctionMeta, value: unknown): boolean {
  switch (meta.outputShape) {
    case 'tuple':
      return !isProxy(value) && Array.isArray(value) && value.length === meta.outputs.length;
    case 'object':
      return typeof value === 'object' && value !== null && !isProxy(value) && !Array.isArray(value);
    default:
      return true;
  }
}

/**
 * Writes the outputs of a call whose value fits its shape (see fitsOutputShape); returns how many there are.
 */
export function encodeOutputs(meta: FunctionMeta, value: unknown, encoder: ValueEncoder, out: OpWriter): number {
  switch (meta.outputShape) {
    case 'none':
      return 0;
    case 'tuple':
      for (let i = 0; i < meta.outputs.length; i++) encoder.encodeProperty(out, value as object, i);
      return meta.outputs.length;
    case 'object':
      for (const name of meta.outputs) encoder.encodeProperty(out, value as object, name);
      return meta.outputs.length;
    default:
      encoder.encode(out, value);
      return 1;
  }
}

function isProxy(value: unknown): boolean {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && util.types.isProxy(value);
}
