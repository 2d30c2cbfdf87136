/**
 * Reading values from the user's heap without running user code: the built-ins' own methods and getters,
 * saved when the runtime loads (so a subclass or an own property that overrides `flags`, `length`, `subarray`
 * or `next` is never called), and the careful reads built on them: own data properties through lookups that
 * find accessors (getters are never invoked), prototype chains walked without opening proxies, class names
 * from the constructor's own `name`. value-encoder.ts and thrown.ts read everything through these.
 */
import * as util from 'node:util';

export const { types } = util;
export const getOwnDescriptor = Object.getOwnPropertyDescriptor;
export const getPrototypeOf = Object.getPrototypeOf;
export const hasOwn = Object.prototype.hasOwnProperty;
export const isEnumerable = Object.prototype.propertyIsEnumerable;
// Annex B's lookups: what makes readOwnData allocation-free.
type AnnexBLookup = (this: object, key: PropertyKey) => unknown;
const annexB = Object.prototype as unknown as Record<'__lookupGetter__' | '__lookupSetter__', AnnexBLookup>;
const lookupGetter = annexB.__lookupGetter__;
const lookupSetter = annexB.__lookupSetter__;

/** What readOwnData found instead of a value. */
export const NOT_OWN = Symbol('not own');
export const ACCESSOR = Symbol('accessor');

/**
 * An own property's value, read without invoking a getter: NOT_OWN when `object` has no own `key`, ACCESSOR
 * when the property is one. `object` must not be a proxy. The lookups stop at the own property they find,
 * so no prototype is consulted, and unlike getOwnPropertyDescriptor they allocate no descriptor object, which
 * was most of the cost of copying a small object. A property with only a setter reads as undefined
 * without running it, and only then is the setter looked up. Throws what the object's [[GetOwnProperty]]
 * throws (a module namespace's binding not yet initialized).
 */
export function readOwnData(object: object, key: string | number): unknown {
  if (!hasOwn.call(object, key)) return NOT_OWN;
  if (lookupGetter.call(object, key) !== undefined) return ACCESSOR;
  const value = (object as Record<string | number, unknown>)[key];
  if (value === undefined && lookupSetter.call(object, key) !== undefined) return ACCESSOR;
  return value;
}

/** The getter a built-in prototype defines for `key`. */
function intrinsicGetter(prototype: object, key: PropertyKey): (this: unknown) => unknown {
  return getOwnDescriptor(prototype, key)!.get!;
}

export const typedArrayPrototype = getPrototypeOf(Uint8Array.prototype) as object;
export const mapSize = intrinsicGetter(Map.prototype, 'size');
export const mapEntries = Map.prototype.entries;
export const mapIteratorNext = getPrototypeOf(new Map().entries()).next as (
  this: unknown,
) => IteratorResult<[unknown, unknown]>;
export const setSize = intrinsicGetter(Set.prototype, 'size');
export const setValues = Set.prototype.values;
export const setIteratorNext = getPrototypeOf(new Set().values()).next as (this: unknown) => IteratorResult<unknown>;
export const dateTime = Date.prototype.getTime;
export const dateIso = Date.prototype.toISOString;
const regExpSource = intrinsicGetter(RegExp.prototype, 'source');
/** In the order of RegExp.prototype.flags; the flags getter itself reads them through possibly overridden getters. */
const regExpFlags = (
  [
    ['d', 'hasIndices'],
    ['g', 'global'],
    ['i', 'ignoreCase'],
    ['m', 'multiline'],
    ['s', 'dotAll'],
    ['u', 'unicode'],
    ['v', 'unicodeSets'],
    ['y', 'sticky'],
  ] as const
)
  .filter(([, name]) => hasOwn.call(RegExp.prototype, name))
  .map(([letter, name]) => ({ letter, get: intrinsicGetter(RegExp.prototype, name) }));
export const typedArrayLength = intrinsicGetter(typedArrayPrototype, 'length');
export const typedArrayBuffer = intrinsicGetter(typedArrayPrototype, 'buffer');
export const typedArrayByteOffset = intrinsicGetter(typedArrayPrototype, 'byteOffset');
export const typedArrayTag = intrinsicGetter(typedArrayPrototype, Symbol.toStringTag);
export const arrayBufferLength = intrinsicGetter(ArrayBuffer.prototype, 'byteLength');
export const sharedArrayBufferLength = intrinsicGetter(SharedArrayBuffer.prototype, 'byteLength');
export const dataViewLength = intrinsicGetter(DataView.prototype, 'byteLength');
const weakRefDeref = WeakRef.prototype.deref;
export const symbolDescription = intrinsicGetter(Symbol.prototype, 'description');
/** The boxed primitives: their `$type`, and how to tell one and read its primitive without user code. */
export interface BoxedType {
  type: string;
  is: (value: unknown) => boolean;
  valueOf: (this: unknown) => unknown;
}
export const boxedTypes: readonly BoxedType[] = [
  { type: 'String', is: types.isStringObject, valueOf: String.prototype.valueOf },
  { type: 'Number', is: types.isNumberObject, valueOf: Number.prototype.valueOf },
  { type: 'Boolean', is: types.isBooleanObject, valueOf: Boolean.prototype.valueOf },
  { type: 'BigInt', is: types.isBigIntObject, valueOf: BigInt.prototype.valueOf },
  { type: 'Symbol', is: types.isSymbolObject, valueOf: Symbol.prototype.valueOf },
];
/** Constructors of the engine's own errors: an error of one of these has no `class` in its form. */
export const ERROR_CONSTRUCTORS: ReadonlySet<string> = new Set([
  'Error',
  'EvalError',
  'RangeError',
  'ReferenceError',
  'SyntaxError',
  'TypeError',
  'URIError',
  'AggregateError',
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
export const MAX_NAME_LENGTH = 128;

/**
 * Reads a data property, own or inherited, without invoking getters or opening proxies; undefined when the
 * property is missing or is an accessor.
 */
export function readData(object: object, key: PropertyKey): unknown {
  for (let current: object | null = object; current !== null; current = getPrototypeOf(current)) {
    if (types.isProxy(current)) return undefined;
    const descriptor = getOwnDescriptor(current, key);
    if (descriptor !== undefined) return 'value' in descriptor ? descriptor.value : undefined;
  }
  return undefined;
}

export function isError(object: object): boolean {
  return types.isNativeError(object) || inheritsFrom(object, Error.prototype);
}

/** The own enumerable properties of an error that its form keeps in `fields`. */
export function errorFieldKeys(error: object): string[] {
  return Object.keys(error).filter(key => !ERROR_PARTS.has(key));
}

/** `instanceof` without its proxy traps: false when the prototype chain reaches a proxy before `prototype`. */
export function inheritsFrom(object: object, prototype: object): boolean {
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
export function isWeakRef(object: object, className: string): boolean {
  if (className !== 'WeakRef' && !inheritsFrom(object, WeakRef.prototype)) return false;
  try {
    weakRefDeref.call(object);
    return true;
  } catch {
    return false;
  }
}

/** The constructor name of a class instance; null for plain objects (Object.prototype or null prototype). */
export function classNameOf(object: object): string | null {
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

export function kindOf(object: object, className: string | null): string {
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
export function entryCount(object: object): number {
  if (Array.isArray(object)) return object.length;
  if (types.isMap(object)) return mapSize.call(object) as number;
  if (types.isSet(object)) return setSize.call(object) as number;
  if (types.isTypedArray(object)) return typedArrayLength.call(object) as number;
  if (isError(object)) return errorFieldKeys(object).length;
  return Object.keys(object).length;
}

export function functionName(fn: object): string {
  if (types.isProxy(fn)) return '';
  const descriptor = getOwnDescriptor(fn, 'name');
  return descriptor !== undefined && typeof descriptor.value === 'string'
    ? descriptor.value.slice(0, MAX_NAME_LENGTH)
    : '';
}

/** `/source/flags`, read through the intrinsic getters. */
export function regExpText(regExp: object): string {
  let flags = '';
  for (const flag of regExpFlags) if (flag.get.call(regExp)) flags += flag.letter;
  return `/${regExpSource.call(regExp) as string}/${flags}`;
}

export function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

/** The message of something a read threw, read the same careful way as any value. */
export function errorText(error: unknown): string {
  if (typeof error !== 'object' || error === null)
    return typeof error === 'function' ? functionName(error) : String(error);
  if (types.isProxy(error)) return 'Proxy';
  try {
    return stringOr(readData(error, 'message'), 'unknown error');
  } catch {
    return 'unknown error';
  }
}
