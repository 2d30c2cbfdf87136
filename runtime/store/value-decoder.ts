/**
 * Runs the value ops of a record (ring.ts, Op) and gives back the values' forms, the plain trees that
 * json.ts turns into JSON text: primitives, arrays, plain objects and `$type` markers, exactly as the
 * recording thread's value-encoder.ts decided them.
 */
import { Op, TRUNCATION_REASONS } from '../ring';

const defineProperty = Object.defineProperty;

/** Strings up to this many code units are looked up among those decoded before (`shortStrings`). */
const SHORT_STRING = 16;
/** Slots of `shortStrings`, a power of two. */
const SHORT_STRING_SLOTS = 1024;

export class ValueDecoder {
  private readonly u8: Uint8Array;
  private readonly u16: Uint16Array;
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private readonly bytes: Buffer;
  /**
   * Short strings decoded before, by a hash of their code units, one per slot: keys and small values come back
   * with every call, and taking the string already made spares making another, and collecting it.
   */
  private readonly shortStrings: (string | undefined)[] = new Array(SHORT_STRING_SLOTS).fill(undefined);

  constructor(memory: SharedArrayBuffer) {
    this.u8 = new Uint8Array(memory);
    this.u16 = new Uint16Array(memory);
    this.i32 = new Int32Array(memory);
    this.f64 = new Float64Array(memory);
    this.bytes = Buffer.from(memory);
  }

  /** The values written from `start` to `end`, in order. */
  decode(start: number, end: number): unknown[] {
    const { u8, i32, f64 } = this;
    // A new array each time, given back as it is once the values are decoded. One kept for every call had to be
    // emptied, which gives its memory back to V8, and copied out: 72 ns to decode an `add` call's three numbers
    // against 28 (bench/README.md, "Fewer objects per call on the writer thread").
    const stack: unknown[] = [];
    let at = start;
    while (at < end) {
      const op = u8[at++] as Op;
      switch (op) {
        case Op.Nop:
          break;
        case Op.Undefined:
          stack.push(undefined);
          break;
        case Op.Null:
          stack.push(null);
          break;
        case Op.True:
          stack.push(true);
          break;
        case Op.False:
          stack.push(false);
          break;
        case Op.Int:
          at = (at + 3) & ~3;
          stack.push(i32[at >> 2]);
          at += 4;
          break;
        case Op.Number:
          at = (at + 7) & ~7;
          stack.push(f64[at >> 3]);
          at += 8;
          break;
        case Op.String:
        case Op.BigInt: {
          at = (at + 3) & ~3;
          const length = i32[at >> 2]!;
          const text =
            length <= SHORT_STRING
              ? this.shortString(at + 4, length)
              : this.bytes.toString('utf16le', at + 4, at + 4 + length * 2);
          at += 4 + length * 2;
          stack.push(op === Op.String ? text : BigInt(text));
          break;
        }
        case Op.Array: {
          at = (at + 3) & ~3;
          const count = i32[at >> 2]!;
          at += 4;
          stack.push(stack.splice(stack.length - count, count));
          break;
        }
        case Op.Fields: {
          at = (at + 3) & ~3;
          const count = i32[at >> 2]!;
          at += 4;
          // The pairs are read where they lie on the stack, which then drops them: no array of them is made. A
          // count larger than the stack is a record written wrong; its call loses its values (drain.ts), not the batch.
          const first = Math.max(0, stack.length - count * 2);
          const object: Record<string, unknown> = {};
          for (let i = first; i < stack.length; i += 2) {
            const key = stack[i] as string;
            // Assigning `__proto__` would set the prototype; an own `__proto__` key (JSON.parse makes them) is a field.
            if (key === '__proto__')
              defineProperty(object, key, {
                value: stack[i + 1],
                enumerable: true,
                writable: true,
                configurable: true,
              });
            else object[key] = stack[i + 1];
          }
          stack.length = first;
          stack.push(object);
          break;
        }
        case Op.TaggedFields:
          stack.push({ $type: 'object', fields: stack.pop() });
          break;
        case Op.WithClass: {
          const className = stack.pop();
          const { $type, ...parts } = stack.pop() as { $type: string };
          stack.push({ $type, class: className, ...parts });
          break;
        }
        case Op.Truncated: {
          const reason = TRUNCATION_REASONS[u8[at++]!];
          const length = stack.pop();
          const kind = stack.pop();
          stack.push({ $type: 'truncated', reason, kind, length, value: stack.pop() });
          break;
        }
        default:
          throw new Error(`ts-observatory: unknown value op ${op as number} at ${at - 1} in the ring`);
      }
    }
    return stack;
  }

  /** The `length` code units at byte `at`, as the string decoded before when it is the same. */
  private shortString(at: number, length: number): string {
    const u16 = this.u16;
    const first = at >> 1;
    let hash = length;
    for (let i = 0; i < length; i++) hash = Math.imul(hash ^ u16[first + i]!, 0x01000193);
    const slot = (hash >>> 0) & (SHORT_STRING_SLOTS - 1);
    const known = this.shortStrings[slot];
    if (known !== undefined && known.length === length) {
      let same = true;
      for (let i = 0; i < length && same; i++) same = known.charCodeAt(i) === u16[first + i];
      if (same) return known;
    }
    const text = this.bytes.toString('utf16le', at, at + length * 2);
    this.shortStrings[slot] = text;
    return text;
  }
}
