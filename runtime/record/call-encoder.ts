/**
 * A completed call as one Call record of the ring (ring.ts): the fixed header, then its values.
 *
 *   inputs    one value per entry of FunctionMeta.params, in order, the rest parameter expanded to one value
 *             per element (at most maxEntries); the writer names them `numbers[0]`, `numbers[1]`, ...
 *   outputs   split as FunctionMeta.outputShape says (outputs.ts), or the whole value, flagged, when it did
 *             not fit the declared shape
 *   error     for a failed call, instead of outputs: its type, message and stack (thrown.ts)
 *
 * The values are copied here, when the call completes, so nothing of the user's heap is held once `done` has
 * returned; a function tagged `snapshot` has its inputs copied at entry instead (encodeSnapshot).
 */
import * as util from 'node:util';
import { CallFlags, RecordHeader, RecordKind } from '../ring';
import { CallStatus, type Call } from './call';
import type { CaptureLimits } from './config';
import type { FunctionHandle } from './function-handle';
import { OpWriter } from './op-writer';
import { encodeOutputs, fitsOutputShape } from './outputs';
import { describeThrown } from './thrown';
import { ValueEncoder } from './value-encoder';

/** A function's inputs, copied at entry (tag option `snapshot`). */
export interface Snapshot {
  bytes: Uint8Array;
  count: number;
}

export class CallEncoder {
  private readonly values: ValueEncoder;
  private readonly maxEntries: number;
  /** Where snapshots are written before they are copied out; grows to the largest one seen. */
  private scratch = new OpWriter(new ArrayBuffer(4096));

  constructor(limits: CaptureLimits) {
    this.values = new ValueEncoder(limits);
    this.maxEntries = limits.maxEntries;
  }

  /**
   * Writes `call` at `out.pos`. A call written `asRoot` has its link to its caller cut: it is a failure kept
   * from a trace that is not recorded, and must not point at a parent that has no row.
   */
  encode(call: Call, out: OpWriter, asRoot: boolean): void {
    const at = out.pos;
    if (!out.room(RecordHeader.CallValues)) return;
    const fn = call.fn;
    const view = out.view;
    view.setUint8(at + RecordHeader.Kind, RecordKind.Call);
    view.setUint32(at + RecordHeader.Function, fn.index, true);
    view.setUint32(at + RecordHeader.Depth, asRoot ? 0 : call.depth, true);
    view.setInt32(at + RecordHeader.Yielded, fn.generator && fn.captureResult ? call.yielded : -1, true);
    view.setFloat64(at + RecordHeader.Id, call.id, true);
    view.setFloat64(at + RecordHeader.Parent, asRoot ? 0 : call.parentId, true);
    view.setFloat64(at + RecordHeader.Root, asRoot ? call.id : call.rootId, true);
    view.setFloat64(at + RecordHeader.Start, call.start, true);
    view.setFloat64(at + RecordHeader.End, call.end, true);
    out.pos = at + RecordHeader.CallValues;
    let flags = 0;
    let inputs = 0;
    let outputs = 0;
    if (fn.captureArgs) {
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
      const thrown = describeThrown(call.value);
      out.string(thrown.type);
      out.string(thrown.message);
      out.primitive(thrown.stack);
    } else if (fn.captureResult) {
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
    view.setUint8(at + RecordHeader.Flags, flags);
    view.setUint16(at + RecordHeader.InputCount, inputs, true);
    view.setUint16(at + RecordHeader.OutputCount, outputs, true);
  }

  /** The inputs of a call tagged `snapshot`, copied now, at its entry. */
  encodeSnapshot(fn: FunctionHandle, args: unknown[]): Snapshot {
    for (;;) {
      const scratch = this.scratch;
      scratch.reset(0, scratch.view.byteLength);
      const count = this.encodeInputs(fn, args, scratch);
      if (!scratch.overflow) return { bytes: new Uint8Array(scratch.bytes.subarray(0, scratch.pos)), count };
      this.scratch = new OpWriter(new ArrayBuffer(scratch.view.byteLength * 2));
    }
  }

  private encodeInputs(fn: FunctionHandle, args: unknown[], out: OpWriter): number {
    const restIndex = fn.meta.rest ? fn.meta.params.length - 1 : -1;
    let count = 0;
    for (let i = 0; i < args.length; i++) {
      const arg = args[i];
      if (i === restIndex && !util.types.isProxy(arg) && Array.isArray(arg)) {
        const elements = Math.min(arg.length, this.maxEntries);
        for (let j = 0; j < elements; j++) this.values.encodeProperty(out, arg, j);
        count += elements;
      } else {
        this.values.encode(out, arg);
        count++;
      }
    }
    return count;
  }
}
