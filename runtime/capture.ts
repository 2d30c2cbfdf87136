/**
 * Copying recorded values into a plain, bounded tree that can cross to a worker thread.
 *
 * Records keep arguments and results by reference; when the queue is flushed (on the main thread, in a later
 * turn of the event loop, never inside the user's call) each value is copied here. Structured clone alone will
 * not do: it cannot copy functions, symbols or class identity, it throws on some objects and it would copy
 * unbounded data. The copy never runs user code: properties are read through their descriptors so getters
 * are not invoked, `toJSON` and `Symbol.iterator` are ignored, and proxies are not opened at all.
 *
 * What comes out is made of primitives, arrays, plain objects and marker objects with a `$type` key:
 *
 *   primitives            as they are (structured clone keeps undefined, -0, NaN, Infinity and bigint; the
 *                         worker turns those into their JSON forms, see runtime/json.ts)
 *   long string           { $type: 'truncated', reason: 'length', kind: 'string', length, value: prefix }
 *   plain object, array   copied; an object that has its own `$type` key is wrapped as { $type: 'object', fields }
 *   class instance        { $type: 'object', class: 'Point', fields: { ...own enumerable properties } }
 *   accessor property     { $type: 'accessor' } (the getter is never called)
 *   Map / Set             { $type: 'Map', entries: [[key, value], ...] } / { $type: 'Set', values: [...] }
 *   Date                  { $type: 'Date', value: ISO text, or null when invalid }
 *   RegExp                { $type: 'RegExp', value: '/a+/g' }
 *   Error                 { $type: 'Error', name, message, stack, cause?, fields? }
 *   function              { $type: 'function', name }
 *   symbol                { $type: 'symbol', description }
 *   typed array           { $type: 'Uint8Array', length, values: [...] } (bigint elements as they are)
 *   Buffer                { $type: 'Buffer', length, base64 }
 *   ArrayBuffer, DataView { $type: 'ArrayBuffer', byteLength } (also SharedArrayBuffer, DataView)
 *   Promise, WeakMap, WeakSet, WeakRef, other built-ins without readable contents   { $type: 'Promise' }, ...
 *   Proxy                 { $type: 'Proxy' }
 *   cycle                 { $type: 'circular' } in place of an object that contains itself
 *   too deep              { $type: 'truncated', reason: 'depth', kind }
 *   too many entries      { $type: 'truncated', reason: 'entries', kind, length, value: the first entries }
 *   over the size budget  { $type: 'truncated', reason: 'size', kind, length, value: the entries that fit }
 *   threw while read      { $type: 'unreadable', error: message }
 *
 * `kind` is 'string', 'array', 'object', a class name, or the built-in's name ('Map', 'Uint8Array', ...), and
 * `length` is the original number of characters or entries.
 */
import * as util from 'node:util';
import type { CaptureLimits } from './config';

const { types } = util;
const getOwnDescriptor = Object.getOwnPropertyDescriptor;
const getPrototypeOf = Object.getPrototypeOf;
const hasOwn = Object.prototype.hasOwnProperty;
const mapSize = getOwnDescriptor(Map.prototype, 'size')!.get!;
const mapEntries = Map.prototype.entries;
const setSize = getOwnDescriptor(Set.prototype, 'size')!.get!;
const setValues = Set.prototype.values;
const dateTime = Date.prototype.getTime;
const dateIso = Date.prototype.toISOString;
const regExpText = RegExp.prototype.toString;
const typedArrayLength = getOwnDescriptor(getPrototypeOf(Uint8Array.prototype), 'length')!.get!;
const arrayBufferLength = getOwnDescriptor(ArrayBuffer.prototype, 'byteLength')!.get!;
const bufferToBase64 = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

/** Placeholder for an object that contains itself. */
const CIRCULAR = Object.freeze({ $type: 'circular' });
const ACCESSOR = Object.freeze({ $type: 'accessor' });
const PROXY = Object.freeze({ $type: 'Proxy' });

/** Copies values within per-value limits. One instance is reused for every value of a flush. */
export class ValueCapture {
  private readonly limits: CaptureLimits;
  /** Characters of JSON text the current value may still use. */
  private budget = 0;
  /** Objects on the path from the root of the current value to the object being copied. */
  private readonly ancestors: object[] = [];

  constructor(limits: CaptureLimits) {
    this.limits = limits;
  }

  /** Copies one value (an argument or one output) within the limits of one value. */
  capture(value: unknown): unknown {
    this.budget = this.limits.maxValueSize;
    this.ancestors.length = 0;
    try {
      return this.copy(value, 0);
    } catch (error) {
      // Every read below is guarded, but a value from the user's heap is never worth failing a flush for.
      return unreadable(error);
    }
  }

  /** Copies one own property of `object` as a value of its own, without invoking a getter. */
  captureProperty(object: object, key: string | number): unknown {
    this.budget = this.limits.maxValueSize;
    this.ancestors.length = 0;
    try {
      return this.copyProperty(object, String(key), 0);
    } catch (error) {
      return unreadable(error);
    }
  }

  private copy(value: unknown, depth: number): unknown {
    switch (typeof value) {
      case 'string':
        return this.copyString(value);
      case 'number':
      case 'boolean':
      case 'bigint':
      case 'undefined':
        this.budget -= 8;
        return value;
      case 'symbol':
        this.budget -= 32;
        return { $type: 'symbol', description: value.description ?? null };
      case 'function':
        this.budget -= 32;
        return types.isProxy(value) ? PROXY : { $type: 'function', name: functionName(value) };
      default:
        if (value === null) {
          this.budget -= 4;
          return null;
        }
        return this.copyObject(value as object, depth);
    }
  }

  private copyString(text: string): unknown {
    const max = Math.max(0, Math.min(this.limits.maxStringLength, this.budget));
    this.budget -= Math.min(text.length, max) + 2;
    if (text.length <= max) return text;
    return { $type: 'truncated', reason: 'length', kind: 'string', length: text.length, value: text.slice(0, max) };
  }

  private copyObject(object: object, depth: number): unknown {
    this.budget -= 16;
    if (types.isProxy(object)) return PROXY;
    try {
      const leaf = this.copyLeaf(object);
      if (leaf !== undefined) return leaf;
      if (this.ancestors.includes(object)) return CIRCULAR;
      if (depth >= this.limits.maxDepth) return { $type: 'truncated', reason: 'depth', kind: kindOf(object) };
      this.ancestors.push(object);
      try {
        return this.copyContainer(object, depth + 1);
      } finally {
        this.ancestors.pop();
      }
    } catch (error) {
      return unreadable(error);
    }
  }

  /** Objects whose form does not nest: built-ins with a fixed-size description. */
  private copyLeaf(object: object): unknown {
    if (types.isDate(object)) {
      const time = dateTime.call(object);
      return { $type: 'Date', value: Number.isNaN(time) ? null : dateIso.call(object) };
    }
    if (types.isRegExp(object)) return { $type: 'RegExp', value: this.copyString(regExpText.call(object)) };
    if (types.isPromise(object)) return { $type: 'Promise' };
    if (types.isWeakMap(object)) return { $type: 'WeakMap' };
    if (types.isWeakSet(object)) return { $type: 'WeakSet' };
    if (object instanceof WeakRef) return { $type: 'WeakRef' };
    if (types.isAnyArrayBuffer(object)) {
      return { $type: types.isSharedArrayBuffer(object) ? 'SharedArrayBuffer' : 'ArrayBuffer', byteLength: arrayBufferLength.call(object) };
    }
    if (types.isDataView(object)) return { $type: 'DataView', byteLength: (object as DataView).byteLength };
    return undefined;
  }

  private copyContainer(object: object, depth: number): unknown {
    if (Array.isArray(object)) return this.copyArray(object, depth);
    if (types.isTypedArray(object)) return this.copyTypedArray(object);
    if (types.isMap(object)) return this.copyMap(object as Map<unknown, unknown>, depth);
    if (types.isSet(object)) return this.copySet(object as Set<unknown>, depth);
    if (types.isNativeError(object) || object instanceof Error) return this.copyError(object, depth);
    const className = classNameOf(object);
    const keys = Object.keys(object);
    const fields: Record<string, unknown> = {};
    let taken = 0;
    for (; taken < keys.length && taken < this.limits.maxEntries && this.budget > 0; taken++) {
      const key = keys[taken]!;
      this.budget -= key.length + 3;
      fields[key] = this.copyProperty(object, key, depth);
    }
    const form =
      className === null
        ? hasOwn.call(fields, '$type')
          ? { $type: 'object', fields }
          : fields
        : { $type: 'object', class: className, fields };
    return this.truncated(form, className ?? 'object', keys.length, taken);
  }

  private copyArray(array: unknown[], depth: number): unknown {
    const length = array.length;
    const items: unknown[] = [];
    let taken = 0;
    for (; taken < length && taken < this.limits.maxEntries && this.budget > 0; taken++) {
      items.push(this.copyProperty(array, String(taken), depth));
    }
    return this.truncated(items, 'array', length, taken);
  }

  private copyTypedArray(array: ArrayBufferView): unknown {
    const length = typedArrayLength.call(array) as number;
    const kind = Buffer.isBuffer(array) ? 'Buffer' : typedArrayName(array);
    if (kind === 'Buffer') {
      const shown = Math.min(length, Math.floor((Math.min(this.limits.maxStringLength, Math.max(this.budget, 0)) * 3) / 4));
      const base64 = bufferToBase64((array as Buffer).subarray(0, shown));
      this.budget -= base64.length + 16;
      return this.truncated({ $type: 'Buffer', length, base64 }, kind, length, shown);
    }
    const shown = Math.min(length, this.limits.maxEntries, Math.max(0, Math.floor(this.budget / 8)));
    const elements = array as unknown as ArrayLike<number | bigint>;
    const values: Array<number | bigint> = [];
    for (let i = 0; i < shown; i++) values.push(elements[i]!);
    this.budget -= shown * 8 + 16;
    return this.truncated({ $type: kind, length, values }, kind, length, shown);
  }

  private copyMap(map: Map<unknown, unknown>, depth: number): unknown {
    const size = mapSize.call(map) as number;
    const entries: unknown[] = [];
    const iterator = mapEntries.call(map);
    let taken = 0;
    for (; taken < size && taken < this.limits.maxEntries && this.budget > 0; taken++) {
      const step = iterator.next();
      if (step.done) break;
      const [key, value] = step.value;
      entries.push([this.copy(key, depth), this.copy(value, depth)]);
    }
    return this.truncated({ $type: 'Map', entries }, 'Map', size, taken);
  }

  private copySet(set: Set<unknown>, depth: number): unknown {
    const size = setSize.call(set) as number;
    const values: unknown[] = [];
    const iterator = setValues.call(set);
    let taken = 0;
    for (; taken < size && taken < this.limits.maxEntries && this.budget > 0; taken++) {
      const step = iterator.next();
      if (step.done) break;
      values.push(this.copy(step.value, depth));
    }
    return this.truncated({ $type: 'Set', values }, 'Set', size, taken);
  }

  private copyError(error: object, depth: number): unknown {
    const form: Record<string, unknown> = {
      $type: 'Error',
      name: this.copy(readData(error, 'name') ?? classNameOf(error) ?? 'Error', depth),
      message: this.copy(readData(error, 'message') ?? '', depth),
      stack: this.copy(readData(error, 'stack') ?? null, depth),
    };
    if (hasOwn.call(error, 'cause')) form.cause = this.copyProperty(error, 'cause', depth);
    const keys = Object.keys(error).filter(key => key !== 'message' && key !== 'stack' && key !== 'cause');
    if (keys.length > 0) {
      const fields: Record<string, unknown> = {};
      for (let i = 0; i < keys.length && i < this.limits.maxEntries && this.budget > 0; i++) {
        fields[keys[i]!] = this.copyProperty(error, keys[i]!, depth);
      }
      form.fields = fields;
    }
    return form;
  }

  /** Copies an own property without invoking a getter. */
  private copyProperty(object: object, key: string, depth: number): unknown {
    let descriptor: PropertyDescriptor | undefined;
    try {
      descriptor = getOwnDescriptor(object, key);
    } catch (error) {
      return unreadable(error);
    }
    if (descriptor === undefined) return undefined;
    if (!('value' in descriptor)) return ACCESSOR;
    return this.copy(descriptor.value, depth);
  }

  private truncated(form: unknown, kind: string, length: number, taken: number): unknown {
    if (taken >= length) return form;
    const reason = taken >= this.limits.maxEntries ? 'entries' : 'size';
    return { $type: 'truncated', reason, kind, length, value: form };
  }
}

/** error_type, error_message and error_stack of a thrown value, read without running user code. */
export interface ThrownDescription {
  type: string;
  message: string;
  stack: string | null;
}

export function describeThrown(thrown: unknown): ThrownDescription {
  try {
    if (typeof thrown !== 'object' || thrown === null) {
      return { type: typeof thrown, message: typeof thrown === 'symbol' ? thrown.toString() : String(thrown), stack: null };
    }
    if (types.isProxy(thrown)) return { type: 'Proxy', message: '', stack: null };
    const message = readData(thrown, 'message');
    const stack = readData(thrown, 'stack');
    const isError = types.isNativeError(thrown) || thrown instanceof Error;
    return {
      type: isError ? (classNameOf(thrown) ?? stringOr(readData(thrown, 'name'), 'Error')) : 'object',
      message: stringOr(message, ''),
      stack: typeof stack === 'string' ? stack : null,
    };
  } catch (error) {
    return { type: 'unreadable', message: errorText(error), stack: null };
  }
}

/**
 * Reads a data property, own or inherited, without invoking getters or opening proxies; undefined when the
 * property is missing or is an accessor.
 */
function readData(object: object, key: string): unknown {
  for (let current: object | null = object; current !== null; current = getPrototypeOf(current)) {
    if (types.isProxy(current)) return undefined;
    const descriptor = getOwnDescriptor(current, key);
    if (descriptor !== undefined) return 'value' in descriptor ? descriptor.value : undefined;
  }
  return undefined;
}

/** The constructor name of a class instance; null for plain objects (Object.prototype or null prototype). */
function classNameOf(object: object): string | null {
  const prototype = getPrototypeOf(object);
  if (prototype === null || prototype === Object.prototype) return null;
  if (types.isProxy(prototype)) return 'Proxy';
  const constructor = readData(prototype, 'constructor');
  const name = typeof constructor === 'function' ? functionName(constructor) : '';
  // An Object.prototype from another realm (vm contexts) still names a plain object.
  if (name === 'Object' && getPrototypeOf(prototype) === null) return null;
  return name === '' ? 'anonymous' : name;
}

function kindOf(object: object): string {
  if (Array.isArray(object)) return 'array';
  if (types.isMap(object)) return 'Map';
  if (types.isSet(object)) return 'Set';
  return classNameOf(object) ?? 'object';
}

function functionName(fn: Function): string {
  const descriptor = getOwnDescriptor(fn, 'name');
  return descriptor !== undefined && typeof descriptor.value === 'string' ? descriptor.value : '';
}

function typedArrayName(array: ArrayBufferView): string {
  const tag = getOwnDescriptor(getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag)!.get!.call(array);
  return typeof tag === 'string' ? tag : 'TypedArray';
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

function errorText(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'unknown error';
  }
}

function unreadable(error: unknown): unknown {
  return { $type: 'unreadable', error: errorText(error) };
}
