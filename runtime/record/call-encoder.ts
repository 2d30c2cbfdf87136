/**
 * A completed call as one Call record of the ring (ring.ts): the fixed header, then its values.
 *
 *   inputs    one value per entry of FunctionMeta.params, in order, the rest parameter expanded to one value
 *             per element; the writer names them `numbers[0]`, `numbers[1]`, ... Past maxEntries elements,
 *             one truncated marker (reason `entries`, kind `array`, the number of arguments) ends them
 *   outputs   split as FunctionMeta.outputShape says (outputs.ts), or the whole value, flagged, when it did
 *             not fit the declared shape
 *   error     for a failed call, instead of outputs: its type, message and stack (thrown.ts), cut to the
 *             name, string and value-size limits, then its detail (fields, cause chain) as one value
 *             (ValueEncoder.encodeErrorDetail)
 *
 * The values are copied here, when the call completes, so nothing of the user's heap is held once `done` has
 * returned; a function tagged `snapshot` has its inputs copied at entry instead (encodeSnapshot).
 */
import * as util from 'node:util';
import { CallFlags, LinkWords, RecordHeader, RecordKind } from '../ring';
import { CallStatus, type Call } from './call';
import type { CaptureLimits } from './config';
import type { FunctionHandle } from './function-handle';
import { OpWriter } from './op-writer';
import { encodeOutputs, fitsOutputShape } from './outputs';
import { MAX_NAME_LENGTH } from './intrinsics';
import { describeThrown } from './thrown';
import { clip, ValueEncoder } from './value-encoder';

/** How much of a call's inputs and outputs goes into its record. */
export const enum CallValues {
  /** Each value within the value limits. */
  Whole,
  /** Each value held to OVERLOAD_VALUE_SIZE (ring.ts): the ring is more than three quarters full. */
  HeldToOverloadSize,
  /** None: the call's values do not fit in the whole ring. */
  None,
}

/** A function's inputs, copied at entry (tag option `snapshot`). */
export interface Snapshot {
  bytes: Uint8Array;
  count: number;
}

export class CallEncoder {
  private readonly values: ValueEncoder;
  private readonly limits: CaptureLimits;
  /** Where snapshots are written before they are copied out; grows to the largest one seen. */
  private scratch = new OpWriter(new ArrayBuffer(4096));

  constructor(limits: CaptureLimits) {
    this.values = new ValueEncoder(limits);
    this.limits = limits;
  }

  /**
   * Writes `call` at `out.pos`. A call written `asRoot` has its link to its caller cut: it is a failure kept
   * from a trace that is not recorded, and must not point at a parent that has no row. `values` says how much
   * of its inputs and outputs goes in.
   */
  encode(call: Call, out: OpWriter, asRoot: boolean, values = CallValues.Whole): void {
    const at = out.pos;
    const withValues = values !== CallValues.None;
    this.values.holdToOverloadSize(values === CallValues.HeldToOverloadSize);
    if (!out.room(RecordHeader.CallValues)) return;
    const fn = call.fn;
    // The header's fields are aligned: word and double indexes (see op-writer.ts for why not a DataView).
    const i32 = out.i32;
    const f64 = out.f64;
    const word = at >> 2;
    const double = at >> 3;
    out.u8[at + RecordHeader.Kind] = RecordKind.Call;
    i32[word + (RecordHeader.Function >> 2)] = fn.index;
    i32[word + (RecordHeader.Depth >> 2)] = asRoot ? 0 : call.depth;
    i32[word + (RecordHeader.Yielded >> 2)] = fn.generator && fn.captureResult ? call.yielded : -1;
    f64[double + (RecordHeader.Id >> 3)] = call.id;
    f64[double + (RecordHeader.Parent >> 3)] = asRoot ? 0 : call.parentId;
    f64[double + (RecordHeader.Root >> 3)] = asRoot ? call.id : call.rootId;
    f64[double + (RecordHeader.Start >> 3)] = call.start;
    f64[double + (RecordHeader.End >> 3)] = call.end;
    out.pos = at + RecordHeader.CallValues;
    let flags = 0;
    // A failure kept from a trace that is not recorded is a root of its own, outside the joined trace too.
    const link = asRoot ? null : call.link;
    if (link !== null) {
      if (!out.room(LinkWords.Size)) return;
      flags |= CallFlags.Linked;
      const words = link.words;
      for (let i = 0; i < LinkWords.Count; i++) i32[(out.pos >> 2) + i] = words[i]!;
      out.pos += LinkWords.Size;
    }
    let inputs = 0;
    let outputs = 0;
    if (fn.captureArgs && withValues) {
      flags |= CallFlags.InputsCaptured;
      const snapshot = call.snapshot;
      if (snapshot !== null) {
        out.copy(snapshot.bytes);
        inputs = snapshot.count;
      } else {
        inputs = this.encodeInputs(fn, call.args, out);
      }
    }
    if (call.status === CallStatus.Err) {
      flags |= CallFlags.Failed;
      // Error text is held to the value limits: a 100 MB message must not take the ring, or the row, with it.
      const thrown = describeThrown(call.value);
      out.string(clip(thrown.type, MAX_NAME_LENGTH));
      out.string(clip(thrown.message, this.limits.maxStringLength));
      out.primitive(thrown.stack === null ? null : clip(thrown.stack, this.limits.maxValueSize));
      this.values.encodeErrorDetail(out, call.value);
    } else if (fn.captureResult && withValues) {
      flags |= CallFlags.OutputsCaptured;
      const meta = fn.meta;
      if (fitsOutputShape(meta, call.value)) {
        outputs = encodeOutputs(meta, call.value, this.values, out);
      } else {
        flags |= CallFlags.OutputFallback;
        this.values.encode(out, call.value);
        outputs = 1;
      }
    }
    const u8 = out.u8;
    u8[at + RecordHeader.Flags] = flags;
    u8[at + RecordHeader.InputCount] = inputs;
    u8[at + RecordHeader.InputCount + 1] = inputs >>> 8;
    u8[at + RecordHeader.OutputCount] = outputs;
    u8[at + RecordHeader.OutputCount + 1] = outputs >>> 8;
  }

  /** The inputs of a call tagged `snapshot`, copied now, at its entry. */
  encodeSnapshot(fn: FunctionHandle, args: unknown[]): Snapshot {
    this.values.holdToOverloadSize(false);
    for (;;) {
      const scratch = this.scratch;
      scratch.reset(0, scratch.u8.length);
      const count = this.encodeInputs(fn, args, scratch);
      if (!scratch.overflow) return { bytes: new Uint8Array(scratch.bytes.subarray(0, scratch.pos)), count };
      this.scratch = new OpWriter(new ArrayBuffer(scratch.u8.length * 2));
    }
  }

  private encodeInputs(fn: FunctionHandle, args: unknown[], out: OpWriter): number {
    const restIndex = fn.meta.rest ? fn.meta.params.length - 1 : -1;
    let count = 0;
    for (let i = 0; i < args.length; i++) {
      const arg = args[i];
      if (i === restIndex && !util.types.isProxy(arg) && Array.isArray(arg)) {
        const elements = Math.min(arg.length, this.limits.maxEntries);
        for (let j = 0; j < elements; j++) this.values.encodeProperty(out, arg, j);
        count += elements;
        if (elements < arg.length) {
          this.values.encodeRestCut(out, arg.length);
          count++;
        }
      } else {
        this.values.encode(out, arg);
        count++;
      }
    }
    return count;
  }
}
