/**
 * Trace and span ids, derived in the worker from the recording thread's random token (ProcessInfo.token, 128
 * bits) and the numeric call ids, so the hot path never builds a string.
 *
 *   span_id  = 8 hex digits of a random 32-bit prefix ++ 8 hex digits of (random 32-bit offset + call id)
 *   trace_id = 16 hex digits of the token ++ span_id of the root call
 *
 * Span ids of one thread share their prefix and count up, instead of being scattered: calls.span_id is a
 * UNIQUE index (and parent_span_id, trace_id are indexed too), and SQLite inserts keys that arrive in order
 * into the same few B-tree pages; with scattered ids every insert lands on a different page, which measured
 * about twice as slow per call. Ids of different threads or processes can only collide if both their random
 * prefixes (32 bits) and their ranges of counted ids overlap, which for runs of fewer than millions of calls
 * is far less likely than two independent random 64-bit ids colliding. When the counter passes 2^32 the
 * prefix is re-derived from the token and the epoch, so ids never repeat within one thread.
 */
const TWO_TO_32 = 2 ** 32;

/** murmur3's 32-bit finalizer: a bijection that scatters consecutive inputs. */
function mix32(input: number): number {
  let h = input >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function hex8(value: number): string {
  return value.toString(16).padStart(8, '0');
}

export class TraceIds {
  private readonly prefix: number;
  private readonly offset: number;
  private readonly firstPrefixHex: string;
  private readonly traceHigh: string;

  /** `token` is 32 hex digits. */
  constructor(token: string) {
    this.prefix = Number.parseInt(token.slice(0, 8), 16);
    this.offset = Number.parseInt(token.slice(8, 16), 16);
    this.firstPrefixHex = hex8(this.prefix);
    this.traceHigh = token.slice(16, 32);
  }

  spanId(callId: number): string {
    const counted = this.offset + callId;
    if (counted < TWO_TO_32) return this.firstPrefixHex + hex8(counted);
    const epoch = Math.floor(counted / TWO_TO_32);
    return hex8(mix32(this.prefix + epoch)) + hex8(counted - epoch * TWO_TO_32);
  }

  traceId(rootCallId: number): string {
    return this.traceHigh + this.spanId(rootCallId);
  }
}
