/**
 * The dashboard's JSON API: one function per endpoint, from URL query parameters to a JSON-ready object.
 *
 * Parameters are validated here and reach SQL only as bound values (see queries.ts). Bad parameters raise a
 * UsageError, which the server turns into a 400 with the message.
 */
import { csvRecords, CSV_HEADERS } from './call-rows';
import { parseSince } from './duration';
import { errorGroups } from './error-groups';
import { readFilter, readInteger, readOrder } from './filter';
import { UsageError } from './errors';
import { readExpected } from './expected-errors';
import { formatArguments, formatCsv, parseValue } from './format';
import type { Call, CallFilter, CallWithValues, Cursor, FunctionInfo, TraceQueries } from './queries';
import { readFunctionSource } from './source';
import type { TraceStatistics } from './statistics';

/** Calls per page unless the client asks for another size. */
const DEFAULT_PAGE = 50;
const MAX_PAGE = 500;
/** The count shown above the table stops here: "10,000+ calls" is enough to know there are many. */
const COUNT_CAP = 10_000;
const MAX_CHILDREN = 200;
const MAX_ERROR_GROUPS = 200;

export interface ApiContext {
  queries: TraceQueries;
  statistics: TraceStatistics;
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
    minDuration: params.get('minDuration'),
    maxDuration: params.get('maxDuration'),
    value: params.get('value'),
    where: params.getAll('where').filter(term => term.trim() !== ''),
  });
}

export function listFunctions({ queries }: ApiContext) {
  return { functions: queries.functions(true) };
}

export function listCalls({ queries }: ApiContext, params: URLSearchParams) {
  const filter = filterFrom(queries, params);
  const limit = readInteger(params.get('limit'), 'limit', DEFAULT_PAGE, 1, MAX_PAGE);
  const after = params.get('after');
  const page = queries.callPage(filter, limit, after ? decodeCursor(after) : undefined, readOrder(params.get('sort')));
  return {
    calls: page.calls.map(listedCall),
    next: page.next && encodeCursor(page.next),
    // A first page with no next page holds every match: counting them again would scan as far as the page did.
    total: !after && !page.next ? { count: page.calls.length, capped: false } : queries.countCalls(filter, COUNT_CAP),
    serverTimeUs: Date.now() * 1000,
  };
}

/** A call as lists show it: the stack is left for the call's own page. */
export function listedCall({ errorStack: _stack, errorDetail: _detail, ...call }: CallWithValues) {
  return call;
}

export function callDetail({ queries, sourceRoot }: ApiContext, id: string) {
  const call = /^\d+$/.test(id) ? queries.callWithValues(Number(id)) : undefined;
  if (!call) return undefined;
  const fn = queries.functionById(call.functionId);
  const parent = call.parent === null ? undefined : queries.call(call.parent);
  return {
    // Parsed, as the error groups give it: the page shows its fields and cause chain.
    call: { ...call, errorDetail: call.errorDetail === null ? null : parseValue(call.errorDetail) },
    function: fn,
    parent: parent ? summary(parent) : null,
    children: queries.children(call, MAX_CHILDREN + 1).map(summary),
    childrenLimit: MAX_CHILDREN,
    source: fn
      ? readFunctionSource(sourceRoot, { file: fn.file, line: fn.line, column: fn.column, errorStack: call.errorStack })
      : null,
  };
}

/** The jump box: where the dashboard goes for a call id, span id, trace id or function name. */
export function jump({ queries }: ApiContext, params: URLSearchParams) {
  const ref = params.get('q') ?? '';
  const found = queries.find(ref);
  if (!found) return undefined;
  const href =
    found.kind === 'call'
      ? `#/call/${found.id}`
      : found.kind === 'trace'
        ? `#/trace/${found.traceId}`
        : `#/calls?fn=${encodeURIComponent(found.name)}`;
  return { ...found, href };
}

/**
 * The Errors page: error groups (error-groups.ts), each with its latest call's inputs and error detail;
 * `expected` names error types to count as expected besides those stored as such.
 */
export function errorList({ queries }: ApiContext, params: URLSearchParams) {
  const since = params.get('since');
  const fn = params.get('fn');
  const { groups, truncated } = errorGroups(
    queries.db,
    since ? parseSince(since) : undefined,
    fn ? queries.resolveFunction(fn) : undefined,
    readExpected(params.get('expected')),
  );
  return {
    groups: groups.slice(0, MAX_ERROR_GROUPS).map(group => ({
      ...group,
      latestInputs: (queries.callWithValues(group.latest.callId)?.values ?? []).filter(
        value => value.direction === 'INPUT',
      ),
    })),
    more: Math.max(0, groups.length - MAX_ERROR_GROUPS),
    truncated,
  };
}

export function traceDetail({ queries }: ApiContext, ref: string) {
  const trace = queries.trace(ref);
  if (!trace) return undefined;
  // Each row says what its call was asked: four db.query rows differ by their SQL.
  const args = new Map(
    queries.withValues(trace.calls, 'INPUT').map(call => [call.id, formatArguments(call.values, ARGS_CHARS)]),
  );
  return {
    traceId: trace.traceId,
    truncated: trace.truncated,
    calls: trace.calls.map(call => ({
      ...summary(call),
      args: args.get(call.id) ?? '',
      owner: ownerOf(queries.functionById(call.functionId)),
    })),
  };
}

/**
 * What a trace row is coloured by: the function's group, and its class for a method (`src/payments.Ledger` for
 * `Ledger.add`), so that a class's methods stand apart from the functions beside them.
 */
function ownerOf(fn: FunctionInfo | undefined): string {
  if (!fn) return '';
  const dot = fn.name.lastIndexOf('.');
  return dot < 0 ? fn.groupName : `${fn.groupName}.${fn.name.slice(0, dot)}`;
}

/** The Functions page's table: per-function figures, and how recording went (drops, ring use) in the range. */
export function functionStats({ statistics }: ApiContext, params: URLSearchParams) {
  const { sinceUs, untilUs } = timeBounds(params);
  return {
    stats: statistics.functionStats(sinceUs, untilUs, readExpected(params.get('expected'))),
    recording: statistics.recordingHealth(sinceUs),
    serverTimeUs: Date.now() * 1000,
  };
}

/**
 * Calls and errors over time for all functions and, for the one named by `fn`, its calls, errors and
 * p50/p95/p99 latency on the same time axis: both charts of the Functions page from one request.
 */
export function timeSeries({ queries, statistics }: ApiContext, params: URLSearchParams) {
  const fn = params.get('fn');
  const functionIds = fn ? queries.resolveFunction(fn) : undefined;
  const buckets = readInteger(params.get('buckets'), 'buckets', 60, 2, 500);
  const { sinceUs, untilUs } = timeBounds(params);
  const range = statistics.timeRange(sinceUs, untilUs);
  const expected = readExpected(params.get('expected'));
  return {
    buckets: range ? statistics.callCounts(range, buckets, undefined, expected) : [],
    latency: range && functionIds ? statistics.latency(range, buckets, functionIds, expected) : [],
  };
}

/** `since` and `until`: a duration back from now or an ISO 8601 time each, both optional. */
function timeBounds(params: URLSearchParams): { sinceUs?: number; untilUs?: number } {
  const since = params.get('since');
  const until = params.get('until');
  return { sinceUs: since ? parseSince(since) : undefined, untilUs: until ? parseSince(until) : undefined };
}

function encodeCursor(cursor: Cursor): string {
  return `${cursor.key}.${cursor.id}`;
}

function decodeCursor(text: string): Cursor {
  const match = /^(\d+)\.(\d+)$/.exec(text);
  if (!match) throw new UsageError(`bad page cursor ${JSON.stringify(text)}`);
  return { key: Number(match[1]), id: Number(match[2]) };
}

/** What the trace timeline and the parent/children lists need of a call. */
function summary(call: Call) {
  const { id, process, spanId, parentSpanId, depth, startUs, durationUs, status, errorType, errorMessage } = call;
  return { id, process, spanId, parentSpanId, depth, startUs, durationUs, status, errorType, errorMessage };
}

/** The most characters of a trace row's arguments (`sql="SELECT …", params=[3]`). */
const ARGS_CHARS = 120;

/** Calls per query while exporting. */
const EXPORT_PAGE = 1000;

/**
 * The calls table under the current filter as CSV chunks, newest first, all of them. It is read page by page
 * by keyset, and the server writes each page only once the client has taken the last (backpressure), so memory
 * stays flat and other requests are answered in between however large the export.
 */
export function* exportCsv({ queries }: ApiContext, params: URLSearchParams): Generator<string> {
  const filter = filterFrom(queries, params);
  const order = readOrder(params.get('sort'));
  yield formatCsv([CSV_HEADERS]);
  let after: Cursor | null = null;
  do {
    const page = queries.callPage(filter, EXPORT_PAGE, after ?? undefined, order);
    yield formatCsv(csvRecords(page.calls));
    after = page.next;
  } while (after);
}
