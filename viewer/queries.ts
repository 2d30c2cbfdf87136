/**
 * The viewer's questions about functions, calls and traces, as parameterized SQL; the aggregate questions
 * (statistics, time series, drops) are in statistics.ts.
 *
 * Lists page by keyset (`start_us`, `id`) rather than OFFSET, so the thousandth page of a million-call file
 * costs what the first one does; counts stop at a cap for the same reason. Functions are few, so names are
 * resolved to ids up front and the big tables are only ever filtered by indexed integer columns.
 */
import {
  PROCESS_NAME_SQL,
  traceCallsSql,
  type CallValueRow,
  type FunctionRow,
  type SpanRow,
  type StoredOutput,
  type StoredParam,
  type ValueDirection,
} from '../runtime/schema';
import type { Connection } from './database';
import { UsageError } from './errors';
import { storesErrorDetail } from './expected-errors';
import type { CamelCased } from './rows';
import { acrossFunctions, newestCallIds, type TimeScope } from './time-order';
import { type CallFilter, filterClause, type Where, whereSql } from './where';

export type { CallFilter };

export interface FunctionInfo extends Omit<CamelCased<FunctionRow>, 'paramsJson' | 'outputsJson' | 'firstSeenUs'> {
  /** `<group>.<name>`, the `process` column of the views. */
  process: string;
  params: StoredParam[];
  outputs: StoredOutput[];
}

/** A call, a trace or functions, as the jump box found them (TraceQueries.find). */
export type Found =
  { kind: 'call'; id: number } | { kind: 'trace'; traceId: string } | { kind: 'function'; name: string };

/** How a list of calls is ordered: newest first, or slowest first. */
export const CALL_ORDERS = ['time', 'duration'] as const;
export type CallOrder = (typeof CALL_ORDERS)[number];

type OrderColumn = 'start_us' | 'duration_ns';

/** The column each order sorts by, descending, with calls.id breaking ties. */
const ORDER_COLUMNS: Record<CallOrder, { column: OrderColumn; field: 'startUs' | 'durationNs' }> = {
  time: { column: 'start_us', field: 'startUs' },
  duration: { column: 'duration_ns', field: 'durationNs' },
};

/** Where a page ends: the next page holds the calls after this one in the list's order (`key` is its column). */
export interface Cursor {
  key: number;
  id: number;
}

/** A call as the `spans` view shows it, with hex ids and its recording instance; its values are read apart. */
export interface Call extends Omit<CamelCased<SpanRow>, 'inputs' | 'outputs'> {
  process: string;
}

/**
 * One recorded variable, a row of the `call_values` view; `valueJson` is the stored JSON text, unparsed: readers
 * decide how much to show.
 */
export type Value = CamelCased<CallValueRow>;

export interface CallWithValues extends Call {
  values: Value[];
}

export interface TraceNode extends Call {
  children: TraceNode[];
}

export interface Trace {
  traceId: string;
  calls: Call[];
  roots: TraceNode[];
  /** True when the trace has more calls than were read. */
  truncated: boolean;
}

/** Selected from `spans c JOIN functions f` (CALLS_FROM). */
const CALL_COLUMNS = `
  c.id, c.function_id AS functionId, ${PROCESS_NAME_SQL} AS process, c.trace, c.parent, c.trace_id AS traceId,
  c.span_id AS spanId, c.parent_span_id AS parentSpanId, c.depth, c.start_us AS startUs, c.duration_ns AS durationNs,
  c.duration_us AS durationUs, c.status, c.error_type AS errorType, c.error_message AS errorMessage,
  c.error_stack AS errorStack, c.process_id AS processId, c.pid, c.thread_id AS threadId`;

const CALLS_FROM = 'spans c JOIN functions f ON f.id = c.function_id';

const VALUE_COLUMNS = `
  call_id AS callId, name, direction, position, declared_type AS declaredType, value_json AS valueJson`;

/** How many of the newest calls a search by value walks in time order before it scans the table (searchIds). */
const SEARCH_WINDOW = 20_000;

/** The most calls one trace view reads; a runaway recursion must not take the dashboard down with it. */
const TRACE_CALL_LIMIT = 5000;

export class TraceQueries {
  private functionsById: Map<number, FunctionInfo> | undefined;
  /** CALL_COLUMNS, and the error's detail and expectedness, which files older than schema 5 do not have. */
  private readonly callColumns: string;

  constructor(readonly db: Connection) {
    this.callColumns = storesErrorDetail(db)
      ? `${CALL_COLUMNS}, c.error_detail AS errorDetail, c.error_expected AS errorExpected`
      : `${CALL_COLUMNS}, NULL AS errorDetail, 0 AS errorExpected`;
  }

  /** Every instrumented function, by process name. Re-read on demand because a running program adds more. */
  functions(refresh = false): FunctionInfo[] {
    if (!this.functionsById || refresh) {
      const rows = this.db
        .prepare(
          `SELECT f.id, f.group_name AS groupName, f.name, ${PROCESS_NAME_SQL} AS process, f.file, f.line, f."column",
                  f.kind, f.params_json AS paramsJson, f.outputs_json AS outputsJson, f.result_type AS resultType,
                  f.return_type AS returnType
             FROM functions f ORDER BY process, f.id`,
        )
        .all() as (Omit<FunctionInfo, 'params' | 'outputs'> & { paramsJson: string; outputsJson: string })[];
      this.functionsById = new Map(
        rows.map(({ paramsJson, outputsJson, ...row }) => [
          row.id,
          {
            ...row,
            params: JSON.parse(paramsJson) as StoredParam[],
            outputs: JSON.parse(outputsJson) as StoredOutput[],
          },
        ]),
      );
    }
    return [...this.functionsById.values()];
  }

  functionById(id: number): FunctionInfo | undefined {
    if (!this.functionsById?.has(id)) this.functions(true);
    return this.functionsById!.get(id);
  }

  /**
   * Ids of the functions a user means by `name`: the process name (`src/pricing.divmod`), the function's own
   * name (`divmod`, `Portfolio.add`), its group, `#12` for functions.id 12, or a method's name without its class
   * (`remove` for `Inventory.remove`) when that names one method only; several are an error that lists them.
   * Unknown names are an error rather than an empty result, so a typo is not mistaken for "never called".
   */
  resolveFunction(name: string): number[] {
    const ids = this.matchFunctions(name);
    if (ids.length > 0) return ids;
    throw new UsageError(
      `unknown function ${JSON.stringify(name)} (known: ${
        this.functions()
          .map(fn => fn.process)
          .join(', ') || 'none'
      })`,
    );
  }

  /** resolveFunction's ids, empty for a name no function has. */
  private matchFunctions(name: string): number[] {
    const id = /^#(\d+)$/.exec(name);
    const exact = (fn: FunctionInfo) =>
      id ? fn.id === Number(id[1]) : fn.process === name || fn.name === name || fn.groupName === name;
    const method = (fn: FunctionInfo) => fn.name.endsWith(`.${name}`);
    for (const refresh of [false, true]) {
      const all = this.functions(refresh);
      const ids = all.filter(exact).map(fn => fn.id);
      if (ids.length > 0) return ids;
      const methods = all.filter(method);
      if (methods.length === 1) return [methods[0]!.id];
      if (methods.length > 1) {
        throw new UsageError(
          `${JSON.stringify(name)} names ${methods.length} methods: ${methods.map(fn => fn.process).join(', ')}; give one of them`,
        );
      }
    }
    return [];
  }

  /**
   * What the dashboard's jump box means by `ref`: a call (by calls.id or span id), a trace (by trace id) or
   * functions (by any name resolveFunction takes). Undefined when nothing by that name was recorded.
   */
  find(ref: string): Found | undefined {
    const text = ref.trim();
    const hex = text.toLowerCase();
    if (/^[0-9a-f]{32}$/.test(hex)) {
      const trace = idFromHex(hex.slice(16));
      const found =
        trace !== undefined &&
        this.db
          .prepare(`SELECT 1 FROM spans c WHERE ${traceCallsSql('c', '?')} AND c.trace_id = ? LIMIT 1`)
          .get(trace, trace, hex);
      return found ? { kind: 'trace', traceId: hex } : undefined;
    }
    const id = /^[0-9a-f]{16}$/.test(hex) ? idFromHex(hex) : /^\d+$/.test(text) ? Number(text) : null;
    if (id !== null) return id !== undefined && this.call(id) ? { kind: 'call', id } : undefined;
    return text !== '' && this.matchFunctions(text).length > 0 ? { kind: 'function', name: text } : undefined;
  }

  /** One page of calls, newest (or slowest) first, with their values. */
  callPage(
    filter: CallFilter,
    limit: number,
    after?: Cursor,
    order: CallOrder = 'time',
  ): { calls: CallWithValues[]; next: Cursor | null } {
    const where = filterClause(filter);
    const { column, field } = ORDER_COLUMNS[order];
    const cursor: Where = after
      ? { sql: [`(c.${column}, c.id) < (?, ?)`], params: [after.key, after.id] }
      : { sql: [], params: [] };
    where.sql.push(...cursor.sql);
    where.params.push(...cursor.params);
    // Where the page's calls can be: the filter's functions and times, and before a cursor in time.
    const scope: TimeScope = {
      functionIds: filter.functionIds,
      sinceUs: filter.sinceUs,
      untilUs: order === 'time' && after ? Math.min(after.key, filter.untilUs ?? after.key) : filter.untilUs,
    };
    const ids =
      filter.value || filter.where?.length
        ? this.searchIds(where, cursor, order, limit + 1, scope)
        : order === 'time'
          ? newestCallIds(this.db, where, limit + 1, scope)
          : this.slowestIds(acrossFunctions(where, filter), limit + 1);
    const calls = this.callsByIds(ids, column);
    const more = calls.length > limit;
    const page = more ? calls.slice(0, limit) : calls;
    const last = page[page.length - 1];
    return {
      calls: this.withValues(page, filter.direction),
      next: more && last ? { key: last[field], id: last.id } : null,
    };
  }

  /** The calls `ids`, in a list's order: by `column`, descending, ties by id. */
  private callsByIds(ids: number[], column: OrderColumn): Call[] {
    return this.db
      .prepare(
        `SELECT ${this.callColumns} FROM ${CALLS_FROM} WHERE c.id IN (SELECT value FROM json_each(?))
          ORDER BY c.${column} DESC, c.id DESC`,
      )
      .all(JSON.stringify(ids)) as Call[];
  }

  /**
   * The ids of the calls `where` matches, slowest first, ties by id: a sort of them all, as no index holds
   * durations first. Ids first, rows after: SQLite sorts the whole rows otherwise, and reads them in the order
   * of the index it picks for the functions' join, which is not the table's.
   */
  private slowestIds(where: Where, count: number): number[] {
    return this.db
      .prepare(`SELECT c.id FROM calls c ${whereSql(where.sql)} ORDER BY c.duration_ns DESC, c.id DESC LIMIT ?`)
      .pluck()
      .all(...where.params, count) as number[];
  }

  /**
   * The ids of the first `count` calls a search by value matches, in the list's order (`cursor` is the part of
   * `where` that says where the page starts).
   *
   * A search reads the JSON of every row it examines. Walked in time order, those reads jump about the file:
   * about twice the cost of a scan in table order when few calls match (bench/viewer's search-plans.mjs). But a
   * value that many calls hold fills a page within the newest rows, where the walk in time order stops at once
   * and a scan would read everything. So the newest SEARCH_WINDOW calls of the filter's functions and times are
   * searched in time order first, and only a page they do not fill scans the table, where `+` keeps SQLite
   * from walking an index for the ORDER BY, and sorts what matched.
   */
  private searchIds(where: Where, cursor: Where, order: CallOrder, count: number, scope: TimeScope): number[] {
    if (order === 'time') {
      const bounds = filterClause(scope);
      const window = newestCallIds(
        this.db,
        { sql: [...bounds.sql, ...cursor.sql], params: [...bounds.params, ...cursor.params] },
        SEARCH_WINDOW + 1,
        scope,
      );
      if (window.length > SEARCH_WINDOW) {
        const boundary = this.db
          .prepare('SELECT start_us FROM calls WHERE id = ?')
          .pluck()
          .get(window.at(-1)) as number;
        const newest = newestCallIds(
          this.db,
          { sql: [...where.sql, 'c.start_us >= ?'], params: [...where.params, boundary] },
          count,
          { ...scope, sinceUs: Math.max(boundary, scope.sinceUs ?? boundary) },
        );
        // Every call the window left out is older than all it holds, so a full window is the page.
        if (newest.length === count) return newest;
      }
    }
    const bounded = acrossFunctions(where, scope);
    return this.db
      .prepare(
        `SELECT c.id FROM calls c ${whereSql(bounded.sql)} ORDER BY +c.${ORDER_COLUMNS[order].column} DESC, c.id DESC LIMIT ?`,
      )
      .pluck()
      .all(...bounded.params, count) as number[];
  }

  /**
   * Those of the calls `ids` that `filter` matches, oldest first, with their values: the newest `limit` of them,
   * and how many matched in all. What a tail shows of the calls that just arrived.
   */
  callsAmong(ids: number[], filter: CallFilter, limit = Infinity): { calls: CallWithValues[]; count: number } {
    if (ids.length === 0) return { calls: [], count: 0 };
    const where = filterClause(filter);
    const matching = this.db
      .prepare(
        `SELECT c.id FROM calls c ${whereSql(['c.id IN (SELECT value FROM json_each(?))', ...where.sql])}
          ORDER BY c.start_us, c.id`,
      )
      .pluck()
      .all(JSON.stringify(ids), ...where.params) as number[];
    const shown = matching.slice(Math.max(0, matching.length - limit));
    const calls = this.db
      .prepare(
        `SELECT ${CALL_COLUMNS} FROM ${CALLS_FROM} WHERE c.id IN (SELECT value FROM json_each(?)) ORDER BY c.start_us, c.id`,
      )
      .all(JSON.stringify(shown)) as Call[];
    return { calls: this.withValues(calls, filter.direction), count: matching.length };
  }

  /** How many calls match, counting at most `cap` so that a count never scans a million rows. */
  countCalls(filter: CallFilter, cap: number): { count: number; capped: boolean } {
    const where = acrossFunctions(filterClause(filter), filter);
    const { count } = this.db
      .prepare(`SELECT count(*) AS count FROM (SELECT 1 FROM calls c ${whereSql(where.sql)} LIMIT ?)`)
      .get(...where.params, cap + 1) as { count: number };
    return { count: Math.min(count, cap), capped: count > cap };
  }

  call(id: number): Call | undefined {
    return this.db.prepare(`SELECT ${this.callColumns} FROM ${CALLS_FROM} WHERE c.id = ?`).get(id) as Call | undefined;
  }

  callWithValues(id: number): CallWithValues | undefined {
    const call = this.call(id);
    return call && this.withValues([call])[0];
  }

  /** The calls `parent` made; they share its trace, which is what lets calls_by_trace find them. */
  children(parent: Call, limit: number): Call[] {
    return this.db
      .prepare(
        `SELECT ${this.callColumns} FROM ${CALLS_FROM} WHERE c.trace = ? AND c.parent = ? ORDER BY c.start_us, c.id LIMIT ?`,
      )
      .all(parent.trace, parent.id, limit) as Call[];
  }

  /**
   * The call tree containing `ref`: a trace_id (32 hex digits), a span_id (16 hex digits) or a calls.id
   * (decimal digits, as long as they are not 16 of them, which is a span id). The hex ids are read back into
   * the integers they print, so every lookup is by calls.id or calls.trace. Undefined when nothing matches.
   */
  trace(ref: string): Trace | undefined {
    const traceRef = this.resolveTrace(ref.trim().toLowerCase());
    if (traceRef === undefined) return undefined;
    const rows = this.db
      .prepare(
        `SELECT ${this.callColumns} FROM ${CALLS_FROM}
          WHERE ${traceCallsSql('c', '?')} ${traceRef.traceId ? 'AND c.trace_id = ?' : ''}
          ORDER BY c.start_us, c.id LIMIT ?`,
      )
      .all(
        traceRef.trace,
        traceRef.trace,
        ...(traceRef.traceId ? [traceRef.traceId] : []),
        TRACE_CALL_LIMIT + 1,
      ) as Call[];
    if (rows.length === 0) return undefined;
    const truncated = rows.length > TRACE_CALL_LIMIT;
    const calls = truncated ? rows.slice(0, TRACE_CALL_LIMIT) : rows;
    return { traceId: calls[0]!.traceId, calls, roots: buildTree(calls), truncated };
  }

  /** `calls.trace` of the tree `ref` names, with the whole trace id when that is what was given. */
  private resolveTrace(ref: string): { trace: number; traceId?: string } | undefined {
    if (/^[0-9a-f]{32}$/.test(ref)) {
      const trace = this.joinedTrace(ref) ?? idFromHex(ref.slice(16));
      return trace === undefined ? undefined : { trace, traceId: ref };
    }
    const id = /^[0-9a-f]{16}$/.test(ref) ? idFromHex(ref) : /^\d+$/.test(ref) ? Number(ref) : null;
    if (id === null) {
      throw new UsageError(
        `${JSON.stringify(ref)} is not a call id, a span id (16 hex digits) or a trace id (32 hex digits)`,
      );
    }
    const row =
      id === undefined
        ? undefined
        : (this.db.prepare('SELECT trace FROM calls WHERE id = ?').get(id) as { trace: number } | undefined);
    return row && { trace: row.trace };
  }

  /**
   * `calls.trace` of a trace that joined an OpenTelemetry trace with this id (schema version 4's
   * trace_links; older files have none): its id says nothing of `calls.trace`.
   */
  private joinedTrace(traceId: string): number | undefined {
    const linked =
      this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'trace_links'").get() !== undefined;
    if (!linked) return undefined;
    const row = this.db.prepare('SELECT trace FROM trace_links WHERE trace_id = ? LIMIT 1').get(traceId) as
      { trace: number } | undefined;
    return row?.trace;
  }

  /** Recent failures, newest first, with their stacks. */
  errors(limit: number, sinceUs?: number, functionIds?: number[]): Call[] {
    const ids = newestCallIds(this.db, filterClause({ status: 'ERR', sinceUs, functionIds }), limit, {
      functionIds,
      sinceUs,
    });
    return this.callsByIds(ids, 'start_us');
  }

  /** The calls with their recorded values (only those in `direction` when given), in the calls' order. */
  withValues(calls: Call[], direction?: ValueDirection): CallWithValues[] {
    if (calls.length === 0) return [];
    const rows = this.db
      .prepare(
        `SELECT ${VALUE_COLUMNS} FROM call_values
          WHERE call_id IN (SELECT value FROM json_each(?)) ${direction ? 'AND direction = ?' : ''}
          ORDER BY call_id, direction, position`,
      )
      .all(JSON.stringify(calls.map(call => call.id)), ...(direction ? [direction] : [])) as Value[];
    const byCall = new Map<number, Value[]>();
    for (const row of rows) {
      const list = byCall.get(row.callId);
      if (list) list.push(row);
      else byCall.set(row.callId, [row]);
    }
    return calls.map(call => ({ ...call, values: byCall.get(call.id) ?? [] }));
  }
}

/**
 * The integer a span id, or the low half of a trace id, prints; undefined past 2^53, where no call id can be
 * (ids are processes.id * 2^32 + a call number).
 */
function idFromHex(hex: string): number | undefined {
  const id = BigInt(`0x${hex}`);
  return id <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(id) : undefined;
}

/** Links calls by parent; a call whose parent was not recorded (dropped, or lost) becomes a root. */
function buildTree(calls: Call[]): TraceNode[] {
  const nodes = new Map(calls.map(call => [call.id, { ...call, children: [] as TraceNode[] }]));
  const roots: TraceNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parent === null ? undefined : nodes.get(node.parent);
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}
