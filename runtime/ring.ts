/**
 * The ring: the shared memory between a recording thread and its writer thread, and the only thing both
 * sides agree on. The recording side (record/) appends records; the writer thread (store/) reads them,
 * commits them to SQLite and releases their bytes. Nothing else crosses: no messages per call, no structured
 * clone. This file holds only the layout, so that the writer thread loads nothing of the recording side.
 *
 *   control   Int32Array over its own SharedArrayBuffer, indexed by Control
 *   data      the ring's bytes, a power of two in size; positions are byte counters that only grow (kept
 *             modulo 2^32 in Int32 words), so `head - tail` is the bytes in use even after either wraps
 *
 * Every record starts on an 8-byte boundary with a u32 byte length (header included, a multiple of 8) and a
 * u8 kind. A record never wraps around the end of the data: one that does not fit in what is left there
 * is preceded by a Pad record covering the rest, and starts again at offset 0.
 *
 * The producer writes a record, then publishes it with one Atomics.store of Head: the writer reads only below
 * Head, and the producer writes only between Head and Tail + size. The writer stores Tail (Atomics) only after
 * the transaction holding the records up to it has committed, so a writer that dies mid-transaction leaves
 * every record it had not committed in the ring, and its replacement starts again from Tail.
 */

/** Words of the control array. */
export const enum Control {
  /** Bytes published by the producer. */
  Head,
  /** Bytes the writer has committed and released. */
  Tail,
  /** 1 while the writer is waiting for records: the producer wakes it (Atomics.notify on Head) when there is a batch's worth. */
  WriterWaiting,
  /** The writer's state: WriterState. */
  Writer,
  /** Test hook: write attempts left that end the writer thread abruptly before their commit. */
  CrashesLeft,
  /** Functions published in the function registry (below). */
  Functions,
  /** Most bytes the ring held at once, as the writer saw it. */
  HighWater,
  /**
   * Spans handed to the OpenTelemetry exporter whose fate (delivered, or counted as export_failed and the
   * count committed) is not known yet; the exit path waits for it to reach 0, until its deadline.
   */
  Exporting,
  /**
   * 1 once an exit path has counted what the ring left unwritten (record/ring-settlement.ts): the ring's own
   * thread's, or that of the thread that started it. Whichever comes second finds nothing left to count.
   */
  Settled,
  Size,
}

export const enum WriterState {
  NotStarted,
  Running,
  /** Between deciding to commit and having committed; the exit path waits for it to end. */
  Committing,
  /** Stopped by the exit path: nothing more will be committed, and the ring from Tail on is counted as lost. */
  Stopped,
}

export const enum RecordKind {
  /** Filler to the end of the data; the next record starts at offset 0. */
  Pad = 1,
  /** A completed call. */
  Call,
  /** Running totals of calls not recorded, per function and reason. */
  Drops,
}

/** Byte offsets within a record. */
export const enum RecordHeader {
  Length = 0,
  Kind = 4,
  /** Call: CallFlags. */
  Flags = 5,
  /** Call: number of input values, then of output values, each a u16. */
  InputCount = 6,
  OutputCount = 8,
  /** Bytes of padding at the end of the record (u8), so that its content ends at Length - Padding. */
  Padding = 10,
  /** Call: the function's registry index (u32). Drops: the number of entries. */
  Function = 12,
  /** Call: depth (u32), values a generator yielded (i32, -1 when not counted). */
  Depth = 16,
  Yielded = 20,
  /** Call: f64 call number, parent's call number (0 for a root), root's call number, start and end (performance.now()). */
  Id = 24,
  Parent = 32,
  Root = 40,
  Start = 48,
  End = 56,
  /**
   * Call: where the values begin; they run to the end of the record. A Linked call has its TraceLink there
   * first (LinkWords.Size bytes), and its values after it.
   */
  CallValues = 64,
  /** Drops: where the entries begin, each DropEntry.Size bytes (a drops record has a layout of its own). */
  // eslint-disable-next-line @typescript-eslint/no-duplicate-enum-values
  DropEntries = 16,
}

export const enum CallFlags {
  Failed = 1,
  /** The output did not fit the declared shape: one `result` value. */
  OutputFallback = 2,
  InputsCaptured = 4,
  OutputsCaptured = 8,
  /** The call's trace joined an OpenTelemetry span: the record carries the link (LinkWords). */
  Linked = 16,
}

/** A Linked call's link, as u32 words from RecordHeader.CallValues: the trace id, then the parent span id (big-endian hex order). */
export const enum LinkWords {
  TraceId = 0,
  ParentSpanId = 4,
  Count = 6,
  Size = 24,
}

/** One entry of a Drops record: function index (u32), reason (u8, a DropReason's index), running total (f64). */
export const enum DropEntry {
  Function = 0,
  Reason = 4,
  Count = 8,
  Size = 16,
}

/** A function's total of calls not recorded for one reason, in one recording instance. */
export interface DropTotal {
  fn: number;
  reason: string;
  count: number;
}

/**
 * Why a call was not recorded, or (export_failed) was recorded but not delivered to OpenTelemetry; stored as
 * `drops.reason`. The order is the wire code: a new reason goes at the end.
 */
export const DROP_REASON_CODES = [
  'overload',
  'not_sampled',
  'write_failed',
  'exit_timeout',
  'export_failed',
  'unfinished',
] as const;
export const enum DropCode {
  Overload,
  NotSampled,
  WriteFailed,
  ExitTimeout,
  /** Counted by the writer thread only: the collector did not take the span. */
  ExportFailed,
  /** At the stack limit: the call's `done` could not run (record/recorder.ts, healing), or its record not be made. */
  Unfinished,
  Count,
}

/**
 * Values are a postfix program: each op pushes onto a stack or combines the top entries into one, so the
 * recording side can write a container before it knows how many of its entries the limits let through.
 * A record's values section leaves exactly one stack entry per value. The writer rebuilds the value forms
 * listed in store/json.ts from it.
 *
 * An op is one byte. Its operand, if any, starts at the next multiple of the operand's own size (4 for
 * counts and Int, 8 for Number, 2 for code units), counted from the start of the data, so both sides read
 * and write it with one typed-array access; the bytes skipped are unused.
 */
export const enum Op {
  /** Skipped: aligns what follows (a snapshot copied into a record starts on an 8-byte boundary). */
  Nop = 0,
  Undefined = 1,
  Null,
  True,
  False,
  /** f64 follows. */
  Number,
  /** i32 follows: an integer that fits (not -0). */
  Int,
  /** u32 length in UTF-16 code units, then the code units (u16 each, from the next multiple of 2). */
  String,
  /** As String: the decimal digits of a bigint. */
  BigInt,
  /** u32 n: pops n values into an array. */
  Array,
  /** u32 n: pops n key/value pairs (key first, each key a String) into an object, in order. */
  Fields,
  /** Pops an object and makes it { $type: 'object', fields } (a plain object with its own `$type` key). */
  TaggedFields,
  /** Pops a form and a class name (pushed after it) and puts `class` right after the form's `$type`. */
  WithClass,
  /** u8 reason (TruncationReason): pops a form, a kind and a length and makes the truncated marker around the form. */
  Truncated,
}

/**
 * The `reason` of a truncated marker; the order is the wire code. `overload`: the value was held to
 * OVERLOAD_VALUE_SIZE because the ring was more than three quarters full (OBSERVATORY_ON_FULL=drop).
 */
export const TRUNCATION_REASONS = ['length', 'entries', 'size', 'overload'] as const;

/**
 * Characters of JSON text a value may take while the ring is more than three quarters full, in drop mode.
 * A trace already started must finish whole, so its calls wait for room when the ring is full. Calls that
 * pass large values (a parser's syntax nodes, say) can fill the rest of the ring with one trace, and the
 * program then waits for SQLite. Held to this size, such a trace keeps every call, its numbers, booleans and
 * short strings, and the beginning of everything else.
 */
export const OVERLOAD_VALUE_SIZE = 256;

/**
 * Bytes the recording thread publishes before it wakes the writer (ring-producer.ts, at most an eighth of the
 * ring), and so the least the writer maps ahead of Head (store/drain.ts, touchAhead).
 */
export const WAKE_WRITER_BYTES = 256 * 1024;

/** Record lengths, like record starts, are multiples of this. */
export const RECORD_ALIGNMENT = 8;

export function alignRecord(length: number): number {
  return (length + RECORD_ALIGNMENT - 1) & ~(RECORD_ALIGNMENT - 1);
}

/**
 * The function registry: every FunctionMeta the recording thread registered, in registration order, as
 * entries of a u32 length and that many bytes of UTF-8 JSON text, in a growable SharedArrayBuffer. Unlike the
 * ring it is never consumed, so a writer thread that replaces one that died can read every function again.
 * The producer appends an entry, then publishes it by storing Control.Functions.
 */
export const REGISTRY_INITIAL_BYTES = 64 * 1024;
export const REGISTRY_MAX_BYTES = 256 * 1024 * 1024;

/** What the writer thread is given when it starts: its ring and what it needs to know of the recording thread. */
export interface RingHandle {
  control: SharedArrayBuffer;
  data: SharedArrayBuffer;
  registry: SharedArrayBuffer;
  /** Null when OBSERVATORY_DB=off. */
  databasePath: string | null;
  /** Null when no OTLP endpoint is set. */
  otlp: OtlpSettings | null;
  process: RecordingProcess;
}

/**
 * OpenTelemetry export, configured by OpenTelemetry's own variables. Only whether it is on and the protocol
 * are read by the recording side (record/config.ts); the exporter (store/span-export.ts) reads the rest
 * (endpoint, headers, timeout, compression) itself, by OpenTelemetry's rules, in the writer thread.
 */
export interface OtlpSettings {
  protocol: OtlpProtocol;
}

export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

/** The recording runtime instance: one per thread, and one per copy of the runtime a test runner loads. */
export interface RecordingProcess {
  /** 32 random hex digits; the `processes` row is found by it. */
  token: string;
  pid: number;
  threadId: number;
  /** performance.timeOrigin of the recording thread: record times are relative to it. */
  timeOrigin: number;
  argv: string[];
  retentionHours: number;
  /** OBSERVATORY_REDACT: names redacted in every function, lower case. */
  redact: string[];
  /** OBSERVATORY_REDACT_ALLOW: names and words never redacted, lower case. */
  redactAllow: string[];
  /** OBSERVATORY_MAX_VALUE_SIZE: bytes of JSON text one stored value may take. */
  maxValueSize: number;
  /** OBSERVATORY_FLUSH_MS: the longest a record waits in the ring before the writer looks. */
  flushIntervalMs: number;
}
