/**
 * The dashboard's JSON API: one function per endpoint, from URL query parameters to a JSON-ready object.
 *
 * Parameters are validated here and reach SQL only as bound values (see queries.ts). Bad parameters raise a
 * UsageError, which the server turns into a 400 with the message.
 */
import { callRows, csvRecord, CSV_HEADERS } from './call-rows';
import { parseSince } from './duration';
import { readFilter, readInteger } from './filter';
import { UsageError } from './errors';
import { formatCsv } from './format';
import type { Call, CallFilter, Cursor, TraceQueries } from './queries';
import { readFunctionSource } from './source';

/** Calls per page unless the client asks for another size. */
const DEFAULT_PAGE = 50;
const MAX_PAGE = 500;
/** The count shown above the table stops here: "10,000+ calls" is enough to know there are many. */
const COUNT_CAP = 10_000;
const MAX_CHILDREN = 200;

export interface ApiContext {
  queries: TraceQueries;
  /** Directory that `functions.file` paths are relative to. */
  sourceRoot: string;
}

/** The filter the calls table and its CSV export share. */
export function filterFrom(queries: TraceQueries, params: URLSearchParams): CallFilter {
  return readFilter(queries, {
    fn: params.get('fn'),
    status: params.get('status'),
    direction: params.get('direction'),
    since: params.get('since'),
    until: params.get('until'),
  });
}

export function listFunctions({ queries }: ApiContext) {
  return { functions: queries.functions(true) };
}

export function listCalls({ queries }: ApiContext, params: URLSearchParams) {
  const filter = filterFrom(queries, params);
  const limit = readInteger(params.get('limit'), 'limit', DEFAULT_PAGE, 1, MAX_PAGE);
  const after = params.get('after');
  const page = queries.callPage(filter, limit, after ? decodeCursor(after) : undefined);
  return {
    calls: page.calls.map(({ errorStack: _stack, ...call }) => call),
    next: page.next && encodeCursor(page.next),
    total: queries.countCalls(filter, COUNT_CAP),
    serverTimeUs: Date.now() * 1000,
  };
}

export function callDetail({ queries, sourceRoot }: ApiContext, id: string) {
  const call = /^\d+$/.test(id) ? queries.call(Number(id)) : undefined;
  if (!call) return undefined;
  const fn = queries.functionById(call.functionId);
  return {
    call,
    function: fn,
    parent: call.parentSpanId === null ? null : summary(queries.callBySpan(call.parentSpanId)),
    children: queries.children(call.spanId, MAX_CHILDREN + 1).map(summary),
    childrenLimit: MAX_CHILDREN,
    source: fn ? readFunctionSource(sourceRoot, fn.file, fn.line) : null,
  };
}

export function traceDetail({ queries }: ApiContext, ref: string) {
  const trace = queries.trace(ref);
  if (!trace) return undefined;
  return { traceId: trace.traceId, truncated: trace.truncated, calls: trace.calls.map(summary) };
}

export function functionStats({ queries }: ApiContext, params: URLSearchParams) {
  const since = params.get('since');
  return { stats: queries.stats(since ? parseSince(since) : undefined), serverTimeUs: Date.now() * 1000 };
}

/** Calls and errors over time for all functions, or with p50/p95/p99 latency for the one named by `fn`. */
export function timeSeries({ queries }: ApiContext, params: URLSearchParams) {
  const fn = params.get('fn');
  const functionIds = fn ? readFilter(queries, { fn }).functionIds : undefined;
  const buckets = readInteger(params.get('buckets'), 'buckets', 60, 2, 500);
  const since = params.get('since');
  const range = queries.timeRange(functionIds);
  if (!range) return { buckets: [] };
  const fromUs = since ? Math.max(parseSince(since), range.fromUs) : range.fromUs;
  return { buckets: queries.timeSeries(fromUs, Math.max(fromUs, range.toUs), buckets, functionIds, functionIds !== undefined) };
}

function encodeCursor(cursor: Cursor): string {
  return `${cursor.startUs}.${cursor.id}`;
}

function decodeCursor(text: string): Cursor {
  const match = /^(\d+)\.(\d+)$/.exec(text);
  if (!match) throw new UsageError(`bad page cursor ${JSON.stringify(text)}`);
  return { startUs: Number(match[1]), id: Number(match[2]) };
}

/** What the trace timeline and the parent/children lists need of a call. */
function summary(call: Call | undefined) {
  if (!call) return null;
  const { id, process, spanId, parentSpanId, depth, startUs, durationUs, status, errorType, errorMessage } = call;
  return { id, process, spanId, parentSpanId, depth, startUs, durationUs, status, errorType, errorMessage };
}

/** Calls per query while exporting, and the most calls one export holds. */
const EXPORT_PAGE = 1000;
const EXPORT_CAP = 100_000;

/**
 * The calls table under the current filter as CSV chunks, newest first, read page by page so that memory
 * stays flat however large the export.
 */
export function* exportCsv({ queries }: ApiContext, params: URLSearchParams): Generator<string> {
  const filter = filterFrom(queries, params);
  yield formatCsv([CSV_HEADERS]);
  let after: Cursor | undefined;
  for (let exported = 0; exported < EXPORT_CAP; ) {
    const page = queries.callPage(filter, Math.min(EXPORT_PAGE, EXPORT_CAP - exported), after);
    yield formatCsv(callRows(page.calls).map(csvRecord));
    exported += page.calls.length;
    if (!page.next) break;
    after = page.next;
  }
}
