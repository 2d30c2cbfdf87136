/**
 * The writer thread's loop: read what the recording thread published in the ring, commit it, release it.
 *
 *   look      Head against Tail; nothing new: say so (WriterWaiting) and wait on Head with Atomics.waitAsync
 *             for at most the flush interval, so this thread's event loop stays free for piscina's tasks
 *   read      the records from Tail, at most MAX_CALLS_PER_TRANSACTION calls in MAX_RING_BYTES_PER_TRANSACTION,
 *             values rebuilt (value-decoder.ts) and their JSON text made (function-values.ts, CallTexts.prepare),
 *             before the write lock is taken
 *   commit    one transaction (writer.ts); only then is Tail stored, and a producer waiting for room woken
 *
 * The commit is bracketed by the Writer state word: Running -> Committing -> Running. The exit path stops the
 * writer by moving it from Running to Stopped, so once it has, no commit can land after the exit path counted
 * what was left in the ring: each call is either in the database or in the count, never both.
 *
 * A batch the database refuses is retried: SQLITE_BUSY (another process holds the write lock) for as long as
 * it lasts, anything else WRITE_ATTEMPTS times, after which its calls are counted as `write_failed` and
 * released, so one bad batch cannot stop the recording for good.
 *
 * With OpenTelemetry export on, each committed batch is then handed to the exporter (span-export.ts), which
 * answers later; spans it could not deliver are counted as `export_failed` and committed with the next batch,
 * or on their own when the ring is idle. Control.Exporting counts the spans whose fate is not committed yet.
 * With OBSERVATORY_DB=off there is no database: a batch is "committed" once it is handed to the exporter.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CallFlags,
  Control,
  DROP_REASON_CODES,
  DropCode,
  DropEntry,
  LinkWords,
  RecordHeader,
  RecordKind,
  RECORD_ALIGNMENT,
  WAKE_WRITER_BYTES,
  WriterState,
  type DropTotal,
  type RingHandle,
} from '../ring';
import { RegistryReader } from './registry-reader';
import type { CallIds, SpanExport } from './span-export';
import { ValueDecoder } from './value-decoder';
import { CallTexts, type PreparedCall } from './function-values';
import type { CallRecord, TraceLinkIds, TraceWriter } from './writer';

/**
 * Calls per transaction, at most. A batch's records and their text live until it commits, so a larger batch
 * outlives the young generation and is promoted, collected with the old one; each commit also writes the
 * B-trees' last pages into the WAL again, which a smaller one repeats more often. 2,000,000 `add` calls in wait
 * mode (bench/e2e), 5 runs of each size alternating, twice, medians: 8,192 committed 279,000-289,000 calls/s for
 * 3,900-4,040 ns of CPU per call (all threads) and 195 MB of peak RSS; 2,048 committed 295,000-314,000 for
 * 3,250-3,360 ns and 170 MB, ahead in 9 runs of 10; 1,024 and 4,096 fell between them, 512 below 2,048. In a
 * profile of the writer thread its garbage collection went from 1.5 s to 0.5 s.
 */
export const MAX_CALLS_PER_TRANSACTION = 2048;
/**
 * Bytes of ring per transaction: a batch ends with the record that reaches this many, so a larger record still
 * makes one. The same reason, for calls with large values: 2,048 calls of a 2 KB syntax tree each are megabytes
 * of rebuilt values and text, all promoted, and their writer thread spent half its time collecting garbage.
 * 50,000 such calls in wait mode, alternating, twice: 9.4 s with no byte limit, 4.4-4.6 s with any limit from
 * 64 KB to 512 KB. A batch of 2,048 `add` calls takes 176 KB (88 bytes each), so this limit leaves the
 * measurement above as it was.
 */
export const MAX_RING_BYTES_PER_TRANSACTION = 256 * 1024;
/** A failed call's type, message, stack and detail. */
const ERROR_VALUES = 4;
const WRITE_ATTEMPTS = 3;
/** How long one statement waits for another process's lock; the loop then looks at the Writer state and tries again. */
const BUSY_SLICE_MS = 250;
/** The smallest page Linux maps; where pages are larger, touching every 4 KB touches each of them too. */
const PAGE_BYTES = 4096;
/**
 * How far past Head the writer maps the ring's pages (touchAhead), at most: more than a paced program publishes
 * between two wakes of the writer, by far. A loop calling flat out can outrun it while the writer commits a large
 * transaction and then takes some faults itself: 1,000,000 `add` calls in wait mode took about 2,000 of the
 * ring's 8,192 faults on the recording thread, with no change measured in its CPU time (bench/README.md).
 */
const TOUCH_AHEAD_BYTES = 8 * 1024 * 1024;

interface Waiter {
  head: number;
  resolve: () => void;
}

export class RingDrain {
  private readonly control: Int32Array;
  private readonly u8: Uint8Array;
  private readonly u16: Uint16Array;
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private readonly mask: number;
  private readonly decoder: ValueDecoder;
  private readonly registry: RegistryReader;
  /** Null when OBSERVATORY_DB=off. */
  private readonly writer: TraceWriter | null;
  /** The stored text of the calls' values, made before each transaction; the exporter's too. */
  private readonly texts: CallTexts;
  private readonly exporter: SpanExport | null;
  private readonly ids: CallIds;
  /** Spans counted as export_failed whose counts are not committed yet (they still count in Control.Exporting). */
  private exportFailuresUncommitted = 0;
  private exportWarned = false;
  private readonly flushIntervalMs: number;
  private waiters: Waiter[] = [];
  private highWater = 0;
  /** Running totals of this instance's drops, by `fn reason`: the ring's Drops records and the writer's own. */
  private readonly drops = new Map<string, DropTotal>();
  /** The totals that grew since the last commit. */
  private changedDrops = new Set<DropTotal>();
  /** Calls of batches the database refused, since this thread started. */
  private failedCalls = 0;
  /** Bytes from the ring's start whose pages this writer has touched (touchAhead). */
  private touched = 0;

  constructor(handle: RingHandle, writer: TraceWriter | null) {
    this.control = new Int32Array(handle.control);
    // Typed arrays rather than a DataView, as on the recording side (record/op-writer.ts): fields are aligned.
    this.u8 = new Uint8Array(handle.data);
    this.u16 = new Uint16Array(handle.data);
    this.i32 = new Int32Array(handle.data);
    this.f64 = new Float64Array(handle.data);
    this.mask = handle.data.byteLength - 1;
    this.decoder = new ValueDecoder(handle.data);
    this.registry = new RegistryReader(this.control, handle.registry);
    this.writer = writer;
    this.texts = new CallTexts(handle.process);
    // Loaded only when export is on: OpenTelemetry's exporter and its dependencies take a while to load.
    const otlp = handle.otlp && (require('./span-export') as typeof import('./span-export'));
    this.exporter = otlp && this.openExport(otlp.SpanExport, handle);
    this.ids = writer ?? new otlp!.InstanceCallIds(handle.process.token);
    this.flushIntervalMs = handle.process.flushIntervalMs;
    writer?.busyTimeout(BUSY_SLICE_MS);
  }

  /** The exporter, or null, told once, when OpenTelemetry's cannot be made: SQLite must go on regardless. */
  private openExport(Export: typeof SpanExport, handle: RingHandle): SpanExport | null {
    try {
      return new Export(handle.otlp!, handle.process, this.texts, (functions, failure) =>
        this.exportAnswered(functions, failure),
      );
    } catch (error) {
      process.emitWarning(`spans cannot be exported to OpenTelemetry: ${(error as Error).message}`, {
        code: 'OBSERVATORY_EXPORT',
      });
      return null;
    }
  }

  /** Drains until the exit path stops it. */
  async run(): Promise<void> {
    const control = this.control;
    if (
      Atomics.compareExchange(control, Control.Writer, WriterState.NotStarted, WriterState.Running) ===
      WriterState.Stopped
    )
      return;
    // A writer that replaces one that died mid-commit finds Committing: nothing of it was committed.
    Atomics.compareExchange(control, Control.Writer, WriterState.Committing, WriterState.Running);
    // Its export requests died with it: nothing will settle them, and waiting for them would never end.
    Atomics.store(control, Control.Exporting, 0);
    for (;;) {
      const head = Atomics.load(control, Control.Head);
      const tail = Atomics.load(control, Control.Tail);
      this.touchAhead(head);
      if (head !== tail || this.changedDrops.size > 0) {
        if (!(await this.commitFrom(tail, head))) break;
        continue;
      }
      this.settleWaiters(tail);
      if (Atomics.load(control, Control.Writer) === WriterState.Stopped) break;
      Atomics.store(control, Control.WriterWaiting, 1);
      if (Atomics.load(control, Control.Head) === head) {
        await Atomics.waitAsync(control, Control.Head, head, this.flushIntervalMs).value;
      }
      Atomics.store(control, Control.WriterWaiting, 0);
    }
    this.settleWaiters(Atomics.load(control, Control.Tail));
  }

  /**
   * Resolves once the ring is committed up to `head`, and the spans exported from it are delivered or their
   * failure counted and committed; or once the writer was stopped.
   */
  async committed(head: number): Promise<void> {
    if (!this.reached(Atomics.load(this.control, Control.Tail), head)) {
      await new Promise<void>(resolve => this.waiters.push({ head, resolve }));
    }
    const control = this.control;
    for (
      let exporting = Atomics.load(control, Control.Exporting);
      exporting > 0;
      exporting = Atomics.load(control, Control.Exporting)
    ) {
      if (Atomics.load(control, Control.Writer) === WriterState.Stopped) return;
      await Atomics.waitAsync(control, Control.Exporting, exporting, this.flushIntervalMs).value;
    }
  }

  /**
   * Takes the page faults of the ring's first pass on this thread, ahead of `head`. Until a page of the ring is
   * first written the kernel has not mapped it, and the thread that writes it first pays the fault (a few
   * microseconds, zeroing the page included): left to the recording thread, that was one every 40 or so `add`
   * calls, on the user's own time. Touching only ahead of Head, not the whole ring at once, keeps a short program
   * from paying for pages it never writes (32 MB by default: 8,192 faults, about 60 ms of this thread and 32 MB of
   * memory). The lead grows with Head, from WAKE_WRITER_BYTES to TOUCH_AHEAD_BYTES: a fixed 8 MB lead was
   * still 2,048 faults for every program, most of what the writer thread of a short one spent. Each page gets an
   * atomic add of 0, a write that changes nothing even where the recording thread is writing a record at that
   * moment. Head counts bytes from 0, so through the first pass it is also the offset reached; a replacement
   * writer, which may find Head further on, touches again pages that are already mapped, which costs no fault.
   */
  private touchAhead(head: number): void {
    const size = this.mask + 1;
    if (this.touched >= size) return;
    const reached = head >>> 0;
    const lead = Math.min(TOUCH_AHEAD_BYTES, Math.max(WAKE_WRITER_BYTES, reached));
    const until = Math.min(size, reached + lead);
    const i32 = this.i32;
    for (; this.touched < until; this.touched += PAGE_BYTES) Atomics.add(i32, this.touched >> 2, 0);
  }

  /**
   * Reads one batch from `tail` and commits it, then releases its bytes; false once the writer has been
   * stopped. A batch the database keeps refusing is counted as write_failed and committed without its calls.
   */
  private async commitFrom(tail: number, head: number): Promise<boolean> {
    const used = (head - tail) >>> 0;
    if (used > this.highWater) this.highWater = used;
    const read = this.read(tail, head);
    let calls = this.texts.prepare(read.calls, index => this.registry.meta(index), this.exporter !== null);
    for (let attempt = 1; ; attempt++) {
      if (Atomics.load(this.control, Control.Writer) === WriterState.Stopped) return false;
      try {
        if (!this.commit(calls, read.end !== head)) return false;
        break;
      } catch (error) {
        this.writer?.rollback();
        if (isBusy(error)) {
          attempt = 0;
        } else if (attempt >= WRITE_ATTEMPTS) {
          if (calls.length === 0) break;
          this.failedCalls += calls.length;
          process.emitWarning(
            `${calls.length} calls could not be written (${describeError(error)}); ` +
              `${this.failedCalls} in all so far, counted as write_failed`,
            { code: 'OBSERVATORY_WRITE' },
          );
          this.countFailed(calls);
          calls = [];
          attempt = 0;
          continue;
        }
        await sleep(Math.min(1000, 50 * 2 ** attempt));
      }
    }
    const control = this.control;
    this.changedDrops = new Set();
    this.exportCommitted(calls);
    Atomics.store(control, Control.HighWater, this.highWater);
    Atomics.store(control, Control.Tail, read.end);
    Atomics.notify(control, Control.Tail);
    this.settleWaiters(read.end);
    this.writer?.pruneNowAndThen();
    return true;
  }

  /** After a commit: its calls go to the exporter, and the export failures it counted are settled. */
  private exportCommitted(calls: PreparedCall[]): void {
    const exporter = this.exporter;
    if (exporter === null) return;
    const control = this.control;
    if (calls.length > 0) {
      Atomics.add(control, Control.Exporting, calls.length);
      exporter.export(calls, this.ids, index => this.registry.meta(index));
    }
    if (this.exportFailuresUncommitted > 0) {
      Atomics.sub(control, Control.Exporting, this.exportFailuresUncommitted);
      this.exportFailuresUncommitted = 0;
    }
    Atomics.notify(control, Control.Exporting);
  }

  /**
   * One transaction; false, rolled back, when the exit path stopped the writer before it could commit. `behind`:
   * the batch ended at a transaction limit, with more published after it.
   */
  private commit(calls: PreparedCall[], behind: boolean): boolean {
    const control = this.control;
    const writer = this.writer;
    writer?.begin();
    writer?.write({ calls, drops: [...this.changedDrops], highWater: this.highWater }, index =>
      this.registry.meta(index),
    );
    this.crashIfAsked();
    if (
      Atomics.compareExchange(control, Control.Writer, WriterState.Running, WriterState.Committing) !==
      WriterState.Running
    ) {
      writer?.rollback();
      return false;
    }
    try {
      writer?.commit();
    } finally {
      Atomics.store(control, Control.Writer, WriterState.Running);
    }
    writer?.afterCommit(behind);
    return true;
  }

  /** The records from `tail` towards `head`: calls decoded, drop totals merged. */
  private read(tail: number, head: number): { calls: CallRecord[]; end: number } {
    const calls: CallRecord[] = [];
    let position = tail;
    while (
      position !== head &&
      calls.length < MAX_CALLS_PER_TRANSACTION &&
      (position - tail) >>> 0 < MAX_RING_BYTES_PER_TRANSACTION
    ) {
      const at = position & this.mask;
      const length = this.i32[(at + RecordHeader.Length) >> 2]!;
      const kind = this.u8[at + RecordHeader.Kind];
      if (length < RECORD_ALIGNMENT || (length & (RECORD_ALIGNMENT - 1)) !== 0) {
        throw new Error(`ts-observatory: a ring record at ${at} claims ${length} bytes; the ring is corrupt`);
      }
      if (kind === RecordKind.Call) calls.push(this.readCall(at, length));
      else if (kind === RecordKind.Drops) this.readDrops(at);
      position = (position + length) | 0;
    }
    return { calls, end: position };
  }

  private readCall(at: number, length: number): CallRecord {
    const flags = this.u8[at + RecordHeader.Flags]!;
    const inputCount = this.u16[(at + RecordHeader.InputCount) >> 1]!;
    const outputCount = this.u16[(at + RecordHeader.OutputCount) >> 1]!;
    const failed = (flags & CallFlags.Failed) !== 0;
    const link = (flags & CallFlags.Linked) !== 0 ? this.readLink(at + RecordHeader.CallValues) : null;
    const valuesAt = at + RecordHeader.CallValues + (link === null ? 0 : LinkWords.Size);
    const values = this.decoder.decode(valuesAt, at + length - this.u8[at + RecordHeader.Padding]!);
    // The recording side wrote exactly these many values; anything else is a bug there, and must cost this
    // call its values, not the whole batch its place in the database.
    const expected = inputCount + (failed ? ERROR_VALUES : outputCount);
    if (values.length !== expected) {
      values.length = expected;
      values.fill({ $type: 'unreadable', error: 'the recorded value could not be decoded' });
      if (failed)
        values.splice(inputCount, ERROR_VALUES, 'unreadable', 'the recorded error could not be decoded', null, null);
    }
    // The values split in place: what follows the inputs moves out, and the array keeps the inputs.
    const inputsCaptured = (flags & CallFlags.InputsCaptured) !== 0;
    const rest = values.splice(inputsCaptured ? inputCount : 0);
    const inputs = inputsCaptured ? values : null;
    return {
      fn: this.i32[(at + RecordHeader.Function) >> 2]!,
      id: this.f64[(at + RecordHeader.Id) >> 3]!,
      parent: this.f64[(at + RecordHeader.Parent) >> 3]!,
      root: this.f64[(at + RecordHeader.Root) >> 3]!,
      depth: this.i32[(at + RecordHeader.Depth) >> 2]!,
      start: this.f64[(at + RecordHeader.Start) >> 3]!,
      end: this.f64[(at + RecordHeader.End) >> 3]!,
      inputs,
      outputs: (flags & CallFlags.OutputsCaptured) !== 0 ? rest : null,
      outputFallback: (flags & CallFlags.OutputFallback) !== 0,
      yielded: this.i32[(at + RecordHeader.Yielded) >> 2]!,
      error: failed
        ? { type: rest[0] as string, message: rest[1] as string, stack: rest[2] as string | null, detail: rest[3] }
        : null,
      link,
    };
  }

  /** The OpenTelemetry span a call's trace joined, as hex ids. */
  private readLink(at: number): TraceLinkIds {
    let hex = '';
    for (let i = 0; i < LinkWords.Count; i++) hex += (this.i32[(at >> 2) + i]! >>> 0).toString(16).padStart(8, '0');
    return { traceId: hex.slice(0, 32), parentSpanId: hex.slice(32) };
  }

  private readDrops(at: number): void {
    const entries = this.i32[(at + RecordHeader.Function) >> 2]!;
    for (let i = 0; i < entries; i++) {
      const entry = at + RecordHeader.DropEntries + i * DropEntry.Size;
      const fn = this.i32[(entry + DropEntry.Function) >> 2]!;
      const reason = DROP_REASON_CODES[this.u8[entry + DropEntry.Reason]!]!;
      this.setDrop(fn, reason, this.f64[(entry + DropEntry.Count) >> 3]!);
    }
  }

  private setDrop(fn: number, reason: string, count: number): void {
    const key = `${fn} ${reason}`;
    let total = this.drops.get(key);
    if (total === undefined) {
      total = { fn, reason, count };
      this.drops.set(key, total);
    } else if (count > total.count) {
      total.count = count;
    } else {
      return;
    }
    this.changedDrops.add(total);
  }

  /** Calls of a batch the database kept refusing: counted, per function, as write_failed. */
  private countFailed(calls: PreparedCall[]): void {
    for (const { record } of calls) this.addDrop(record.fn, DropCode.WriteFailed);
  }

  /**
   * The collector's answer for a batch of spans: delivered, they are settled; not, they are counted per
   * function as export_failed (told once), and settled once that count is committed.
   */
  private exportAnswered(functions: number[], failure: Error | null): void {
    const control = this.control;
    if (failure !== null) {
      if (!this.exportWarned) {
        this.exportWarned = true;
        process.emitWarning(
          `${functions.length} spans could not be delivered to the OpenTelemetry collector (${failure.message}); ` +
            'spans not delivered are counted in the drops table as export_failed',
          { code: 'OBSERVATORY_EXPORT' },
        );
      }
      // Without a database there is nowhere to count them.
      if (this.writer !== null) {
        for (const fn of functions) this.addDrop(fn, DropCode.ExportFailed);
        this.exportFailuresUncommitted += functions.length;
        return;
      }
    }
    Atomics.sub(control, Control.Exporting, functions.length);
    Atomics.notify(control, Control.Exporting);
  }

  private addDrop(fn: number, code: DropCode.WriteFailed | DropCode.ExportFailed): void {
    const reason = DROP_REASON_CODES[code];
    this.setDrop(fn, reason, (this.drops.get(`${fn} ${reason}`)?.count ?? 0) + 1);
  }

  private settleWaiters(tail: number): void {
    if (this.waiters.length === 0) return;
    const stopped = Atomics.load(this.control, Control.Writer) === WriterState.Stopped;
    const waiting: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (stopped || this.reached(tail, waiter.head)) waiter.resolve();
      else waiting.push(waiter);
    }
    this.waiters = waiting;
  }

  /** Whether Tail `tail` is at or past Head word `head` (both wrap modulo 2^32). */
  private reached(tail: number, head: number): boolean {
    return ((tail - head) | 0) >= 0;
  }

  /**
   * Test hook (OBSERVATORY_TEST_WORKER_CRASHES, see record/recording.ts): end this thread abruptly with the
   * batch's rows inserted and not committed, the way a crash would.
   */
  private crashIfAsked(): void {
    const control = this.control;
    for (
      let left = Atomics.load(control, Control.CrashesLeft);
      left > 0;
      left = Atomics.load(control, Control.CrashesLeft)
    ) {
      if (Atomics.compareExchange(control, Control.CrashesLeft, left, left - 1) === left) process.exit(70);
    }
  }
}

export function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

/** `SQLITE_CONSTRAINT_TRIGGER: refused by the test`: a database error's code and message, or any error's text. */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
}
