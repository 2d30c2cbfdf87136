/**
 * The self-contained HTML report: the per-function stats table, the top error groups, the slowest calls with
 * their arguments, the trace of a p99 call (p99-trace.ts), and hand-drawn SVG charts in one file, with no script and no external resource, so it can be
 * mailed, archived or attached to a CI run and still open.
 */
import { renderPercentileBars, renderTimeChart } from './charts';
import { errorDetailLines } from './error-detail';
import { errorGroups } from './error-groups';
import { escapeHtml, formatArguments, formatDuration, formatPercent, formatTimestamp, formatValue } from './format';
import { renderP99Trace } from './p99-trace';
import type { TraceQueries } from './queries';
import { dropWarning, ringNote, totalDropped } from './recording-notes';
import { FUNCTION_STATS_HEADERS, type TraceStatistics } from './statistics';

const BUCKETS = 60;
/** Rows of the top error groups and of the slowest calls. */
const TOP = 10;
/** The most characters of a call's arguments or result in those tables. */
const CELL_CHARS = 160;

export interface ReportOptions {
  databasePath: string;
  sinceUs?: number;
  /** When the report was made, microseconds since the epoch. */
  nowUs: number;
}

export function buildReport(statistics: TraceStatistics, queries: TraceQueries, options: ReportOptions): string {
  const stats = statistics.functionStats(options.sinceUs);
  const health = statistics.recordingHealth(options.sinceUs);
  const range = statistics.timeRange(options.sinceUs);
  const buckets = range ? statistics.callCounts(range, BUCKETS) : [];
  const totalCalls = stats.reduce((sum, s) => sum + s.calls, 0);
  const totalErrors = stats.reduce((sum, s) => sum + s.errors, 0);
  const totalExpected = stats.reduce((sum, s) => sum + s.expected, 0);

  const timeline =
    buckets.length === 0
      ? '<p class="empty">No calls recorded.</p>'
      : renderTimeChart({
          times: buckets.map(b => b.startUs),
          series: [
            { name: 'calls', color: '#93c5fd', kind: 'bar', values: buckets.map(b => b.calls) },
            { name: 'errors', color: '#dc2626', kind: 'bar', values: buckets.map(b => b.errors) },
          ],
          unit: 'count',
          width: 960,
          height: 260,
          utc: true,
        });
  // A function whose every call was dropped has no latency to draw.
  const recorded = stats.filter(s => s.calls > 0);
  const percentiles =
    recorded.length === 0
      ? '<p class="empty">No calls recorded.</p>'
      : renderPercentileBars(
          recorded.map(s => ({ label: s.process, p50Us: s.p50Us!, p95Us: s.p95Us!, p99Us: s.p99Us! })),
          960,
        );
  const warning = dropWarning(health.dropped);
  const ring = ringNote(health);
  const notes =
    (warning ? `<p class="warning">${escapeHtml(warning)}</p>` : '') +
    (ring ? `<p class="meta">${escapeHtml(ring)}</p>` : '');
  const rows = stats
    .map(
      s => `<tr${s.errors > 0 ? ' class="err"' : ''}>
  <td class="proc">${escapeHtml(s.process)}</td><td>${s.calls}</td><td>${totalDropped(s.dropped)}</td><td>${s.errors}${s.expected ? ` <span class="meta">+${s.expected} expected</span>` : ''}</td>
  <td>${formatPercent(s.errorRate)}</td><td>${formatDuration(s.p50Us)}</td><td>${formatDuration(s.p95Us)}</td>
  <td>${formatDuration(s.p99Us)}</td><td>${formatDuration(s.maxUs)}</td>
  <td>${s.lastSeenUs === null ? '–' : formatTimestamp(s.lastSeenUs)}</td></tr>`,
    )
    .join('\n');
  const errors = topErrors(queries, options.sinceUs);
  const slowest = slowestCalls(queries, options.sinceUs);
  const period = range ? `${formatTimestamp(range.fromUs)} to ${formatTimestamp(range.toUs)} UTC` : 'no calls recorded';

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ts-observatory report</title>
<style>
body { margin: 0 auto; max-width: 1000px; padding: 24px; font: 13px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111827; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 15px; margin: 28px 0 8px; }
.meta { color: #6b7280; } .meta code { font-family: ui-monospace, Menlo, Consolas, monospace; }
.totals { display: flex; gap: 32px; margin: 16px 0; } .totals b { display: block; font-size: 20px; }
table { border-collapse: collapse; width: 100%; }
th { text-align: right; font-size: 11px; text-transform: uppercase; color: #6b7280; background: #f3f4f6; padding: 6px 8px; }
td { text-align: right; padding: 4px 8px; border-bottom: 1px solid #f3f4f6; font-variant-numeric: tabular-nums; }
th:first-child, td:first-child { text-align: left; }
td.text { text-align: left; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; overflow-wrap: anywhere; }
td.proc { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
tr.err td { background: #fef2f2; }
tr.expected td { color: #6b7280; }
.empty { color: #6b7280; }
.warning { color: #92400e; background: #fffbeb; border: 1px solid #fde68a; border-radius: 6px; padding: 8px 12px; }
svg { max-width: 100%; height: auto; }
th.track, td.track { width: 35%; text-align: left; } .bar { height: 10px; min-width: 1px; background: #60a5fa; }
.bar.err { background: #dc2626; }
</style>
</head>
<body>
<h1>ts-observatory report</h1>
<div class="meta">Database <code>${escapeHtml(options.databasePath)}</code>; generated ${formatTimestamp(options.nowUs)} UTC; calls from ${period}.</div>
<div class="totals"><div><b>${totalCalls}</b>calls</div><div><b>${totalErrors}</b>errors</div>${totalExpected > 0 ? `<div><b>${totalExpected}</b>expected errors</div>` : ''}<div><b>${stats.length}</b>functions</div></div>
<h2>Functions</h2>
<table id="stats">
<thead><tr>${FUNCTION_STATS_HEADERS.map(h => `<th>${h}</th>`).join('')}</tr></thead>
<tbody>
${rows}
</tbody>
</table>
${notes}
<h2>Top errors</h2>
${errors}
<h2>Slowest calls</h2>
${slowest}
<h2>A p99 call's trace</h2>
${renderP99Trace(queries, stats, options.sinceUs)}
<h2>Calls and errors over time</h2>
${timeline}
<h2>Latency percentiles per function</h2>
${percentiles}
</body>
</html>
`;
}

/** The most frequent error groups (error-groups.ts), expected ones last, each with its latest call's inputs and detail. */
function topErrors(queries: TraceQueries, sinceUs: number | undefined): string {
  const { groups } = errorGroups(queries.db, sinceUs);
  if (groups.length === 0) return '<p class="empty">No errors recorded.</p>';
  const rows = groups.slice(0, TOP).map(group => {
    const inputs = formatArguments(
      (queries.callWithValues(group.latest.callId)?.values ?? []).filter(value => value.direction === 'INPUT'),
      CELL_CHARS,
    );
    const detail = errorDetailLines(group.latest.errorDetail).map(line => `<br>${escapeHtml(line)}`);
    return (
      `<tr class="${group.expected ? 'expected' : 'err'}"><td>${group.count}${group.expected ? ' expected' : ''}</td>` +
      `<td class="text"><b>${escapeHtml(group.errorType)}</b>: ${escapeHtml(group.messageShape)}<br>` +
      `path: ${escapeHtml(group.latest.path.join(' → '))}${detail.join('')}</td><td class="text">${escapeHtml(inputs)}</td>` +
      `<td>${formatTimestamp(group.firstSeenUs)}</td><td>${formatTimestamp(group.lastSeenUs)}</td></tr>`
    );
  });
  return `<table id="errors"><thead><tr><th>Errors</th><th>Error, where it began and its path</th><th>Latest inputs</th><th>First seen (UTC)</th><th>Last seen (UTC)</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>`;
}

/** The slowest calls, with their arguments and result or error. */
function slowestCalls(queries: TraceQueries, sinceUs: number | undefined): string {
  const calls = queries.callPage(sinceUs === undefined ? {} : { sinceUs }, TOP, undefined, 'duration').calls;
  if (calls.length === 0) return '<p class="empty">No calls recorded.</p>';
  const rows = calls.map(call => {
    const inputs = formatArguments(
      call.values.filter(value => value.direction === 'INPUT'),
      CELL_CHARS,
    );
    const outputs = call.values.filter(value => value.direction === 'OUTPUT');
    const result =
      call.status === 'ERR'
        ? `✗ ${call.errorType}: ${call.errorMessage ?? ''}`
        : outputs.length === 1
          ? formatValue(outputs[0]!.valueJson)
          : formatArguments(outputs);
    return (
      `<tr${call.status === 'ERR' ? ' class="err"' : ''}><td>${formatDuration(call.durationUs)}</td>` +
      `<td class="text">${escapeHtml(`${call.process}(${inputs})`)}</td><td class="text">${escapeHtml(result.slice(0, CELL_CHARS))}</td>` +
      `<td>${formatTimestamp(call.startUs)}</td><td>${call.id}</td></tr>`
    );
  });
  return `<table id="slowest"><thead><tr><th>Duration</th><th>Call</th><th>Result</th><th>Started (UTC)</th><th>Call id</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>`;
}
