/**
 * Copies a recorded value into the ring as value ops (ring.ts, Op), in one pass and within per-value limits.
 *
 * Structured clone will not do: it cannot copy functions, symbols or class identity, it throws on some objects
 * and it would copy unbounded data. This copy never runs user code (intrinsics.ts): properties are read
 * without invoking getters (intrinsics.ts readOwnData), `toJSON` and `Symbol.iterator` are ignored, proxies
 * are not opened at all (not even as a prototype), and built-ins are read through their saved intrinsics.
 *
 * The writer thread rebuilds each value's form from the ops and turns it into JSON text; the forms, with
 * examples, are listed once, at the top of store/json.ts. What is decided here: which form a value takes,
 * and where a limit cuts it. `kind` and `length` of a truncated marker are the original's (a string's
 * characters, a Buffer's bytes, an array's or typed array's elements, a Map's or Set's entries, the own
 * enumerable properties of any other object; of an error, those its form keeps in `fields`).
 *
 * The size budget here counts characters, cheaply; the writer makes the exact cut in UTF-8 bytes of the JSON
 * text (store/json.ts). Ops are written postfix, so a container is written before the limits have said how
 * many of its entries get in; a read that throws halfway through a container rewinds the writer to where the
 * container began and writes an `unreadable` marker instead.
 */
import type { CaptureLimits } from './config';
import {
  boxedTypes,
  type BoxedType,
  classNameOf,
  dataViewLength,
  dateIso,
  dateTime,
  entryCount,
  ERROR_CONSTRUCTORS,
  errorFieldKeys,
  errorText,
  functionName,
  getPrototypeOf,
  hasOwn,
  inheritsFrom,
  isEnumerable,
  isError,
  isWeakRef,
  kindOf,
  mapEntries,
  mapIteratorNext,
  mapSize,
  arrayBufferLength,
  readData,
  readOwnData,
  NOT_OWN,
  ACCESSOR,
  regExpText,
  setIteratorNext,
  setSize,
  setValues,
  sharedArrayBufferLength,
  symbolDescription,
  typedArrayBuffer,
  typedArrayByteOffset,
  typedArrayLength,
  typedArrayTag,
  types,
} from './intrinsics';
import { readStack } from './thrown';
import type { OpWriter } from './op-writer';
import { Op, OVERLOAD_VALUE_SIZE } from '../ring';

/** Wire codes of TRUNCATION_REASONS (ring.ts). */
const enum Reason {
  Length,
  Entries,
  Size,
  Overload,
}

/** Copies values within per-value limits. One instance per thread, reused for every value. */
export class ValueEncoder {
  private readonly limits: CaptureLimits;
  /** Characters of JSON text the current value may still use. */
  private budget = 0;
  /** Characters of JSON text each value may use: the size limit, or OVERLOAD_VALUE_SIZE (holdToOverloadSize). */
  private valueSize: number;
  private overloaded = false;
  /** Objects on the path from the root of the current value to the object being copied. */
  private readonly ancestors: object[] = [];
  private out!: OpWriter;

  constructor(limits: CaptureLimits) {
    this.limits = limits;
    this.valueSize = limits.maxValueSize;
  }

  /**
   * Holds the values written from now on to OVERLOAD_VALUE_SIZE (the ring is more than three quarters full), or
   * back to the size limit. What a value loses to it is cut with reason `overload`, not `size`.
   */
  holdToOverloadSize(overloaded: boolean): void {
    if (overloaded === this.overloaded) return;
    this.overloaded = overloaded;
    this.valueSize = overloaded ? Math.min(OVERLOAD_VALUE_SIZE, this.limits.maxValueSize) : this.limits.maxValueSize;
  }

  /** Writes one value (an argument or one output) within the limits of one value. */
  encode(out: OpWriter, value: unknown): void {
    // Most values are numbers, booleans, null, undefined or short strings: written as they are, with no
    // budget to track and nothing to guard.
    switch (typeof value) {
      case 'number':
      case 'boolean':
      case 'undefined':
        return out.primitive(value);
      case 'string':
        if (value.length <= this.limits.maxStringLength && value.length <= this.valueSize) return out.string(value);
        break;
      case 'object':
        if (value === null) return out.op(Op.Null);
    }
    this.start(out);
    const mark = out.pos;
    try {
      this.copy(value, 0);
    } catch (error) {
      this.rewind(mark, error);
    }
  }

  /** Writes one own property of `object` as a value of its own, without invoking a getter. */
  encodeProperty(out: OpWriter, object: object, key: string | number): void {
    this.start(out);
    const mark = out.pos;
    try {
      this.copyProperty(object, key, 0);
    } catch (error) {
      this.rewind(mark, error);
    }
  }

  /**
   * The marker that ends a rest parameter's elements when it had more than the entry limit: the elements
   * before it are kept one value each, and this says how many there were in all.
   */
  encodeRestCut(out: OpWriter, length: number): void {
    this.start(out);
    this.cutMarker('entries', 'array', length);
  }

  private start(out: OpWriter): void {
    this.out = out;
    this.budget = this.valueSize;
    // A copy pops what it pushed; only one that threw leaves ancestors behind.
    if (this.ancestors.length !== 0) this.ancestors.length = 0;
  }

  /**
   * A read threw: forget what was written since `mark` and write an `unreadable` marker instead. Every read
   * is guarded, but a value from the user's heap is never worth failing a record for.
   */
  private rewind(mark: number, error: unknown): void {
    this.out.pos = mark;
    this.marker('unreadable', 'error', errorText(error));
  }

  private copy(value: unknown, depth: number): void {
    const out = this.out;
    switch (typeof value) {
      case 'string':
        return this.copyString(value);
      case 'number':
      case 'boolean':
      case 'bigint':
      case 'undefined':
        this.budget -= 8;
        return out.primitive(value);
      case 'symbol': {
        this.budget -= 32;
        const description = symbolDescription.call(value) as string | undefined;
        out.string('$type');
        out.string('symbol');
        out.string('description');
        if (description === undefined) out.op(Op.Null);
        else this.copyString(description);
        return out.counted(Op.Fields, 2);
      }
      case 'function':
        this.budget -= 32;
        if (types.isProxy(value)) return this.marker('Proxy');
        return this.marker('function', 'name', functionName(value));
      default:
        if (value === null) {
          this.budget -= 4;
          return out.op(Op.Null);
        }
        return this.copyObject(value as object, depth);
    }
  }

  private copyString(text: string): void {
    const max = Math.max(0, Math.min(this.limits.maxStringLength, this.budget));
    this.budget -= Math.min(text.length, max) + 2;
    if (text.length <= max) return this.out.string(text);
    this.out.string(text.slice(0, max));
    this.truncated(
      this.overloaded && max < this.limits.maxStringLength ? Reason.Overload : Reason.Length,
      'string',
      text.length,
    );
  }

  private copyObject(object: object, depth: number): void {
    this.budget -= 16;
    if (types.isProxy(object)) return this.marker('Proxy');
    const mark = this.out.pos;
    try {
      // Most objects are plain objects and arrays, told apart by their prototype: their copy skips every
      // check for the built-ins with a form of their own. (A built-in whose prototype was set to
      // Object.prototype would pass for a plain object; one with a null prototype, such as an error made an
      // orphan, still takes the checks.)
      const prototype = getPrototypeOf(object);
      const plainObject = prototype === Object.prototype;
      const plainArray = !plainObject && prototype === Array.prototype && Array.isArray(object);
      const className = plainObject ? null : plainArray ? 'Array' : classNameOf(object);
      if (className !== null) this.budget -= className.length;
      if (!plainObject && !plainArray && this.copyLeaf(object, className)) return;
      if (this.ancestors.includes(object)) return this.marker('circular');
      if (depth >= this.limits.maxDepth) return this.cutMarker('depth', kindOf(object, className), entryCount(object));
      this.ancestors.push(object);
      try {
        if (plainArray) this.copyArray(object as unknown[], className, depth + 1);
        else if (plainObject) this.copyFieldsForm(object, null, depth + 1);
        else this.copyContainer(object, className, depth + 1);
      } finally {
        this.ancestors.pop();
      }
    } catch (error) {
      this.rewind(mark, error);
    }
  }

  /** Objects whose form does not nest: built-ins with a fixed-size description. Returns false for others. */
  private copyLeaf(object: object, className: string | null): boolean {
    const type = leafType(object);
    if (type === null) return false;
    const out = this.out;
    switch (type) {
      case 'Date': {
        const time = dateTime.call(object);
        out.string('$type');
        out.string(type);
        out.string('value');
        if (Number.isNaN(time)) out.op(Op.Null);
        else out.string(dateIso.call(object));
        out.counted(Op.Fields, 2);
        break;
      }
      case 'RegExp':
        out.string('$type');
        out.string(type);
        out.string('value');
        this.copyString(regExpText(object));
        out.counted(Op.Fields, 2);
        break;
      case 'SharedArrayBuffer':
        this.marker(type, 'byteLength', sharedArrayBufferLength.call(object) as number);
        break;
      case 'ArrayBuffer':
        this.marker(type, 'byteLength', arrayBufferLength.call(object) as number);
        break;
      case 'DataView':
        this.marker(type, 'byteLength', dataViewLength.call(object) as number);
        break;
      case 'Promise':
      case 'WeakMap':
      case 'WeakSet':
        this.marker(type);
        break;
      default: {
        out.string('$type');
        out.string(type);
        out.string('value');
        this.copy(boxedType(object)!.valueOf.call(object), 0);
        out.counted(Op.Fields, 2);
      }
    }
    this.withClass(className, type);
    return true;
  }

  private copyContainer(object: object, className: string | null, depth: number): void {
    if (Array.isArray(object)) return this.copyArray(object, className, depth);
    if (types.isTypedArray(object)) return this.copyTypedArray(object, className);
    if (types.isMap(object)) return this.copyMap(object, className, depth);
    if (types.isSet(object)) return this.copySet(object, className, depth);
    if (isError(object)) return this.copyError(object, className, depth);
    // Only a class instance can be a WeakRef: the check reads the prototype chain, so plain objects skip it.
    if (className !== null && isWeakRef(object, className)) {
      this.marker('WeakRef');
      return this.withClass(className, 'WeakRef');
    }
    this.copyFieldsForm(object, className, depth);
  }

  /** A plain object or class instance: its own enumerable fields. */
  private copyFieldsForm(object: object, className: string | null, depth: number): void {
    const out = this.out;
    const keys = Object.keys(object);
    if (className !== null) {
      out.string('$type');
      out.string('object');
      out.string('class');
      out.string(className);
      out.string('fields');
    }
    const { taken, typeKey } = this.copyFields(object, keys, depth);
    if (className !== null) out.counted(Op.Fields, 3);
    else if (typeKey) out.op(Op.TaggedFields);
    this.truncateIfCut(className ?? 'object', keys.length, taken);
  }

  /**
   * Writes the own data of `keys` of `object` as one object, as many as the limits allow; returns how many,
   * and whether one of them was `$type` (such an object is wrapped, so it cannot pass for a form).
   */
  private copyFields(object: object, keys: readonly string[], depth: number): { taken: number; typeKey: boolean } {
    let taken = 0;
    let typeKey = false;
    for (; taken < keys.length && taken < this.limits.maxEntries && this.budget > 0; taken++) {
      const key = keys[taken]!;
      this.budget -= key.length + 3;
      // The length first, for the reason copyProperty tests a read's type first: off the generic comparison.
      if (key.length === 5 && key === '$type') typeKey = true;
      // A key is text like any other: a 1 MB key must not take 1 MB of the ring, nor reach the redaction rules.
      this.out.string(clip(key, this.limits.maxStringLength));
      this.copyProperty(object, key, depth);
    }
    this.out.counted(Op.Fields, taken);
    return { taken, typeKey };
  }

  private copyArray(array: unknown[], className: string | null, depth: number): void {
    const out = this.out;
    const subclass = className !== null && className !== 'Array';
    if (subclass) {
      out.string('$type');
      out.string('Array');
      out.string('class');
      out.string(className);
      out.string('values');
    }
    const length = array.length;
    let taken = 0;
    for (; taken < length && taken < this.limits.maxEntries && this.budget > 0; taken++) {
      this.copyProperty(array, taken, depth);
    }
    out.counted(Op.Array, taken);
    if (subclass) out.counted(Op.Fields, 3);
    this.truncateIfCut('array', length, taken);
  }

  private copyTypedArray(array: ArrayBufferView, className: string | null): void {
    const length = typedArrayLength.call(array) as number;
    if (inheritsFrom(array, Buffer.prototype)) return this.copyBuffer(array, className, length);
    const out = this.out;
    const kind = typedArrayTag.call(array) as string;
    const shown = Math.min(length, this.limits.maxEntries, Math.max(0, Math.floor(this.budget / 8)));
    out.string('$type');
    out.string(kind);
    out.string('length');
    out.number(length);
    out.string('values');
    // Integer indexes of a typed array read its memory directly: no getter or prototype is consulted.
    const elements = array as unknown as ArrayLike<number | bigint>;
    for (let i = 0; i < shown; i++) out.primitive(elements[i]!);
    out.counted(Op.Array, shown);
    out.counted(Op.Fields, 3);
    this.budget -= shown * 8 + 16;
    this.withClass(className, kind);
    this.truncateIfCut(kind, length, shown);
  }

  /** A Buffer is one string of base64, so it is held to the string limit, counted in bytes of the Buffer. */
  private copyBuffer(buffer: ArrayBufferView, className: string | null, length: number): void {
    const byStringLimit = Math.floor((this.limits.maxStringLength * 3) / 4);
    const byBudget = Math.floor((Math.max(this.budget, 0) * 3) / 4);
    const shown = Math.min(length, byStringLimit, byBudget);
    const memory = typedArrayBuffer.call(buffer) as ArrayBuffer;
    const base64 = Buffer.from(memory, typedArrayByteOffset.call(buffer) as number, shown).toString('base64');
    this.budget -= base64.length + 16;
    const out = this.out;
    out.string('$type');
    out.string('Buffer');
    out.string('length');
    out.number(length);
    out.string('base64');
    out.string(base64);
    out.counted(Op.Fields, 3);
    this.withClass(className, 'Buffer');
    if (shown < length) this.truncated(byBudget < byStringLimit ? this.sizeReason() : Reason.Length, 'Buffer', length);
  }

  private copyMap(map: Map<unknown, unknown>, className: string | null, depth: number): void {
    const out = this.out;
    const size = mapSize.call(map) as number;
    out.string('$type');
    out.string('Map');
    out.string('entries');
    const iterator = mapEntries.call(map);
    let taken = 0;
    for (; taken < size && taken < this.limits.maxEntries && this.budget > 0; taken++) {
      const step = mapIteratorNext.call(iterator);
      if (step.done) break;
      this.copy(step.value[0], depth);
      this.copy(step.value[1], depth);
      out.counted(Op.Array, 2);
    }
    out.counted(Op.Array, taken);
    out.counted(Op.Fields, 2);
    this.withClass(className, 'Map');
    this.truncateIfCut('Map', size, taken);
  }

  private copySet(set: Set<unknown>, className: string | null, depth: number): void {
    const out = this.out;
    const size = setSize.call(set) as number;
    out.string('$type');
    out.string('Set');
    out.string('values');
    const iterator = setValues.call(set);
    let taken = 0;
    for (; taken < size && taken < this.limits.maxEntries && this.budget > 0; taken++) {
      const step = setIteratorNext.call(iterator);
      if (step.done) break;
      this.copy(step.value, depth);
    }
    out.counted(Op.Array, taken);
    out.counted(Op.Fields, 2);
    this.withClass(className, 'Set');
    this.truncateIfCut('Set', size, taken);
  }

  /** The stack comes last: it is the longest part, the one the size budget (here and in the writer) cuts first. */
  private copyError(error: object, className: string | null, depth: number): void {
    const out = this.out;
    out.string('$type');
    out.string('Error');
    out.string('name');
    this.copy(readData(error, 'name') ?? className ?? 'Error', depth);
    out.string('message');
    this.copy(readData(error, 'message') ?? '', depth);
    const detail = this.copyErrorDetail(error, depth);
    out.string('stack');
    const mark = out.pos;
    try {
      this.copy(readStack(error) ?? null, depth);
    } catch (stackError) {
      // Only the program's Error.prepareStackTrace can throw here; what was read before stands.
      this.rewind(mark, stackError);
    }
    // $type, name, message and stack, and the detail's parts.
    out.counted(Op.Fields, 4 + detail.parts);
    const builtInName = className !== null && ERROR_CONSTRUCTORS.has(className) ? className : 'Error';
    this.withClass(className, builtInName);
    this.truncateIfCut(className ?? 'Error', detail.fields, detail.taken);
  }

  /**
   * What an error carries beyond its name, message and stack, as key/value pairs: `cause`, `errors` (an
   * AggregateError's) and `fields` (its own enumerable properties), each only when present. Returns how many
   * parts were written, and how many of how many fields.
   */
  private copyErrorDetail(error: object, depth: number): { parts: number; fields: number; taken: number } {
    const out = this.out;
    let parts = 0;
    if (hasOwn.call(error, 'cause')) {
      out.string('cause');
      this.copyProperty(error, 'cause', depth);
      parts++;
    }
    // Not enumerable, so not among the fields: the errors an AggregateError stands for.
    if (
      inheritsFrom(error, AggregateError.prototype) &&
      hasOwn.call(error, 'errors') &&
      !isEnumerable.call(error, 'errors')
    ) {
      out.string('errors');
      this.copyProperty(error, 'errors', depth);
      parts++;
    }
    const keys = errorFieldKeys(error);
    let taken = 0;
    if (keys.length > 0) {
      out.string('fields');
      taken = this.copyFields(error, keys, depth).taken;
      parts++;
    }
    return { parts, fields: keys.length, taken };
  }

  /**
   * The detail of what a failed call threw (store/json.ts, "error detail"): for an error, its `cause`,
   * `errors` and `fields` as one object, or null when it has none of them; for any other object, `{value}`;
   * null for a primitive, which the error's message already says whole. Run only for failed calls.
   */
  encodeErrorDetail(out: OpWriter, thrown: unknown): void {
    if (typeof thrown !== 'object' || thrown === null) return out.op(Op.Null);
    this.start(out);
    const mark = out.pos;
    try {
      if (types.isProxy(thrown) || !isError(thrown)) {
        out.string('value');
        this.copy(thrown, 0);
        return out.counted(Op.Fields, 1);
      }
      this.ancestors.push(thrown);
      const detail = this.copyErrorDetail(thrown, 1);
      this.ancestors.pop();
      if (detail.parts === 0) return out.op(Op.Null);
      out.counted(Op.Fields, detail.parts);
      this.truncateIfCut('Error', detail.fields, detail.taken);
    } catch (error) {
      this.rewind(mark, error);
    }
  }

  /** Copies an own property without invoking a getter. */
  private copyProperty(object: object, key: string | number, depth: number): void {
    let value: unknown;
    try {
      value = readOwnData(object, key);
    } catch (error) {
      return this.marker('unreadable', 'error', errorText(error));
    }
    // Tested by type first: a value of unknown type compared with a symbol takes the engine's generic
    // comparison, which profiles of a small object's copy showed on every property.
    if (typeof value === 'symbol') {
      if (value === NOT_OWN) return this.out.op(Op.Undefined);
      if (value === ACCESSOR) return this.marker('accessor');
    }
    this.copy(value, depth);
  }

  /** `{ $type: type }`, or `{ $type: type, [key]: value }`. */
  private marker(type: string, key?: string, value?: string | number): void {
    const out = this.out;
    out.string('$type');
    out.string(type);
    if (key === undefined) return out.counted(Op.Fields, 1);
    out.string(key);
    out.primitive(value);
    out.counted(Op.Fields, 2);
  }

  /** The form just written gets `class` after its `$type` when its class is not the built-in itself. */
  private withClass(className: string | null, builtInName: string): void {
    if (className === null || className === builtInName) return;
    this.out.string(className);
    this.out.op(Op.WithClass);
  }

  /** A truncated marker with nothing of the value in it. */
  private cutMarker(reason: 'depth' | 'entries', kind: string, length: number): void {
    const out = this.out;
    out.string('$type');
    out.string('truncated');
    out.string('reason');
    out.string(reason);
    out.string('kind');
    out.string(kind);
    out.string('length');
    out.number(length);
    out.counted(Op.Fields, 4);
  }

  /** The form just written is wrapped in a truncated marker when the limits kept fewer than all its entries. */
  private truncateIfCut(kind: string, length: number, taken: number): void {
    if (taken < length)
      this.truncated(taken >= this.limits.maxEntries ? Reason.Entries : this.sizeReason(), kind, length);
  }

  /** Why the size budget cut a value: the size limit, or the overload size that held it (holdToOverloadSize). */
  private sizeReason(): Reason {
    return this.overloaded ? Reason.Overload : Reason.Size;
  }

  private truncated(reason: Reason, kind: string, length: number): void {
    this.out.string(kind);
    this.out.number(length);
    this.out.coded(Op.Truncated, reason);
  }
}

/** The `$type` of a built-in whose form does not nest, or null for any other object. */
function leafType(object: object): string | null {
  if (types.isDate(object)) return 'Date';
  if (types.isRegExp(object)) return 'RegExp';
  if (types.isBoxedPrimitive(object)) return boxedType(object)!.type;
  if (types.isPromise(object)) return 'Promise';
  if (types.isWeakMap(object)) return 'WeakMap';
  if (types.isWeakSet(object)) return 'WeakSet';
  if (types.isSharedArrayBuffer(object)) return 'SharedArrayBuffer';
  if (types.isArrayBuffer(object)) return 'ArrayBuffer';
  if (types.isDataView(object)) return 'DataView';
  return null;
}

function boxedType(object: object): BoxedType | undefined {
  for (const boxed of boxedTypes) if (boxed.is(object)) return boxed;
  return undefined;
}

/** `text`, or its first `max` characters and a note of how many more there were. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… [${text.length - max} more characters]`;
}
