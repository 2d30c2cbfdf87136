/**
 * Every question the viewer asks the trace database, as parameterized SQL.
 *
 * Lists page by keyset (`start_us`, `id`) rather than OFFSET, so the thousandth page of a million-call file
 * costs what the first one does; counts stop at a cap for the same reason. Functions are few, so names are
 * resolved to ids up front and the big tables are only ever filtered by indexed integer columns.
 */
import type { Connection } from './database';
import { UsageError } from './errors';

export interface FunctionInfo {
  id: number;
  group: string;
  name: string;
  /** `<group>.<name>`, the `process` column of the views. */
  process: string;
  file: string;
  line: number;
  column: number;
  kind: string;
  params: { name: string; type: string }[];
  returnType: string;
}

export type Status = 'OK' | 'ERR';
export type Direction = 'INPUT' | 'OUTPUT';

export interface CallFilter {
  functionIds?: number[];
  status?: Status;
  /** Only calls that recorded at least one value in this direction, and only those values. */
  direction?: Direction;
  sinceUs?: number;
  untilUs?: number;
}

/** Where a page ends: the next page holds calls strictly older than this one. */
export interface Cursor {
  startUs: number;
  id: number;
}

export interface Call {
  id: number;
  functionId: number;
  process: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  depth: number;
  startUs: number;
  durationUs: number;
  status: Status;
  errorType: string | null;
  errorMessage: string | null;
  errorStack: string | null;
  pid: number;
  threadId: number;
}

export interface Value {
  callId: number;
  name: string;
  direction: Direction;
  position: number;
  declaredType: string;
  /** The stored JSON text, unparsed: readers decide how much of it to show. */
  valueJson: string;
}

export interface CallWithValues extends Call {
  values: Value[];
}

export interface FunctionStats {
  functionId: number;
  process: string;
  calls: number;
  errors: number;
  errorRate: number;
  p50Us: number;
  p95Us: number;
  p99Us: number;
  maxUs: number;
  lastSeenUs: number;
}

export interface TimeBucket {
  startUs: number;
  calls: number;
  errors: number;
  p50Us: number | null;
  p95Us: number | null;
  p99Us: number | null;
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

const CALL_COLUMNS = `
  c.id, c.function_id AS functionId, f.group_name || '.' || f.name AS process, c.trace_id AS traceId,
  c.span_id AS spanId, c.parent_span_id AS parentSpanId, c.depth, c.start_us AS startUs,
  c.duration_us AS durationUs, c.status, c.error_type AS errorType, c.error_message AS errorMessage,
  c.error_stack AS errorStack, c.pid, c.thread_id AS threadId`;

const VALUE_COLUMNS = `
  call_id AS callId, name, direction, position, declared_type AS declaredType, value_json AS valueJson`;

/** The most calls one trace view reads; a runaway recursion must not take the dashboard down with it. */
const TRACE_CALL_LIMIT = 5000;

export class TraceQueries {
  private functionsById: Map<number, FunctionInfo> | undefined;

  constructor(readonly db: Connection) {}

  /** Every instrumented function, by process name. Re-read on demand because a running program adds more. */
  functions(refresh = false): FunctionInfo[] {
    if (!this.functionsById || refresh) {
      const rows = this.db
        .prepare(
          `SELECT id, group_name AS "group", name, group_name || '.' || name AS process, file, line, "column",
                  kind, params_json AS paramsJson, return_type AS returnType
             FROM functions ORDER BY process, id`,
        )
        .all() as (Omit<FunctionInfo, 'params'> & { paramsJson: string })[];
      this.functionsById = new Map(
        rows.map(({ paramsJson, ...row }) => [row.id, { ...row, params: JSON.parse(paramsJson) as FunctionInfo['params'] }]),
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
   * name (`divmod`, `Portfolio.add`), or its group. Unknown names are an error rather than an empty result, so a
   * typo is not mistaken for "never called".
   */
  resolveFunction(name: string): number[] {
    const matches = (all: FunctionInfo[]) =>
      all.filter(fn => fn.process === name || fn.name === name || fn.group === name).map(fn => fn.id);
    const ids = matches(this.functions());
    if (ids.length > 0) return ids;
    const fresh = matches(this.functions(true));
    if (fresh.length > 0) return fresh;
    throw new UsageError(`unknown function ${JSON.stringify(name)} (known: ${this.functions().map(fn => fn.process).join(', ') || 'none'})`);
  }

  /** One page of calls, newest first, with their values. */
  callPage(filter: CallFilter, limit: number, after?: Cursor): { calls: CallWithValues[]; next: Cursor | null } {
    const where = filterClause(filter);
    if (after) {
      where.sql.push('(c.start_us, c.id) < (?, ?)');
      where.params.push(after.startUs, after.id);
    }
    const calls = this.db
      .prepare(
        `SELECT ${CALL_COLUMNS} FROM calls c JOIN functions f ON f.id = c.function_id
          ${whereSql(where.sql)} ORDER BY c.start_us DESC, c.id DESC LIMIT ?`,
      )
      .all(...where.params, limit + 1) as Call[];
    const more = calls.length > limit;
    const page = more ? calls.slice(0, limit) : calls;
    const last = page[page.length - 1];
    return {
      calls: this.attachValues(page, filter.direction),
      next: more && last ? { startUs: last.startUs, id: last.id } : null,
    };
  }

  /** How many calls match, counting at most `cap` so that a count never scans a million rows. */
  countCalls(filter: CallFilter, cap: number): { count: number; capped: boolean } {
    const where = filterClause(filter);
    const { count } = this.db
      .prepare(`SELECT count(*) AS count FROM (SELECT 1 FROM calls c ${whereSql(where.sql)} LIMIT ?)`)
      .get(...where.params, cap + 1) as { count: number };
    return { count: Math.min(count, cap), capped: count > cap };
  }

  call(id: number): CallWithValues | undefined {
    const call = this.db
      .prepare(`SELECT ${CALL_COLUMNS} FROM calls c JOIN functions f ON f.id = c.function_id WHERE c.id = ?`)
      .get(id) as Call | undefined;
    return call && this.attachValues([call])[0];
  }

  callBySpan(spanId: string): Call | undefined {
    return this.db
      .prepare(`SELECT ${CALL_COLUMNS} FROM calls c JOIN functions f ON f.id = c.function_id WHERE c.span_id = ?`)
      .get(spanId) as Call | undefined;
  }

  children(spanId: string, limit: number): Call[] {
    return this.db
      .prepare(
        `SELECT ${CALL_COLUMNS} FROM calls c JOIN functions f ON f.id = c.function_id
          WHERE c.parent_span_id = ? ORDER BY c.start_us, c.id LIMIT ?`,
      )
      .all(spanId, limit) as Call[];
  }

  /**
   * The call tree containing `ref`: a calls.id (digits), a span_id (16 hex digits) or a trace_id (32 hex
   * digits). Undefined when nothing matches.
   */
  trace(ref: string): Trace | undefined {
    const traceId = this.resolveTraceId(ref.trim());
    if (traceId === undefined) return undefined;
    const rows = this.db
      .prepare(
        `SELECT ${CALL_COLUMNS} FROM calls c JOIN functions f ON f.id = c.function_id
          WHERE c.trace_id = ? ORDER BY c.start_us, c.id LIMIT ?`,
      )
      .all(traceId, TRACE_CALL_LIMIT + 1) as Call[];
    if (rows.length === 0) return undefined;
    const truncated = rows.length > TRACE_CALL_LIMIT;
    const calls = truncated ? rows.slice(0, TRACE_CALL_LIMIT) : rows;
    return { traceId, calls, roots: buildTree(calls), truncated };
  }

  private resolveTraceId(ref: string): string | undefined {
    if (/^\d+$/.test(ref)) {
      return (this.db.prepare('SELECT trace_id AS t FROM calls WHERE id = ?').get(Number(ref)) as { t: string } | undefined)?.t;
    }
    const hex = ref.toLowerCase();
    if (/^[0-9a-f]{16}$/.test(hex)) {
      return (this.db.prepare('SELECT trace_id AS t FROM calls WHERE span_id = ?').get(hex) as { t: string } | undefined)?.t;
    }
    if (/^[0-9a-f]{32}$/.test(hex)) return hex;
    throw new UsageError(`${JSON.stringify(ref)} is not a call id, a span id (16 hex digits) or a trace id (32 hex digits)`);
  }

  /** Per-function counts and exact latency percentiles (SQLite's interpolating `percentile`), busiest first. */
  stats(sinceUs?: number, untilUs?: number): FunctionStats[] {
    const where = filterClause({ sinceUs, untilUs });
    const rows = this.db
      .prepare(
        `SELECT c.function_id AS functionId, count(*) AS calls, sum(c.status = 'ERR') AS errors,
                percentile(c.duration_us, 50) AS p50Us, percentile(c.duration_us, 95) AS p95Us,
                percentile(c.duration_us, 99) AS p99Us, max(c.duration_us) AS maxUs, max(c.start_us) AS lastSeenUs
           FROM calls c ${whereSql(where.sql)} GROUP BY c.function_id`,
      )
      .all(...where.params) as Omit<FunctionStats, 'process' | 'errorRate'>[];
    return rows
      .map(row => ({
        ...row,
        process: this.functionById(row.functionId)?.process ?? `#${row.functionId}`,
        errorRate: row.errors / row.calls,
      }))
      .sort((a, b) => b.calls - a.calls || a.process.localeCompare(b.process));
  }

  /** Recent failures, newest first, with their stacks. */
  errors(limit: number, sinceUs?: number, functionIds?: number[]): Call[] {
    const where = filterClause({ status: 'ERR', sinceUs, functionIds });
    return this.db
      .prepare(
        `SELECT ${CALL_COLUMNS} FROM calls c JOIN functions f ON f.id = c.function_id
          ${whereSql(where.sql)} ORDER BY c.start_us DESC, c.id DESC LIMIT ?`,
      )
      .all(...where.params, limit) as Call[];
  }

  /** First and last call times, or undefined for a database without calls. */
  timeRange(functionIds?: number[]): { fromUs: number; toUs: number } | undefined {
    const where = filterClause({ functionIds });
    const row = this.db
      .prepare(`SELECT min(c.start_us) AS fromUs, max(c.start_us) AS toUs FROM calls c ${whereSql(where.sql)}`)
      .get(...where.params) as { fromUs: number | null; toUs: number | null };
    return row.fromUs === null || row.toUs === null ? undefined : { fromUs: row.fromUs, toUs: row.toUs };
  }

  /**
   * Calls, errors and latency percentiles in `buckets` equal slices of [fromUs, toUs]; empty slices are
   * included so charts keep a true time axis.
   */
  timeSeries(fromUs: number, toUs: number, buckets: number, functionIds?: number[], latency = true): TimeBucket[] {
    const width = Math.max(1, Math.ceil((toUs - fromUs + 1) / buckets));
    const where = filterClause({ functionIds, sinceUs: fromUs, untilUs: fromUs + width * buckets });
    // Percentiles sort every duration in the range; counts alone are one cheap pass, so they are optional.
    const percentiles = latency
      ? `percentile(c.duration_us, 50) AS p50Us, percentile(c.duration_us, 95) AS p95Us, percentile(c.duration_us, 99) AS p99Us`
      : 'NULL AS p50Us, NULL AS p95Us, NULL AS p99Us';
    const rows = this.db
      .prepare(
        `SELECT CAST((c.start_us - ?) / ? AS INTEGER) AS bucket, count(*) AS calls, sum(c.status = 'ERR') AS errors,
                ${percentiles}
           FROM calls c ${whereSql(where.sql)} GROUP BY bucket`,
      )
      .all(fromUs, width, ...where.params) as (Omit<TimeBucket, 'startUs'> & { bucket: number })[];
    const byBucket = new Map(rows.map(row => [row.bucket, row]));
    return Array.from({ length: buckets }, (_, index) => {
      const row = byBucket.get(index);
      return {
        startUs: fromUs + index * width,
        calls: row?.calls ?? 0,
        errors: row?.errors ?? 0,
        p50Us: row?.p50Us ?? null,
        p95Us: row?.p95Us ?? null,
        p99Us: row?.p99Us ?? null,
      };
    });
  }

  private attachValues(calls: Call[], direction?: Direction): CallWithValues[] {
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

interface Where {
  sql: string[];
  params: (string | number)[];
}

/** The WHERE terms for a filter, on the `calls c` alias, every value a bound parameter. */
function filterClause(filter: CallFilter): Where {
  const where: Where = { sql: [], params: [] };
  const ids = filter.functionIds;
  if (ids?.length === 1) {
    // A single id as `=` lets SQLite walk calls_by_function_time in time order instead of sorting.
    where.sql.push('c.function_id = ?');
    where.params.push(ids[0]!);
  } else if (ids) {
    where.sql.push('c.function_id IN (SELECT value FROM json_each(?))');
    where.params.push(JSON.stringify(ids));
  }
  if (filter.status) {
    where.sql.push('c.status = ?');
    where.params.push(filter.status);
  }
  if (filter.sinceUs !== undefined) {
    where.sql.push('c.start_us >= ?');
    where.params.push(filter.sinceUs);
  }
  if (filter.untilUs !== undefined) {
    where.sql.push('c.start_us < ?');
    where.params.push(filter.untilUs);
  }
  if (filter.direction) {
    where.sql.push('EXISTS (SELECT 1 FROM call_values v WHERE v.call_id = c.id AND v.direction = ?)');
    where.params.push(filter.direction);
  }
  return where;
}

function whereSql(terms: string[]): string {
  return terms.length === 0 ? '' : `WHERE ${terms.join(' AND ')}`;
}

/** Links calls by parent span; a call whose parent was not recorded (sampled out, lost) becomes a root. */
function buildTree(calls: Call[]): TraceNode[] {
  const nodes = new Map(calls.map(call => [call.spanId, { ...call, children: [] as TraceNode[] }]));
  const roots: TraceNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentSpanId === null ? undefined : nodes.get(node.parentSpanId);
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}
