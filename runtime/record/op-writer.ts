/**
 * Writes the value ops of ring.ts (Op) into bytes: the ring's, or a snapshot's own buffer.
 *
 * A write that would pass `limit` writes nothing and sets `overflow`; every later write is then a no-op, so
 * an encoder runs to its end without a check after each step, and its caller looks at `overflow` once. That
 * keeps the hot path free of exceptions and of length estimates made in advance.
 */
import { Op } from '../ring';

/** Strings up to this many code units are written one by one; longer ones in one native copy. */
const SHORT_STRING = 24;

export class OpWriter {
  view: DataView;
  /** The same memory as a Buffer, for native string copies. */
  bytes: Buffer;
  pos = 0;
  limit = 0;
  overflow = false;

  constructor(memory: ArrayBufferLike) {
    this.view = new DataView(memory);
    this.bytes = Buffer.from(memory);
  }

  /** Writes from `pos` up to `limit` next. */
  reset(pos: number, limit: number): void {
    this.pos = pos;
    this.limit = limit;
    this.overflow = false;
  }

  /** Room for `bytes` more; false (and overflow) when there is none. */
  room(bytes: number): boolean {
    if (this.pos + bytes <= this.limit && !this.overflow) return true;
    this.overflow = true;
    return false;
  }

  op(op: Op): void {
    if (this.room(1)) this.view.setUint8(this.pos++, op);
  }

  /** An op with a u32 operand (Array, Fields). */
  counted(op: Op, count: number): void {
    if (!this.room(5)) return;
    this.view.setUint8(this.pos, op);
    this.view.setUint32(this.pos + 1, count, true);
    this.pos += 5;
  }

  /** An op with a u8 operand (Truncated). */
  coded(op: Op, code: number): void {
    if (!this.room(2)) return;
    this.view.setUint8(this.pos, op);
    this.view.setUint8(this.pos + 1, code);
    this.pos += 2;
  }

  number(value: number): void {
    if (!this.room(9)) return;
    this.view.setUint8(this.pos, Op.Number);
    this.view.setFloat64(this.pos + 1, value, true);
    this.pos += 9;
  }

  string(text: string, op: Op.String | Op.BigInt = Op.String): void {
    const length = text.length;
    if (!this.room(5 + length * 2)) return;
    const view = this.view;
    let at = this.pos;
    view.setUint8(at, op);
    view.setUint32(at + 1, length, true);
    at += 5;
    if (length <= SHORT_STRING) {
      for (let i = 0; i < length; i++, at += 2) view.setUint16(at, text.charCodeAt(i), true);
    } else {
      this.bytes.write(text, at, length * 2, 'utf16le');
      at += length * 2;
    }
    this.pos = at;
  }

  /** Any primitive but a symbol (symbols have a form of their own, see value-encoder.ts). */
  primitive(value: string | number | boolean | bigint | undefined | null): void {
    switch (typeof value) {
      case 'number':
        return this.number(value);
      case 'string':
        return this.string(value);
      case 'boolean':
        return this.op(value ? Op.True : Op.False);
      case 'bigint':
        return this.string(value.toString(), Op.BigInt);
      default:
        return this.op(value === null ? Op.Null : Op.Undefined);
    }
  }

  /** Copies `length` bytes written elsewhere (a snapshot) to `pos`. */
  copy(source: Uint8Array): void {
    if (!this.room(source.length)) return;
    this.bytes.set(source, this.pos);
    this.pos += source.length;
  }
}
