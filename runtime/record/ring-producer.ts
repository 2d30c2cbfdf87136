/**
 * The recording thread's end of the ring (ring.ts): space, publishing, and the function registry.
 *
 * Writing a record is: `begin()` hands the OpWriter the free bytes that follow Head without wrapping, the
 * record is encoded straight into them, and `publish()` stores its length and moves Head with one
 * Atomics.store. A record that does not fit (`publish()` returns false) is retried after `makeRoom()`, which
 * re-reads Tail, pads to the end of the data when the free bytes are at the front, and reports whether
 * there is any hope: when the ring is truly full the caller decides between waiting (`waitForRoom`) and
 * shedding.
 *
 * Positions are byte counters that only grow; the control words hold them modulo 2^32, so the bytes in use
 * are `(head - tail) >>> 0` whatever either has wrapped to.
 */
import {
  alignRecord,
  Control,
  RecordHeader,
  RecordKind,
  REGISTRY_INITIAL_BYTES,
  REGISTRY_MAX_BYTES,
  WAKE_WRITER_BYTES,
} from '../ring';
import { OpWriter } from './op-writer';

/** Record lengths are stored in a u32 at the start; a Pad needs only that and its kind. */
const PAD_HEADER = 8;
/** Publishing crosses a multiple of this many bytes: time to ask whether the writer is asleep (see advance). */
const WAKE_CHECK_BYTES = 16 * 1024;

export class RingProducer {
  readonly control: Int32Array;
  readonly controlMemory = new SharedArrayBuffer(Control.Size * 4);
  readonly data: SharedArrayBuffer;
  readonly registry: SharedArrayBuffer;
  readonly out: OpWriter;
  readonly size: number;
  /** When fewer bytes than this are free, new traces are shed (OBSERVATORY_ON_FULL=drop). */
  readonly shedAbove: number;
  /** When fewer bytes than this are free, values are held to OVERLOAD_VALUE_SIZE (OBSERVATORY_ON_FULL=drop). */
  readonly cutValuesAbove: number;
  /** The writer is woken once this many bytes wait, instead of at its next look (flush interval). */
  private readonly wakeAbove: number;
  /** Bytes published, as a number that does not wrap. */
  private head = 0;
  /** Offset of `head` in the data. */
  private offset = 0;
  /** Free bytes as of the last read of Tail; only ever too low, never too high. */
  private free: number;
  /** Where the record being written starts. */
  private recordStart = 0;
  private readonly registryBytes: Uint8Array;
  private registryUsed = 0;
  private registered = 0;

  constructor(size: number) {
    this.size = size;
    this.free = size;
    this.shedAbove = size / 2;
    this.cutValuesAbove = size / 4;
    this.wakeAbove = Math.min(WAKE_WRITER_BYTES, size / 8);
    this.control = new Int32Array(this.controlMemory);
    this.data = new SharedArrayBuffer(size);
    this.out = new OpWriter(this.data);
    this.registry = new SharedArrayBuffer(REGISTRY_INITIAL_BYTES, { maxByteLength: REGISTRY_MAX_BYTES });
    this.registryBytes = new Uint8Array(this.registry);
  }

  /** Bytes published and not yet released by the writer, as of the last look at Tail. */
  get used(): number {
    return this.size - this.free;
  }

  /** Head as it is stored in the control word. */
  get headWord(): number {
    return this.head | 0;
  }

  /** Tail as it is stored in the control word: it moves whenever the writer releases room. */
  get tailWord(): number {
    return Atomics.load(this.control, Control.Tail);
  }

  /** Reads Tail: how much the writer has released. */
  refresh(): void {
    this.free = this.size - ((this.head - this.tailWord) >>> 0);
  }

  /** Starts a record at Head, with the free bytes up to the end of the data to write it in. */
  begin(): void {
    const start = this.offset;
    this.recordStart = start;
    this.out.reset(start, start + Math.min(this.free, this.size - start));
  }

  /** Publishes the record written since `begin`; false when it did not fit. */
  publish(): boolean {
    const out = this.out;
    if (out.overflow) return false;
    // The writer's limit was the free bytes or the end of the data, both multiples of the alignment, so the
    // aligned length still fits.
    const content = out.pos - this.recordStart;
    const length = alignRecord(content);
    out.i32[(this.recordStart + RecordHeader.Length) >> 2] = length;
    out.u8[this.recordStart + RecordHeader.Padding] = length - content;
    this.advance(length);
    return true;
  }

  /**
   * After a record did not fit: re-reads Tail, and pads to the end of the data when more room is waiting at
   * the front. Returns false when nothing was gained, so writing again is pointless until the writer
   * releases more (or, with the ring empty, never: the record is larger than the ring).
   */
  makeRoom(): boolean {
    const before = this.free;
    this.refresh();
    const toEnd = this.size - this.offset;
    if (this.free > toEnd && toEnd >= PAD_HEADER && this.offset !== 0) {
      this.out.i32[(this.offset + RecordHeader.Length) >> 2] = toEnd;
      this.out.u8[this.offset + RecordHeader.Kind] = RecordKind.Pad;
      this.advance(toEnd);
      return true;
    }
    return this.free > before;
  }

  /** Whether a new trace should be shed: more than half the ring is in use, after a fresh look at Tail. */
  tooFull(): boolean {
    if (this.free >= this.shedAbove) return false;
    this.refresh();
    return this.free < this.shedAbove;
  }

  /** Whether values should be held to OVERLOAD_VALUE_SIZE: more than three quarters of the ring is in use. */
  valuesCut(): boolean {
    if (this.free >= this.cutValuesAbove) return false;
    this.refresh();
    return this.free < this.cutValuesAbove;
  }

  /**
   * Blocks this thread until the writer releases bytes or `timeoutMs` passes; false on timeout. The writer is
   * woken first, in case it is waiting for a batch to build up.
   */
  waitForRoom(timeoutMs: number): boolean {
    const control = this.control;
    const tail = Atomics.load(control, Control.Tail);
    Atomics.notify(control, Control.Head);
    const result = Atomics.wait(control, Control.Tail, tail, timeoutMs);
    this.refresh();
    return result !== 'timed-out';
  }

  /** Wakes the writer now (a flush, or the process is exiting). */
  wakeWriter(): void {
    Atomics.notify(this.control, Control.Head);
  }

  /** Appends a function's meta to the registry; returns its index. */
  register(metaJson: string): number {
    const bytes = Buffer.from(metaJson, 'utf8');
    const needed = this.registryUsed + 4 + bytes.length;
    if (needed > this.registry.byteLength) {
      this.registry.grow(Math.min(REGISTRY_MAX_BYTES, Math.max(needed, this.registry.byteLength * 2)));
    }
    const view = new DataView(this.registry);
    view.setUint32(this.registryUsed, bytes.length, true);
    this.registryBytes.set(bytes, this.registryUsed + 4);
    this.registryUsed = needed;
    const index = this.registered++;
    Atomics.store(this.control, Control.Functions, this.registered);
    return index;
  }

  private advance(length: number): void {
    this.head += length;
    this.free -= length;
    this.offset += length;
    if (this.offset === this.size) this.offset = 0;
    const control = this.control;
    Atomics.store(control, Control.Head, this.head | 0);
    // Whether the writer sleeps is asked once per WAKE_CHECK_BYTES published, not after every record: a writer
    // behind a producer that runs flat out is never asleep, and the shared read cost 2 % of the call. `free`
    // is as of the last look at Tail and only ever too low, so Tail is read again before waking: on a stale
    // count, a paced producer woke the writer at every crossing, about 10 µs of its own time each, and the
    // writer committed a few hundred calls per transaction instead of a flush interval's worth.
    if (
      this.used >= this.wakeAbove &&
      ((this.head - length) ^ this.head) >>> 0 >= WAKE_CHECK_BYTES &&
      Atomics.load(control, Control.WriterWaiting) === 1
    ) {
      try {
        this.refresh();
        if (this.used >= this.wakeAbove) {
          Atomics.store(control, Control.WriterWaiting, 0);
          Atomics.notify(control, Control.Head);
        }
      } catch {
        // The record is published: nothing after this may throw, or a call at the stack limit would be both a
        // row and counted unfinished. A writer not woken here wakes at its flush interval.
      }
    }
  }
}
