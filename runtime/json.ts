/**
 * The JSON text stored in call_values.value_json, made in the worker from a captured value (capture.ts).
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
 *   {"$type":"Date","value":"2026-01-02T03:04:05.006Z"}         value null for an invalid date
 *   {"$type":"RegExp","value":"/a+/g"}
 *   {"$type":"Error","name":"TypeError","message":"...","stack":"...","cause":...,"fields":{...}}
 *                                               cause and fields only when present
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
 *   {"$type":"truncated","reason":"depth","kind":"Map"}            nested deeper than the depth limit
 *
 * `kind` is "string", "array", "object", a class name, or a built-in's name; `length` is the original number
 * of characters or entries. Keys inside values are redacted by the same rules as parameter names.
 */
import type { Redactor } from './redaction';

export const REDACTED_JSON = '{"$type":"redacted"}';
const UNDEFINED_JSON = '{"$type":"undefined"}';

export function valueToJson(value: unknown, redactor: Redactor): string {
  return write(value, redactor);
}

function write(value: unknown, redactor: Redactor): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
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
      if (Array.isArray(value)) return writeArray(value, redactor);
      return isMarker(value) ? writeMarker(value, redactor) : writeFields(value as Record<string, unknown>, redactor);
    default:
      // Captured values hold no symbols or functions; anything else is reported rather than guessed at.
      return `{"$type":"unreadable","error":"unexpected ${typeof value}"}`;
  }
}

function writeNumber(value: number): string {
  if (Number.isFinite(value)) return Object.is(value, -0) ? '{"$type":"number","value":"-0"}' : String(value);
  return `{"$type":"number","value":"${String(value)}"}`;
}

function writeArray(items: unknown[], redactor: Redactor): string {
  let text = '[';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) text += ',';
    text += write(items[i], redactor);
  }
  return text + ']';
}

/** A plain object's fields, each redacted by its key. */
function writeFields(fields: Record<string, unknown>, redactor: Redactor): string {
  let text = '{';
  let first = true;
  for (const key of Object.keys(fields)) {
    text += `${first ? '' : ','}${JSON.stringify(key)}:${redactor.matches(key) ? REDACTED_JSON : write(fields[key], redactor)}`;
    first = false;
  }
  return text + '}';
}

/** A `$type` form from capture.ts: its structural keys are kept, the user data inside is written and redacted. */
function writeMarker(marker: Record<string, unknown>, redactor: Redactor): string {
  let text = '{';
  let first = true;
  for (const key of Object.keys(marker)) {
    const item = marker[key];
    let json: string;
    if (key === 'fields' && typeof item === 'object' && item !== null) json = writeFields(item as Record<string, unknown>, redactor);
    else if (key === 'entries' && marker.$type === 'Map' && Array.isArray(item)) json = writeMapEntries(item, redactor);
    else json = write(item, redactor);
    text += `${first ? '' : ','}${JSON.stringify(key)}:${json}`;
    first = false;
  }
  return text + '}';
}

/** Map entries: a value under a string key is redacted like an object field. */
function writeMapEntries(entries: unknown[], redactor: Redactor): string {
  let text = '[';
  for (let i = 0; i < entries.length; i++) {
    const [key, value] = entries[i] as [unknown, unknown];
    const redacted = typeof key === 'string' && redactor.matches(key);
    text += `${i > 0 ? ',' : ''}[${write(key, redactor)},${redacted ? REDACTED_JSON : write(value, redactor)}]`;
  }
  return text + ']';
}

function isMarker(value: object): value is Record<string, unknown> {
  return typeof (value as { $type?: unknown }).$type === 'string' && Object.prototype.hasOwnProperty.call(value, '$type');
}
