/**
 * Copying recorded values into a plain, bounded tree that can cross to a worker thread.
 *
 * Records keep arguments and results by reference; when the queue is flushed (on the main thread, in a later
 * turn of the event loop, never inside the user's call) each value is copied here. Structured clone alone will
 * not do: it cannot copy functions, symbols or class identity, it throws on some objects and it would copy
 * unbounded data. The copy never runs user code: properties are read through their descriptors so getters
 * are not invoked, `toJSON` and `Symbol.iterator` are ignored, proxies are not opened at all (not even as a
 * prototype), and built-ins are read through the intrinsic methods and getters saved below, so a subclass or
 * an own property that overrides `flags`, `length`, `subarray` or `next` is never called.
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
 *   boxed primitive       { $type: 'String', value: 'ab' } (also Number, Boolean, BigInt, Symbol)
 *   Error                 { $type: 'Error', name, message, cause?, fields?, stack }
 *   function              { $type: 'function', name }
 *   symbol                { $type: 'symbol', description }
 *   typed array           { $type: 'Uint8Array', length, values: [...] } (bigint elements as they are)
 *   Buffer                { $type: 'Buffer', length, base64 }
 *   ArrayBuffer, DataView { $type: 'ArrayBuffer', byteLength } (also SharedArrayBuffer, DataView)
 *   Promise, WeakMap, WeakSet, WeakRef, other built-ins without readable contents   { $type: 'Promise' }, ...
 *   Proxy                 { $type: 'Proxy' }
 *   cycle                 { $type: 'circular' } in place of an object that contains itself
 *   too deep              { $type: 'truncated', reason: 'depth', kind, length }
 *   too many entries      { $type: 'truncated', reason: 'entries', kind, length, value: the first entries }
 *   over the size budget  { $type: 'truncated', reason: 'size', kind, length, value: the entries that fit }
 *   threw while read      { $type: 'unreadable', error: message }
 *
 * An instance of a subclass of a built-in keeps the built-in's form and adds the class name after `$type`:
 * { $type: 'Map', class: 'Registry', entries }; an array subclass is { $type: 'Array', class: 'Stack', values }.
 * Class and function names longer than MAX_NAME_LENGTH characters are cut to that length.
 *
 * `kind` is 'string', 'array', 'object', a class name, or the built-in's name ('Map', 'Uint8Array', ...), and
 * `length` is the original size: characters of a string, bytes of a Buffer, elements of an array or typed
 * array, entries of a Map or Set, own enumerable properties of any other object (of an error, those its form
 * keeps in `fields`).
 *
 * The size budget here counts characters, cheaply; the worker makes the exact cut in UTF-8 bytes of the JSON
 * text (runtime/json.ts).
 */
import * as util from 'node:util';
import type { CaptureLimits } from './config';

const { types } = util;
const getOwnDescriptor = Object.getOwnPropertyDescriptor;
const getPrototypeOf = Object.getPrototypeOf;
const defineProperty = Object.defineProperty;
const hasOwn = Object.prototype.hasOwnProperty;

/** The getter a built-in prototype defines for `key`. */
function intrinsicGetter(prototype: object, key: PropertyKey): (this: unknown) => unknown {
  return getOwnDescriptor(prototype, key)!.get!;
}

const typedArrayPrototype = getPrototypeOf(Uint8Array.prototype) as object;
const mapSize = intrinsicGetter(Map.prototype, 'size');
const mapEntries = Map.prototype.entries;
const mapIteratorNext = getPrototypeOf(new Map().entries()).next as (this: unknown) => IteratorResult<[unknown, unknown]>;
const setSize = intrinsicGetter(Set.prototype, 'size');
const setValues = Set.prototype.values;
const setIteratorNext = getPrototypeOf(new Set().values()).next as (this: unknown) => IteratorResult<unknown>;
const dateTime = Date.prototype.getTime;
const dateIso = Date.prototype.toISOString;
const regExpSource = intrinsicGetter(RegExp.prototype, 'source');
/** In the order of RegExp.prototype.flags; the flags getter itself reads them through possibly overridden getters. */
const regExpFlags = (
  [['d', 'hasIndices'], ['g', 'global'], ['i', 'ignoreCase'], ['m', 'multiline'], ['s', 'dotAll'], ['u', 'unicode'],
    ['v', 'unicodeSets'], ['y', 'sticky']] as const
)
  .filter(([, name]) => hasOwn.call(RegExp.prototype, name))
  .map(([letter, name]) => ({ letter, get: intrinsicGetter(RegExp.prototype, name) }));
const typedArrayLength = intrinsicGetter(typedArrayPrototype, 'length');
const typedArrayBuffer = intrinsicGetter(typedArrayPrototype, 'buffer');
const typedArrayByteOffset = intrinsicGetter(typedArrayPrototype, 'byteOffset');
const typedArrayTag = intrinsicGetter(typedArrayPrototype, Symbol.toStringTag);
const arrayBufferLength = intrinsicGetter(ArrayBuffer.prototype, 'byteLength');
const sharedArrayBufferLength = intrinsicGetter(SharedArrayBuffer.prototype, 'byteLength');
const dataViewLength = intrinsicGetter(DataView.prototype, 'byteLength');
const weakRefDeref = WeakRef.prototype.deref;
const symbolDescription = intrinsicGetter(Symbol.prototype, 'description');
/** The boxed primitives: their `$type`, and how to tell one and read its primitive without user code. */
interface BoxedType {
  type: string;
  is: (value: unknown) => boolean;
  valueOf: (this: unknown) => unknown;
}
const boxedTypes: readonly BoxedType[] = [
  { type: 'String', is: types.isStringObject, valueOf: String.prototype.valueOf },
  { type: 'Number', is: types.isNumberObject, valueOf: Number.prototype.valueOf },
  { type: 'Boolean', is: types.isBooleanObject, valueOf: Boolean.prototype.valueOf },
  { type: 'BigInt', is: types.isBigIntObject, valueOf: BigInt.prototype.valueOf },
  { type: 'Symbol', is: types.isSymbolObject, valueOf: Symbol.prototype.valueOf },
];
/** Constructors of the engine's own errors: an error of one of these has no `class` in its form. */
const ERROR_CONSTRUCTORS: ReadonlySet<string> = new Set([
  'Error', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError', 'AggregateError',
]);
/**
 * This realm's prototypes of the built-ins most values are made of, and their names: the common case of
 * classNameOf without reading a `constructor`.
 */
const BUILT_IN_PROTOTYPES: ReadonlyMap<object, string> = new Map<object, string>(
  [Array, Map, Set, Date, RegExp, Promise, Buffer, Uint8Array, Error, TypeError, RangeError].map(builtIn => [
    builtIn.prototype,
    builtIn.name,
  ]),
);
/** Properties an error's form has at its top, not repeated among its `fields`. */
const ERROR_PARTS: ReadonlySet<string> = new Set(['name', 'message', 'cause', 'stack']);
/**
 * Longest class or function name kept. Names are identifiers, so this cuts only names made up at run time,
 * and it keeps every marker that names a kind small enough for the smallest value size (config.ts).
 */
const MAX_NAME_LENGTH = 128;

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
      case 'symbol': {
        this.budget -= 32;
        const description = symbolDescription.call(value);
        return { $type: 'symbol', description: description === undefined ? null : this.copyString(description as string) };
      }
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
    return truncatedMarker('length', 'string', text.length, text.slice(0, max));
  }

  private copyObject(object: object, depth: number): unknown {
    this.budget -= 16;
    if (types.isProxy(object)) return PROXY;
    try {
      const className = classNameOf(object);
      if (className !== null) this.budget -= className.length;
      const leaf = this.copyLeaf(object, className);
      if (leaf !== undefined) return leaf;
      if (this.ancestors.includes(object)) return CIRCULAR;
      if (depth >= this.limits.maxDepth) {
        return { $type: 'truncated', reason: 'depth', kind: kindOf(object, className), length: entryCount(object) };
      }
      this.ancestors.push(object);
      try {
        return this.copyContainer(object, className, depth + 1);
      } finally {
        this.ancestors.pop();
      }
    } catch (error) {
      return unreadable(error);
    }
  }

  /** Objects whose form does not nest: built-ins with a fixed-size description. */
  private copyLeaf(object: object, className: string | null): unknown {
    if (types.isDate(object)) {
      const time = dateTime.call(object);
      return withClass({ $type: 'Date', value: Number.isNaN(time) ? null : dateIso.call(object) }, className);
    }
    if (types.isRegExp(object)) return withClass({ $type: 'RegExp', value: this.copyString(regExpText(object)) }, className);
    if (types.isBoxedPrimitive(object)) {
      const boxed = boxedTypes.find(candidate => candidate.is(object))!;
      return withClass({ $type: boxed.type, value: this.copy(boxed.valueOf.call(object), 0) }, className);
    }
    if (types.isPromise(object)) return withClass({ $type: 'Promise' }, className);
    if (types.isWeakMap(object)) return withClass({ $type: 'WeakMap' }, className);
    if (types.isWeakSet(object)) return withClass({ $type: 'WeakSet' }, className);
    if (types.isSharedArrayBuffer(object)) {
      return withClass({ $type: 'SharedArrayBuffer', byteLength: sharedArrayBufferLength.call(object) }, className);
    }
    if (types.isArrayBuffer(object)) {
      return withClass({ $type: 'ArrayBuffer', byteLength: arrayBufferLength.call(object) }, className);
    }
    if (types.isDataView(object)) {
      return withClass({ $type: 'DataView', byteLength: dataViewLength.call(object) }, className);
    }
    return undefined;
  }

  private copyContainer(object: object, className: string | null, depth: number): unknown {
    if (Array.isArray(object)) return this.copyArray(object, className, depth);
    if (types.isTypedArray(object)) return this.copyTypedArray(object, className);
    if (types.isMap(object)) return this.copyMap(object, className, depth);
    if (types.isSet(object)) return this.copySet(object, className, depth);
    if (isError(object)) return this.copyError(object, className, depth);
    // Only a class instance can be a WeakRef: the check reads the prototype chain, so plain objects skip it.
    if (className !== null && isWeakRef(object, className)) return withClass({ $type: 'WeakRef' }, className);
    const keys = Object.keys(object);
    const fields: Record<string, unknown> = {};
    const taken = this.copyFields(object, keys, fields, depth);
    const form =
      className === null
        ? hasOwn.call(fields, '$type')
          ? { $type: 'object', fields }
          : fields
        : { $type: 'object', class: className, fields };
    return this.truncated(form, className ?? 'object', keys.length, taken);
  }

  /** Copies the own data of `keys` of `object` into `fields`, as many as the limits allow; returns how many. */
  private copyFields(object: object, keys: readonly string[], fields: Record<string, unknown>, depth: number): number {
    let taken = 0;
    for (; taken < keys.length && taken < this.limits.maxEntries && this.budget > 0; taken++) {
      const key = keys[taken]!;
      this.budget -= key.length + 3;
      const value = this.copyProperty(object, key, depth);
      // Assigning `__proto__` would set the prototype; an own `__proto__` key (JSON.parse makes them) is a field.
      if (key === '__proto__') defineProperty(fields, key, { value, enumerable: true, writable: true, configurable: true });
      else fields[key] = value;
    }
    return taken;
  }

  private copyArray(array: unknown[], className: string | null, depth: number): unknown {
    const length = array.length;
    const items: unknown[] = [];
    let taken = 0;
    for (; taken < length && taken < this.limits.maxEntries && this.budget > 0; taken++) {
      items.push(this.copyProperty(array, String(taken), depth));
    }
    const form = className === null || className === 'Array' ? items : { $type: 'Array', class: className, values: items };
    return this.truncated(form, 'array', length, taken);
  }

  private copyTypedArray(array: ArrayBufferView, className: string | null): unknown {
    const length = typedArrayLength.call(array) as number;
    if (inheritsFrom(array, Buffer.prototype)) return this.copyBuffer(array, className, length);
    const kind = typedArrayTag.call(array) as string;
    const shown = Math.min(length, this.limits.maxEntries, Math.max(0, Math.floor(this.budget / 8)));
    // Integer indexes of a typed array read its memory directly: no getter or prototype is consulted.
    const elements = array as unknown as ArrayLike<number | bigint>;
    const values: Array<number | bigint> = [];
    for (let i = 0; i < shown; i++) values.push(elements[i]!);
    this.budget -= shown * 8 + 16;
    return this.truncated(withClass({ $type: kind, length, values }, className), kind, length, shown);
  }

  /** A Buffer is one string of base64, so it is held to the string limit, counted in bytes of the Buffer. */
  private copyBuffer(buffer: ArrayBufferView, className: string | null, length: number): unknown {
    const byStringLimit = Math.floor((this.limits.maxStringLength * 3) / 4);
    const byBudget = Math.floor((Math.max(this.budget, 0) * 3) / 4);
    const shown = Math.min(length, byStringLimit, byBudget);
    const memory = typedArrayBuffer.call(buffer) as ArrayBuffer;
    const base64 = Buffer.from(memory, typedArrayByteOffset.call(buffer) as number, shown).toString('base64');
    this.budget -= base64.length + 16;
    const form = withClass({ $type: 'Buffer', length, base64 }, className);
    if (shown === length) return form;
    return truncatedMarker(byBudget < byStringLimit ? 'size' : 'length', 'Buffer', length, form);
  }

  private copyMap(map: Map<unknown, unknown>, className: string | null, depth: number): unknown {
    const size = mapSize.call(map) as number;
    const entries: unknown[] = [];
    const iterator = mapEntries.call(map);
    let taken = 0;
    for (; taken < size && taken < this.limits.maxEntries && this.budget > 0; taken++) {
      const step = mapIteratorNext.call(iterator);
      if (step.done) break;
      entries.push([this.copy(step.value[0], depth), this.copy(step.value[1], depth)]);
    }
    return this.truncated(withClass({ $type: 'Map', entries }, className), 'Map', size, taken);
  }

  private copySet(set: Set<unknown>, className: string | null, depth: number): unknown {
    const size = setSize.call(set) as number;
    const values: unknown[] = [];
    const iterator = setValues.call(set);
    let taken = 0;
    for (; taken < size && taken < this.limits.maxEntries && this.budget > 0; taken++) {
      const step = setIteratorNext.call(iterator);
      if (step.done) break;
      values.push(this.copy(step.value, depth));
    }
    return this.truncated(withClass({ $type: 'Set', values }, className), 'Set', size, taken);
  }

  /** The stack comes last: it is the longest part, the one the size budget (here and in the worker) cuts first. */
  private copyError(error: object, className: string | null, depth: number): unknown {
    const form: { $type: string; [part: string]: unknown } = {
      $type: 'Error',
      name: this.copy(readData(error, 'name') ?? className ?? 'Error', depth),
      message: this.copy(readData(error, 'message') ?? '', depth),
    };
    if (hasOwn.call(error, 'cause')) form.cause = this.copyProperty(error, 'cause', depth);
    const keys = errorFieldKeys(error);
    let taken = 0;
    if (keys.length > 0) {
      const fields: Record<string, unknown> = {};
      taken = this.copyFields(error, keys, fields, depth);
      form.fields = fields;
    }
    try {
      form.stack = this.copy(readStack(error) ?? null, depth);
    } catch (stackError) {
      // Only the program's Error.prepareStackTrace can throw here; what was read before stands.
      form.stack = unreadable(stackError);
    }
    const builtInName = className !== null && ERROR_CONSTRUCTORS.has(className) ? className : 'Error';
    return this.truncated(withClass(form, className, builtInName), className ?? 'Error', keys.length, taken);
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

  /** `form` as it is when all `length` entries were taken, else marked with the limit that stopped the copy. */
  private truncated(form: unknown, kind: string, length: number, taken: number): unknown {
    if (taken >= length) return form;
    return truncatedMarker(taken >= this.limits.maxEntries ? 'entries' : 'size', kind, length, form);
  }
}

/** error_type, error_message and error_stack of a thrown value, read without running user code. */
export interface ThrownDescription {
  type: string;
  message: string;
  stack: string | null;
}

export function describeThrown(thrown: unknown): ThrownDescription {
  if (typeof thrown === 'function') return { type: 'function', message: functionName(thrown), stack: null };
  // String() of a primitive, symbols included, runs no user code.
  if (typeof thrown !== 'object' || thrown === null) return { type: typeof thrown, message: String(thrown), stack: null };
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
function readStack(error: object): unknown {
  for (let current: object | null = error; current !== null; current = getPrototypeOf(current)) {
    if (types.isProxy(current)) return undefined;
    for (const key of ['name', 'message']) {
      const descriptor = getOwnDescriptor(current, key);
      if (descriptor !== undefined && !('value' in descriptor)) return undefined;
    }
  }
  return readData(error, 'stack');
}

/**
 * Reads a data property, own or inherited, without invoking getters or opening proxies; undefined when the
 * property is missing or is an accessor.
 */
function readData(object: object, key: PropertyKey): unknown {
  for (let current: object | null = object; current !== null; current = getPrototypeOf(current)) {
    if (types.isProxy(current)) return undefined;
    const descriptor = getOwnDescriptor(current, key);
    if (descriptor !== undefined) return 'value' in descriptor ? descriptor.value : undefined;
  }
  return undefined;
}

function isError(object: object): boolean {
  return types.isNativeError(object) || inheritsFrom(object, Error.prototype);
}

/** The own enumerable properties of an error that its form keeps in `fields`. */
function errorFieldKeys(error: object): string[] {
  return Object.keys(error).filter(key => !ERROR_PARTS.has(key));
}

/** `instanceof` without its proxy traps: false when the prototype chain reaches a proxy before `prototype`. */
function inheritsFrom(object: object, prototype: object): boolean {
  for (let current = getPrototypeOf(object) as object | null; current !== null; current = getPrototypeOf(current)) {
    if (current === prototype) return true;
    if (types.isProxy(current)) return false;
  }
  return false;
}

/**
 * util.types has no isWeakRef: a WeakRef of this realm inherits from WeakRef.prototype, one of another realm
 * (vm) has a class named WeakRef; `deref` then checks the brand (it throws on anything else).
 */
function isWeakRef(object: object, className: string): boolean {
  if (className !== 'WeakRef' && !inheritsFrom(object, WeakRef.prototype)) return false;
  try {
    weakRefDeref.call(object);
    return true;
  } catch {
    return false;
  }
}

/** The constructor name of a class instance; null for plain objects (Object.prototype or null prototype). */
function classNameOf(object: object): string | null {
  const prototype = getPrototypeOf(object);
  if (prototype === null || prototype === Object.prototype) return null;
  const builtIn = BUILT_IN_PROTOTYPES.get(prototype);
  if (builtIn !== undefined) return builtIn;
  if (types.isProxy(prototype)) return 'Proxy';
  const constructor = readData(prototype, 'constructor');
  const name = typeof constructor === 'function' ? functionName(constructor) : '';
  // An Object.prototype from another realm (vm contexts) still names a plain object.
  if (name === 'Object' && getPrototypeOf(prototype) === null) return null;
  return name === '' ? 'anonymous' : name;
}

/**
 * A built-in's form, with `class` after `$type` when the object's class is not the built-in itself (by
 * default the built-in named by `$type`).
 */
function withClass<Form extends { $type: string }>(form: Form, className: string | null, builtInName = form.$type): object {
  if (className === null || className === builtInName) return form;
  const { $type, ...parts } = form;
  return { $type, class: className, ...parts };
}

function kindOf(object: object, className: string | null): string {
  if (Array.isArray(object)) return 'array';
  if (types.isMap(object)) return 'Map';
  if (types.isSet(object)) return 'Set';
  if (types.isTypedArray(object)) {
    return inheritsFrom(object, Buffer.prototype) ? 'Buffer' : (typedArrayTag.call(object) as string);
  }
  if (isError(object)) return className ?? 'Error';
  return className ?? 'object';
}

/** The original size of a container, in the unit `length` uses for its kind. */
function entryCount(object: object): number {
  if (Array.isArray(object)) return object.length;
  if (types.isMap(object)) return mapSize.call(object) as number;
  if (types.isSet(object)) return setSize.call(object) as number;
  if (types.isTypedArray(object)) return typedArrayLength.call(object) as number;
  if (isError(object)) return errorFieldKeys(object).length;
  return Object.keys(object).length;
}

function functionName(fn: Function): string {
  if (types.isProxy(fn)) return '';
  const descriptor = getOwnDescriptor(fn, 'name');
  return descriptor !== undefined && typeof descriptor.value === 'string' ? descriptor.value.slice(0, MAX_NAME_LENGTH) : '';
}

/** `/source/flags`, read through the intrinsic getters. */
function regExpText(regExp: object): string {
  let flags = '';
  for (const flag of regExpFlags) if (flag.get.call(regExp)) flags += flag.letter;
  return `/${regExpSource.call(regExp) as string}/${flags}`;
}

function truncatedMarker(reason: string, kind: string, length: number, value: unknown): unknown {
  return { $type: 'truncated', reason, kind, length, value };
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

/** The message of something a read threw, read the same careful way as any value. */
function errorText(error: unknown): string {
  if (typeof error !== 'object' || error === null) return typeof error === 'function' ? functionName(error) : String(error);
  if (types.isProxy(error)) return 'Proxy';
  try {
    return stringOr(readData(error, 'message'), 'unknown error');
  } catch {
    return 'unknown error';
  }
}

function unreadable(error: unknown): unknown {
  return { $type: 'unreadable', error: errorText(error) };
}
