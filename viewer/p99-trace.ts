/**
 * The report's slow request: of the root function called most often (the program's entry point or its request
 * handler), the fastest call at or above its 99th percentile, and that call's trace as a timeline of bars, in
 * HTML with no script, so that the report shows where a slow request spent its time, not only that it was slow.
 */
import { escapeHtml, formatArguments, formatDuration, formatTimestamp } from './format';
import type { TraceNode, TraceQueries } from './queries';
import type { FunctionStats } from './statistics';
import { acrossFunctions } from './time-order';
import { filterClause, whereSql } from './where';

/** Rows of the timeline; a trace with more says how many were left out. */
const MAX_ROWS = 200;
/** The most characters of a row's arguments. */
const ARGS_CHARS = 100;
/** Indentation per level of calls, in pixels. */
const INDENT_PX = 14;

/** The p99 call of the busiest root function in the range, or undefined when no root call was recorded. */
export function findP99Call(
  queries: TraceQueries,
  stats: FunctionStats[],
  sinceUs: number | undefined,
): { id: number; stats: FunctionStats } | undefined {
  const range = acrossFunctions(filterClause({ sinceUs }), { sinceUs });
  const root = queries.db
    .prepare(
      `SELECT c.function_id FROM calls c ${whereSql([...range.sql, 'c.parent IS NULL'])}
        GROUP BY c.function_id ORDER BY count(*) DESC, c.function_id LIMIT 1`,
    )
    .pluck()
    .get(...range.params) as number | undefined;
  const rootStats = stats.find(s => s.functionId === root);
  if (root === undefined || !rootStats || rootStats.p99Us === null) return undefined;
  // The percentile interpolates between calls: the call it falls on is the fastest that took at least as long.
  const where = filterClause({ sinceUs, functionIds: [root] });
  const id = queries.db
    .prepare(
      `SELECT c.id FROM calls c ${whereSql([...where.sql, 'c.parent IS NULL', 'c.duration_ns >= ?'])}
        ORDER BY c.duration_ns, c.id LIMIT 1`,
    )
    .pluck()
    .get(...where.params, rootStats.p99Us * 1000) as number | undefined;
  return id === undefined ? undefined : { id, stats: rootStats };
}

/** The report's section: which call it is, and its trace's calls as rows of bars on the call's own time. */
export function renderP99Trace(queries: TraceQueries, stats: FunctionStats[], sinceUs: number | undefined): string {
  const found = findP99Call(queries, stats, sinceUs);
  const trace = found && queries.trace(String(found.id));
  const root = trace?.roots.find(node => node.id === found!.id);
  if (!found || !trace || !root) return '<p class="empty">No root calls recorded.</p>';
  const rows = depthFirst(root);
  const args = new Map(
    queries
      .withValues(
        rows.slice(0, MAX_ROWS).map(row => row.node),
        'INPUT',
      )
      .map(call => [call.id, formatArguments(call.values, ARGS_CHARS)]),
  );
  const total = Math.max(1, root.durationUs);
  const percent = (us: number) => `${Math.min(100, Math.max(0, (us / total) * 100)).toFixed(2)}%`;
  const body = rows.slice(0, MAX_ROWS).map(({ node, level }) => {
    const self = node.durationUs - node.children.reduce((sum, child) => sum + child.durationUs, 0);
    const failed = node.status === 'ERR';
    return (
      `<tr${failed ? ' class="err"' : ''}><td class="proc" style="padding-left:${8 + level * INDENT_PX}px">${escapeHtml(node.process)}</td>` +
      `<td class="text">${escapeHtml(args.get(node.id) ?? '')}</td>` +
      `<td class="track"><div class="bar${failed ? ' err' : ''}" style="margin-left:${percent(node.startUs - root.startUs)};width:${percent(node.durationUs)}"></div></td>` +
      `<td>${formatDuration(node.durationUs)}</td><td>${formatDuration(Math.max(0, self))}</td></tr>`
    );
  });
  const more = rows.length - MAX_ROWS;
  return `<p class="meta">${escapeHtml(found.stats.process)}: p99 ${formatDuration(found.stats.p99Us)} over ${found.stats.calls} calls; this call took ${formatDuration(root.durationUs)}, started ${formatTimestamp(root.startUs)} UTC, call id ${root.id}, trace ${root.traceId}.</p>
<table id="p99-trace" data-call="${root.id}"><thead><tr><th>Call</th><th>Arguments</th><th class="track">0 to ${formatDuration(root.durationUs)}</th><th>Duration</th><th>Self</th></tr></thead>
<tbody>
${body.join('\n')}
</tbody></table>${more > 0 ? `\n<p class="meta">${more} more calls of this trace not shown.</p>` : ''}`;
}

/** The tree's calls in the order a timeline lists them, each with its depth; a loop, as a trace can be deep. */
function depthFirst(root: TraceNode): { node: TraceNode; level: number }[] {
  const ordered: { node: TraceNode; level: number }[] = [];
  const pending = [{ node: root, level: 0 }];
  while (pending.length > 0) {
    const item = pending.pop()!;
    ordered.push(item);
    for (let i = item.node.children.length - 1; i >= 0; i--)
      pending.push({ node: item.node.children[i]!, level: item.level + 1 });
  }
  return ordered;
}
