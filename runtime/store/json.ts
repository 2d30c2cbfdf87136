/**
 * The JSON text of one recorded value, as stored in calls.inputs and calls.outputs, made on the writer thread
 * from the value's form (rebuilt by value-decoder.ts from what record/value-encoder.ts wrote).
 *
 * Strings, finite numbers, booleans, null, arrays and plain objects are plain JSON. Everything JSON cannot
 * say is an object with a `"$type"` key:
 *
 *   {"$type":"undefined"}
 *   {"$type":"number","value":"NaN"}            also "Infinity", "-Infinity" and "-0"
 *   {"$type":"bigint","value":"12"}
 *   {"$type":"redacted"}                        the name matched the redaction rules (redaction.ts)
 *   {"$type":"symbol","description":"id"}       description is null for Symbol()
 *   {"$type":"function","name":"parse"}
 *   {"$type":"object","class":"Point","fields":{"x":1,"y":2}}   class instance, own enumerable fields
 *   {"$type":"object","fields":{"$type":"user data"}}          plain object that has a `$type` key itself
 *   {"$type":"accessor"}                        a getter/setter property; never invoked
 *   {"$type":"Map","entries":[[key,value],...]}
 *   {"$type":"Set","values":[...]}
 *   {"$type":"Array","class":"Stack","values":[...]}           an instance of a subclass of Array
 *   {"$type":"Date","value":"2026-01-02T03:04:05.006Z"}         value null for an invalid date
 *   {"$type":"RegExp","value":"/a+/g"}
 *   {"$type":"String","value":"ab"}             a boxed primitive; also Number, Boolean, BigInt and Symbol,
 *                                               with the primitive's own form as value
 *   {"$type":"Error","name":"TypeError","message":"...","cause":...,"errors":[...],"fields":{...},"stack":"..."}
 *                                               cause, errors (an AggregateError's) and fields only when
 *                                               present; stack null when it was not read (record/thrown.ts,
 *                                               readStack)
 *   {"$type":"Uint8Array","length":3,"values":[1,2,3]}          any typed array; bigint elements as bigint forms
 *   {"$type":"Buffer","length":5,"base64":"aGVsbG8="}
 *   {"$type":"ArrayBuffer","byteLength":8}      also SharedArrayBuffer and DataView
 *   {"$type":"Promise"}                         also WeakMap, WeakSet, WeakRef: contents not readable
 *   {"$type":"Proxy"}                           proxies are never opened
 *   {"$type":"circular"}                        an object that contains itself, where it recurs
 *   {"$type":"unreadable","error":"..."}        reading the value threw
 *   {"$type":"truncated","reason":"length","kind":"string","length":100000,"value":"first 4096 characters"}
 *   {"$type":"truncated","reason":"entries","kind":"array","length":1000,"value":[first 100 elements]}
 *   {"$type":"truncated","reason":"size","kind":"object","length":40,"value":{fields that fit the budget}}
 *   {"$type":"truncated","reason":"depth","kind":"Map","length":12}   nested deeper than the depth limit
 *
 * An instance of a subclass of a built-in has the built-in's form with a `class` key after `$type`:
 * {"$type":"Map","class":"Registry","entries":[...]}, {"$type":"Error","class":"HttpError",...}.
 *
 * A failed call's error detail (calls.error_detail) is what its error carried beyond its type, message and
 * stack, as a plain object of the Error form's parts: {"cause":...,"errors":[...],"fields":{...}}, each part
 * only when present (and no row's detail when none is); for a thrown object that is not an error, {"value":...}.
 *
 * In a truncated marker, `kind` is "string", "array", "object", a class name, or a built-in's name ("Map",
 * "Uint8Array", "Buffer", ...), and `length` is the size of the original value: characters (UTF-16 code
 * units) of a string, bytes of a Buffer, elements of an array or typed array, entries of a Map or Set, and
 * own enumerable properties of a plain object, class instance or error (of an error, those in `fields`).
 * `value` is what was kept, in the form the value would have had; a depth marker has none. The reasons are
 * the limits of config.ts: "length" (OBSERVATORY_MAX_STRING; for a Buffer, its base64 text), "entries"
 * (OBSERVATORY_MAX_ENTRIES), "depth" (OBSERVATORY_MAX_DEPTH) and "size" (OBSERVATORY_MAX_VALUE_SIZE); and
 * "overload", the smaller size a value is held to while the ring is nearly full (ring.ts OVERLOAD_VALUE_SIZE).
 *
 * The size limit is exact here: the text of one value is at most maxValueSize bytes of UTF-8. value-encoder.ts
 * already cut the value to about that many characters; when escapes or multi-byte characters still make it
 * too long, the beginning is kept: entries (or characters) in order, each written whole while it fits, the
 * one that does not cut the same way to the room left, and the rest left out. A string, array, object or
 * collection that lost part of itself this way is replaced by a truncated marker with reason "size" (one
 * value-encoder.ts made keeps its kind and length and takes reason "size"); a form with named parts, such as an
 * Error, keeps its parts in order and only the parts that were cut carry a marker.
 *
 * Keys inside values are redacted by the same rules as parameter names, and so are the values of key/value
 * pairs held in arrays: a `[key, value]` pair whose key is a string, and every other element of a list of
 * strings of even length (`[name, value, name, value]`, as Node's rawHeaders). Credentials written inside
 * strings (URL passwords, bearer tokens, JWTs) are replaced by secret-text.ts.
 */
import type { Redactor } from './redaction';
import { scrubSecrets } from './secret-text';

export const REDACTED_JSON = '{"$type":"redacted"}';
const UNDEFINED_JSON = '{"$type":"undefined"}';

/** The forms that hold a collection, and the key that holds it: cut like an array's elements. */
const ENTRIES_KEYS: ReadonlyMap<string, string> = new Map([
  ['object', 'fields'],
  ['Array', 'values'],
  ['Map', 'entries'],
  ['Set', 'values'],
  ['Buffer', 'base64'],
]);
const TYPED_ARRAY_TYPE = /^(?:Big)?(?:Int|Uint|Float)(?:8|16|32|64)(?:Clamped)?Array$/;

const hasOwn = Object.prototype.hasOwnProperty;
const byteLength = (text: string): number => Buffer.byteLength(text, 'utf8');

/**
 * `"key":` for the keys written lately. A program's values share a few shapes, so the same keys come back with
 * every call, and a large value repeats them within itself. Only short keys are kept, so that keys a program
 * makes up (a 4 KB key is possible) cannot make the cache large.
 */
const keyTexts = new Map<string, string>();
const MAX_CACHED_KEYS = 10_000;
const MAX_CACHED_KEY_LENGTH = 64;

function keyText(key: string): string {
  let text = keyTexts.get(key);
  if (text === undefined) {
    text = `${JSON.stringify(key)}:`;
    if (key.length > MAX_CACHED_KEY_LENGTH) return text;
    if (keyTexts.size >= MAX_CACHED_KEYS) keyTexts.clear();
    keyTexts.set(key, text);
  }
  return text;
}

/**
 * The stored text of one value, at most `maxValueSize` bytes: the recording thread's limit, which comes with
 * the ring's RecordingProcess, so that the writer cuts exactly where value-encoder.ts did.
 */
export function valueToJson(value: unknown, redactor: Redactor, maxValueSize: number): string {
  return writeWithin(value, maxValueSize, redactor);
}

/** The whole JSON text of a captured value. */
function write(value: unknown, redactor: Redactor): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(scrubSecrets(value));
    case 'number':
      return writeNumber(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return `{"$type":"bigint","value":"${value.toString()}"}`;
    case 'undefined':
      return UNDEFINED_JSON;
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return writeArray(value, redactor, Infinity);
      if (isMarker(value)) return writeMarker(value, redactor, Infinity);
      return writeFields(value as Record<string, unknown>, redactor, Infinity);
    default:
      // Captured values hold no symbols or functions; anything else is reported rather than guessed at.
      return `{"$type":"unreadable","error":"unexpected ${typeof value}"}`;
  }
}

/**
 * The JSON text of `value` in at most `room` bytes: whole when it fits, else cut as the header describes.
 * The result can still be longer than `room` when not even an empty marker fits; callers measure it.
 */
function writeWithin(value: unknown, room: number, redactor: Redactor): string {
  if (isFields(value)) return fieldsWithin(value, room, redactor);
  const json = write(value, redactor);
  if (fits(json, room)) return json;
  const cut = cutOf(value);
  // Forms with named parts are cut part by part; other primitives are short and left to the caller.
  if (cut === null) return contentWithin(value, room, redactor);
  return truncatedWithin(cut, room, inner => contentWithin(cut.content, inner, redactor));
}

/** `value` whole when `room` is unbounded (writing a value whole never measures), else cut to `room` bytes. */
function writeIn(value: unknown, room: number, redactor: Redactor): string {
  return room === Infinity ? write(value, redactor) : writeWithin(value, room, redactor);
}

/** A plain object's fields, whole or cut within `room` like writeWithin; its `$type` key is user data. */
function fieldsWithin(fields: Record<string, unknown>, room: number, redactor: Redactor): string {
  const json = writeFields(fields, redactor, Infinity);
  if (fits(json, room)) return json;
  const cut = { kind: 'object', length: Object.keys(fields).length };
  return truncatedWithin(cut, room, inner => writeFields(fields, redactor, inner));
}

/** How `value` is cut as a whole: what its marker says, and what it holds; null for values cut otherwise. */
function cutOf(value: unknown): { kind: string; length: number; content: unknown } | null {
  if (typeof value === 'string') return { kind: 'string', length: value.length, content: value };
  if (Array.isArray(value)) return { kind: 'array', length: value.length, content: value };
  if (typeof value !== 'object' || value === null || !isMarker(value)) return null;
  const type = String(value.$type);
  if (type === 'truncated') {
    // A marker from value-encoder.ts keeps the original kind and length; only what it kept is cut further.
    if (!hasOwn.call(value, 'value')) return null;
    return { kind: String(value.kind), length: Number(value.length), content: value.value };
  }
  const key = entriesKeyOf(value);
  if (key === undefined) return null;
  const kind = type === 'object' ? String(value.class ?? 'object') : type === 'Array' ? 'array' : type;
  if (typeof value.length === 'number') return { kind, length: value.length, content: value };
  const entries = value[key] as object;
  return {
    kind,
    length: key === 'fields' ? Object.keys(entries).length : (entries as unknown[]).length,
    content: value,
  };
}

function truncatedWithin(
  cut: { kind: string; length: number },
  room: number,
  content: (room: number) => string,
): string {
  const head = `{"$type":"truncated","reason":"size","kind":${JSON.stringify(cut.kind)},"length":${cut.length},"value":`;
  return `${head}${content(room - byteLength(head) - 1)}}`;
}

/** The kept part of a form, with no marker of its own: the marker around it says it was cut. */
function contentWithin(form: unknown, room: number, redactor: Redactor): string {
  if (typeof form === 'string') return stringWithin(scrubSecrets(form), room);
  if (typeof form !== 'object' || form === null) return write(form, redactor);
  if (Array.isArray(form)) return writeArray(form, redactor, room);
  return isMarker(form)
    ? writeMarker(form, redactor, room)
    : writeFields(form as Record<string, unknown>, redactor, room);
}

/** The longest prefix of `text` whose JSON text fits in `room` bytes, surrogate pairs kept whole. */
function stringWithin(text: string, room: number): string {
  let fits = 0;
  let over = text.length + 1;
  while (over - fits > 1) {
    const middle = (fits + over) >>> 1;
    if (byteLength(JSON.stringify(text.slice(0, middle))) <= room) fits = middle;
    else over = middle;
  }
  if (fits > 0 && fits < text.length && isHighSurrogate(text.charCodeAt(fits - 1))) fits--;
  return JSON.stringify(text.slice(0, fits));
}

/** Base64 is cut at a multiple of 4 characters, so that what is kept decodes to whole bytes. */
function base64Within(base64: string, room: number): string {
  return JSON.stringify(base64.slice(0, Math.max(0, Math.floor((room - 2) / 4) * 4)));
}

function writeNumber(value: number): string {
  if (Number.isFinite(value)) return Object.is(value, -0) ? '{"$type":"number","value":"-0"}' : String(value);
  return `{"$type":"number","value":"${String(value)}"}`;
}

function writeArray(items: unknown[], redactor: Redactor, room: number): string {
  const secret = pairedSecrets(items, redactor);
  return join('[', ']', items.length, room, (i, itemRoom) =>
    secret !== null && secret[i] === true ? REDACTED_JSON : writeIn(items[i], itemRoom, redactor),
  );
}

/**
 * Which elements of an array are values paired with a sensitive key: the second of a `[key, value]` pair, or
 * in a list of strings of even length, each element after a sensitive one at an even index. Null when none.
 */
function pairedSecrets(items: unknown[], redactor: Redactor): boolean[] | null {
  if (items.length < 2 || items.length % 2 !== 0 || typeof items[0] !== 'string') return null;
  if (items.length > 2 && !items.every(item => typeof item === 'string')) return null;
  let secret: boolean[] | null = null;
  for (let i = 0; i < items.length; i += 2) {
    if (!redactor.matches(items[i] as string)) continue;
    secret ??= [];
    secret[i + 1] = true;
  }
  return secret;
}

/** A plain object's fields, each redacted by its key. */
function writeFields(fields: Record<string, unknown>, redactor: Redactor, room: number): string {
  const keys = Object.keys(fields);
  return join('{', '}', keys.length, room, (i, fieldRoom) => {
    const key = keys[i]!;
    const name = keyText(key);
    return name + (redactor.matches(key) ? REDACTED_JSON : writeIn(fields[key], roomAfter(fieldRoom, name), redactor));
  });
}

/**
 * A `$type` form from value-encoder.ts: its structural keys are kept, the user data inside is written and redacted.
 * When it is cut, the collection of a collection form is cut bare (the marker around it says so), and each
 * part of any other form is cut as a value of its own.
 */
function writeMarker(marker: Record<string, unknown>, redactor: Redactor, room: number): string {
  const keys = Object.keys(marker);
  const entriesKey = room === Infinity ? undefined : entriesKeyOf(marker);
  return join('{', '}', keys.length, room, (i, partRoom) => {
    const key = keys[i]!;
    const name = keyText(key);
    return name + writePart(marker, key, key === entriesKey, roomAfter(partRoom, name), redactor);
  });
}

function writePart(
  marker: Record<string, unknown>,
  key: string,
  isEntries: boolean,
  room: number,
  redactor: Redactor,
): string {
  const part = marker[key];
  if (key === 'fields' && typeof part === 'object' && part !== null) {
    const fields = part as Record<string, unknown>;
    return isEntries || room === Infinity ? writeFields(fields, redactor, room) : fieldsWithin(fields, room, redactor);
  }
  if (key === 'entries' && marker.$type === 'Map' && Array.isArray(part)) return writeMapEntries(part, redactor, room);
  if (isEntries) return key === 'base64' ? base64Within(String(part), room) : contentWithin(part, room, redactor);
  return writeIn(part, room, redactor);
}

/** Map entries: a value under a string key is redacted like an object field. */
function writeMapEntries(entries: unknown[], redactor: Redactor, room: number): string {
  return join('[', ']', entries.length, room, (i, entryRoom) => {
    const pair = entries[i] as unknown[];
    const key = pair[0];
    const head = `[${write(key, redactor)},`;
    const redacted = typeof key === 'string' && redactor.matches(key);
    // The closing bracket takes one byte of the room.
    return `${head}${redacted ? REDACTED_JSON : writeIn(pair[1], roomAfter(entryRoom, head) - 1, redactor)}]`;
  });
}

/**
 * `open`, the entries separated by commas, `close`. With a finite `room` (bytes), each entry is given the
 * room left and kept if what it wrote fits; the first that does not fit ends the list, so kept entries keep
 * their positions.
 */
function join(
  open: string,
  close: string,
  count: number,
  room: number,
  entry: (index: number, room: number) => string,
): string {
  let text = open;
  let used = open.length + close.length;
  for (let i = 0; i < count; i++) {
    const separator = i === 0 ? '' : ',';
    if (room === Infinity) {
      text += separator + entry(i, Infinity);
      continue;
    }
    const entryRoom = room - used - separator.length;
    const json = entry(i, entryRoom);
    const size = byteLength(json);
    if (size > entryRoom) break;
    text += separator + json;
    used += separator.length + size;
  }
  return text + close;
}

/** Whether `json` takes at most `room` bytes. A UTF-16 code unit is at most 3 bytes of UTF-8: most texts need no count. */
function fits(json: string, room: number): boolean {
  return json.length * 3 <= room || byteLength(json) <= room;
}

function roomAfter(room: number, text: string): number {
  return room === Infinity ? room : room - byteLength(text);
}

function entriesKeyOf(marker: Record<string, unknown>): string | undefined {
  const type = String(marker.$type);
  return ENTRIES_KEYS.get(type) ?? (TYPED_ARRAY_TYPE.test(type) ? 'values' : undefined);
}

function isMarker(value: object): value is Record<string, unknown> {
  return typeof (value as { $type?: unknown }).$type === 'string' && hasOwn.call(value, '$type');
}

function isFields(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isMarker(value);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
