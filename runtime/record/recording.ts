/**
 * This runtime instance's recording: completed calls into the ring, calls not recorded into counts, and the
 * writer thread that empties the ring.
 *
 * Every call made is either written to the ring or counted against its function with a reason (DropCode):
 *
 *   recorded trace     written; when the ring is full the call waits for room, so a trace that started is
 *                      written whole (its children are already in the ring, and must not lose their parent)
 *   shed trace         counted as `overload` (OBSERVATORY_ON_FULL=drop sheds new traces when the ring is
 *                      more than half full)
 *   sampled-out trace  counted as `not_sampled`
 *   a failure          always written; from a trace that is not recorded, as a root of its own, so that no
 *                      row points at a parent that has none
 *
 * The counts are running totals per function, written to the ring as a Drops record at most once per flush
 * interval while they change, and at every flush and exit; the writer keeps the largest total it has seen
 * for this instance, so a Drops record read twice changes nothing.
 *
 * Waiting for room gives up only when the writer released nothing for STALL_MS, or did not start within
 * STARTUP_MS: a writer that cannot commit (the file locked for that long) or cannot be started. The call is
 * then counted as `write_failed`, and a warning says so once.
 *
 * Test hooks: OBSERVATORY_TEST_WORKER_CRASHES=N makes the writer thread end abruptly, mid-transaction, the
 * first N times it is about to commit (store/drain.ts), so that the tests can watch piscina replace it.
 * OBSERVATORY_TEST_STALL_MS=N sets the stall limit of both modes, so that a test can wait one out in seconds.
 */
import { performance } from 'node:perf_hooks';
import { threadId } from 'node:worker_threads';
import type { FunctionMeta } from '../contract';
import {
  Control,
  DROP_REASON_CODES,
  DropCode,
  DropEntry,
  RecordHeader,
  RecordKind,
  type DropTotal,
  type RecordingProcess,
  type RingHandle,
} from '../ring';
import { CallStatus, TraceMode, type Call } from './call';
import { CallEncoder, CallValues, type Snapshot } from './call-encoder';
import { announceRing } from './child-threads';
import { FunctionHandle } from './function-handle';
import { RingProducer } from './ring-producer';
import { settings } from './settings';
import { warn } from './warnings';
import { WriterThread } from './writer-thread';

/**
 * How long a call waits for the writer to release room before it gives up, in drop mode (only calls of
 * traces already started, and failures, wait there) and in wait mode. Long, because giving up breaks a
 * trace or loses a call, and a loaded machine's fsync at a WAL checkpoint can take a second or more; a
 * writer thread starved by CPU-bound neighbours was measured releasing nothing for over 10 s.
 */
const STALL_MS = { drop: 30_000, wait: 60_000 } as const;
/** How long a call waits for a writer thread that has not started yet (a loaded machine can take seconds). */
const STARTUP_MS = 30_000;

export class Recording {
  readonly producer: RingProducer;
  readonly writer: WriterThread;
  readonly process: RecordingProcess;
  /** The ring as the writer thread gets it. */
  readonly handle: RingHandle;
  /** Every function registered in this instance, by index. */
  readonly functions: FunctionHandle[] = [];
  private readonly encoder = new CallEncoder(settings.capture);
  private readonly stallMs: number;
  /** OBSERVATORY_ON_FULL=drop: values are held small when the ring is nearly full (see write). */
  private readonly cutsValues = settings.onFull === 'drop';
  /** Functions whose drop totals changed since the last Drops record. */
  private unsentDrops: FunctionHandle[] = [];
  /** performance.now() of the last Drops record. */
  private dropsWrittenAt = 0;
  /**
   * Tail as it was when a call last gave up waiting for room; null once the writer has released room since.
   * While Tail has not moved, a call that finds the ring full is counted at once instead of waiting as long
   * again: a program whose writer is gone must go on, not stop for the stall limit at every call.
   */
  private stalledAtTail: number | null = null;
  /**
   * Set by the exit path once it has committed the ring (lifecycle.ts): a call that completes after that (in a
   * program's own 'exit' listener) is committed, or counted, by this hook before the process ends.
   */
  afterExit: (() => void) | null = null;

  constructor() {
    this.producer = new RingProducer(settings.bufferBytes);
    this.process = {
      token: randomToken(),
      pid: process.pid,
      threadId,
      timeOrigin: performance.timeOrigin,
      argv: process.argv.slice(),
      retentionHours: settings.retentionHours,
      redact: settings.redact,
      redactAllow: settings.redactAllow,
      maxValueSize: settings.capture.maxValueSize,
      flushIntervalMs: settings.flushIntervalMs,
    };
    this.stallMs = Number(process.env.OBSERVATORY_TEST_STALL_MS) || STALL_MS[settings.onFull];
    Atomics.store(
      this.producer.control,
      Control.CrashesLeft,
      Number(process.env.OBSERVATORY_TEST_WORKER_CRASHES ?? 0) || 0,
    );
    this.handle = {
      control: this.producer.controlMemory,
      data: this.producer.data,
      registry: this.producer.registry,
      databasePath: settings.databasePath,
      otlp: settings.otlp,
      process: this.process,
    };
    this.writer = new WriterThread(this.handle);
  }

  register(meta: FunctionMeta): FunctionHandle {
    if (!settings.enabled) return new FunctionHandle(this.functions.length, meta, settings.sample, settings.force);
    // Started now rather than with the first record, so that the thread is up by the time the program
    // exits: a program that registers functions calls them, and an idle writer costs nothing.
    if (!this.writer.started) {
      this.writer.start();
      if (this.functions.length === 0) announceRing(this.handle);
    }
    const handle = new FunctionHandle(
      this.producer.register(JSON.stringify(meta)),
      meta,
      settings.sample,
      settings.force,
    );
    this.functions.push(handle);
    return handle;
  }

  /** Whether a new trace would find the ring too full. */
  tooFull(): boolean {
    return this.producer.tooFull();
  }

  snapshot(fn: FunctionHandle, args: unknown[]): Snapshot {
    return this.encoder.encodeSnapshot(fn, args);
  }

  /** A call is over: into the ring, or counted. */
  complete(call: Call): void {
    const mode = call.mode;
    if (mode === TraceMode.Recorded) this.write(call, false);
    else if (call.status === CallStatus.Err) this.write(call, true);
    else this.countDrop(call.fn, mode === TraceMode.Shed ? DropCode.Overload : DropCode.NotSampled);
  }

  /** After a call was completed (at `end`): the drop totals into the ring now and then, or, while exiting, everything. */
  afterCall(end: number): void {
    if (this.afterExit !== null) this.afterExit();
    else if (this.unsentDrops.length > 0 && end - this.dropsWrittenAt >= settings.flushIntervalMs)
      this.writeDrops(false);
  }

  /**
   * The runtime failed to record `call` for a fault of its own, not the stack limit (recorder.ts sets those
   * calls aside as unfinished): counted as write_failed and told.
   */
  lose(call: Call, error: unknown): void {
    this.countDrop(call.fn, DropCode.WriteFailed);
    warn('OBSERVATORY_WRITE', `a call could not be recorded and is counted as write_failed: ${String(error)}`);
  }

  /**
   * Adds `calls` to a function's running total for `code`. The total is added last, so that a count that
   * fails at the stack limit has counted nothing and can be made again.
   */
  countDrop(fn: FunctionHandle, code: DropCode, calls = 1): void {
    if (!fn.dropsUnsent) {
      this.unsentDrops.push(fn);
      fn.dropsUnsent = true;
    }
    fn.dropped[code]! += calls;
  }

  /** Every function's running totals of calls not recorded, by reason. */
  dropTotals(): DropTotal[] {
    const drops: DropTotal[] = [];
    for (const fn of this.functions) {
      fn.dropped.forEach((count, code) => {
        if (count > 0) drops.push({ fn: fn.index, reason: DROP_REASON_CODES[code]!, count });
      });
    }
    return drops;
  }

  /** Resolves when everything recorded so far is committed (or counted). */
  async flush(): Promise<void> {
    this.writeDropsNow();
    this.producer.wakeWriter();
    await this.writer.flush(this.producer.headWord);
  }

  /** Puts the drop totals that changed into the ring now, waiting briefly for room if need be. */
  writeDropsNow(): void {
    if (this.unsentDrops.length > 0) this.writeDrops(true);
  }

  /** Whether anything is waiting to be committed, exported or counted. */
  get pending(): boolean {
    const control = this.producer.control;
    return (
      this.unsentDrops.length > 0 ||
      Atomics.load(control, Control.Tail) !== this.producer.headWord ||
      Atomics.load(control, Control.Exporting) > 0
    );
  }

  private write(call: Call, asRoot: boolean): void {
    const producer = this.producer;
    // Started at registration; again here after shutdown() stopped it (a test runner's setup file does, then
    // the next test file of the same worker records more).
    if (!this.writer.started) this.writer.start();
    // In drop mode a trace already started waits for room rather than lose calls: its values are held small
    // before it comes to that (OVERLOAD_VALUE_SIZE). Wait mode keeps every value whole.
    const values = this.cutsValues && producer.valuesCut() ? CallValues.HeldToOverloadSize : CallValues.Whole;
    let waitedSince = 0;
    for (;;) {
      producer.begin();
      this.encoder.encode(call, producer.out, asRoot, values);
      if (producer.publish()) return;
      if (producer.makeRoom()) continue;
      if (producer.used === 0) {
        // Larger than the whole ring: keep the call, without its values.
        return this.writeWithoutValues(call, asRoot);
      }
      const now = performance.now();
      if (waitedSince === 0) {
        if (this.stalledAtTail !== null) {
          if (producer.tailWord === this.stalledAtTail) return this.countDrop(call.fn, DropCode.WriteFailed);
          this.stalledAtTail = null;
        }
        waitedSince = now;
      }
      const limit = this.writer.running ? this.stallMs : STARTUP_MS;
      if (now - waitedSince >= limit || this.writer.stopped) {
        this.countDrop(call.fn, DropCode.WriteFailed);
        this.stalledAtTail = producer.tailWord;
        warn(
          'OBSERVATORY_WRITE',
          `the writer released no room in the ring for ${this.stallMs} ms; calls are counted as write_failed until it does`,
        );
        return;
      }
      if (producer.waitForRoom(Math.min(100, this.stallMs))) waitedSince = 0;
    }
  }

  /** The call's row, without its inputs and outputs (a failure keeps its error text if that fits). */
  private writeWithoutValues(call: Call, asRoot: boolean): void {
    const producer = this.producer;
    producer.begin();
    this.encoder.encode(call, producer.out, asRoot, CallValues.None);
    if (!producer.publish()) this.countDrop(call.fn, DropCode.WriteFailed);
  }

  /**
   * Writes the changed drop totals as one Drops record. `mustWrite` waits for room (a flush, an exit); a
   * record that does not fit otherwise waits for the next chance.
   */
  private writeDrops(mustWrite: boolean): void {
    const producer = this.producer;
    const functions = this.unsentDrops;
    this.dropsWrittenAt = performance.now();
    for (let attempt = 0; attempt < 3; attempt++) {
      producer.begin();
      const out = producer.out;
      const at = out.pos;
      let entries = 0;
      for (const fn of functions) {
        for (let code = 0; code < DropCode.Count; code++) if (fn.dropped[code] !== 0) entries++;
      }
      if (out.room(RecordHeader.DropEntries + entries * DropEntry.Size)) {
        out.u8[at + RecordHeader.Kind] = RecordKind.Drops;
        out.i32[(at + RecordHeader.Function) >> 2] = entries;
        let entry = at + RecordHeader.DropEntries;
        for (const fn of functions) {
          for (let code = 0; code < DropCode.Count; code++) {
            const count = fn.dropped[code]!;
            if (count === 0) continue;
            out.i32[(entry + DropEntry.Function) >> 2] = fn.index;
            out.u8[entry + DropEntry.Reason] = code;
            out.f64[(entry + DropEntry.Count) >> 3] = count;
            entry += DropEntry.Size;
          }
        }
        out.pos = entry;
      }
      if (producer.publish()) {
        for (const fn of functions) fn.dropsUnsent = false;
        this.unsentDrops = [];
        return;
      }
      if (!producer.makeRoom() && !(mustWrite && producer.waitForRoom(100))) return;
    }
  }
}

export const recording = new Recording();

/**
 * 32 random hex digits: the instance's unique key in `processes`, and the high half of its trace ids. From
 * Math.random, as OpenTelemetry's own id generator makes ids: V8 seeds it for each thread from a
 * random source, and a trace id needs to be unique, not secret. node:crypto would cost every recording process
 * about 6 ms of loading for 16 bytes.
 */
function randomToken(): string {
  let token = '';
  for (let i = 0; i < 4; i++) token += ((Math.random() * 2 ** 32) >>> 0).toString(16).padStart(8, '0');
  return token;
}
