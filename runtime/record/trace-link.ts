/**
 * Joining a trace the program's own OpenTelemetry instrumentation started, and deciding a root call's sampling
 * the way OpenTelemetry does, so that a request crossing several services is recorded in all or in none.
 *
 * Asked only at a root call (a call with no monitored caller): when a span is active there, the call joins
 * its trace as its child, and every call below inherits the link. Without OpenTelemetry in the program, the
 * question costs one read of a global symbol (the OpenTelemetry API registers itself there once a context
 * manager is set; without one no span can be active); with it, the API's context.active() and two lookups
 * (bench/join measures both).
 *
 *   joined root   recorded when the parent's sampled flag is set and the trace id passes the function's
 *                 rate as OpenTelemetry's TraceIdRatioBased sampler decides it (the same trace id and the same
 *                 rate give the same answer in every process); else counted as not_sampled
 *   forced        the baggage entry `observatory.force=1` on the active context (a request can carry it in
 *                 its `baggage` header), or the function named in OBSERVATORY_FORCE: recorded whatever the
 *                 rate and the parent's flag
 */
import type * as OtelApi from '@opentelemetry/api';

/** The span a joined trace hangs from: its trace id, and the span the root call is the child of. */
export class TraceLink {
  readonly traceId: string;
  readonly parentSpanId: string;
  /** The trace id as four u32 words, then the parent span id as two, as the ring carries them. */
  readonly words: readonly number[];

  constructor(traceId: string, parentSpanId: string) {
    this.traceId = traceId;
    this.parentSpanId = parentSpanId;
    this.words = [
      hexWord(traceId, 0),
      hexWord(traceId, 8),
      hexWord(traceId, 16),
      hexWord(traceId, 24),
      hexWord(parentSpanId, 0),
      hexWord(parentSpanId, 8),
    ];
  }
}

/** The u32 that the 8 hex digits of `hex` from `at` spell (the API hands out valid, lower-case ids). */
function hexWord(hex: string, at: number): number {
  let word = 0;
  for (let i = at; i < at + 8; i++) {
    const c = hex.charCodeAt(i);
    word = (word << 4) | (c < 58 ? c - 48 : (c | 32) - 87);
  }
  return word >>> 0;
}

/** What the context of a root call says: the span to join, whether it is sampled, whether recording is forced. */
export interface RootContext {
  link: TraceLink | null;
  sampled: boolean;
  forced: boolean;
}

/** Where the OpenTelemetry API (any copy, major version 1) keeps its registered globals. */
const OTEL_GLOBALS = Symbol.for('opentelemetry.js.api.1');
export const FORCE_BAGGAGE_KEY = 'observatory.force';
const SAMPLED_FLAG = 1;
const NO_CONTEXT: RootContext = { link: null, sampled: true, forced: false };

let api: typeof OtelApi | null = null;
/** The last context asked about, and its answer (contexts are immutable: a change makes a new one). */
let lastActive: OtelApi.Context | null = null;
let lastContext = NO_CONTEXT;

/**
 * The OpenTelemetry context where a root call starts; NO_CONTEXT when the program has no context manager.
 * Kept this small on purpose: V8 inlines the hot path's functions into every instrumented function within one
 * budget of bytecode, and the OpenTelemetry path, there only when the program uses it, would take a third of it.
 */
export function rootContext(): RootContext {
  const globals = (globalThis as Record<symbol, { context?: unknown } | undefined>)[OTEL_GLOBALS];
  return globals?.context === undefined ? NO_CONTEXT : activeContext();
}

function activeContext(): RootContext {
  // Loaded only once the program itself set OpenTelemetry up; the API finds the program's globals.
  api ??= require('@opentelemetry/api') as typeof OtelApi;
  const active = api.context.active();
  // A request usually makes several root calls in one context: they share its answer.
  if (active === lastActive) return lastContext;
  const forced = isForced(api.propagation.getBaggage(active)?.getEntry(FORCE_BAGGAGE_KEY)?.value);
  const span = api.trace.getSpanContext(active);
  lastActive = active;
  lastContext =
    span === undefined || !api.trace.isSpanContextValid(span)
      ? forced
        ? { link: null, sampled: true, forced }
        : NO_CONTEXT
      : { link: new TraceLink(span.traceId, span.spanId), sampled: (span.traceFlags & SAMPLED_FLAG) !== 0, forced };
  return lastContext;
}

function isForced(value: string | undefined): boolean {
  return value === '1' || value === 'true';
}

/**
 * OpenTelemetry's TraceIdRatioBased decision for `rate` on the trace whose id's words are `words[0..3]`: the
 * XOR of the four 32-bit words of the id, below `rate` of 2^32 - 1 (every id at rate 1).
 */
export function traceIdPasses(words: readonly number[], rate: number): boolean {
  if (rate >= 1) return true;
  if (!(rate > 0)) return false;
  return (words[0]! ^ words[1]! ^ words[2]! ^ words[3]!) >>> 0 < Math.floor(rate * 0xffffffff);
}
