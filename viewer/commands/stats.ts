import { openReadOnly } from '../database';
import { parseSince } from '../duration';
import { formatDuration, formatPercent, formatTable, formatTimestamp } from '../format';
import { readExpected } from '../expected-errors';
import { dropWarning, ringNote, totalDropped } from '../recording-notes';
import { FUNCTION_STATS_HEADERS, TraceStatistics } from '../statistics';
import { type Command, option } from './command';

/** Shown only when some function has spans OpenTelemetry did not receive, so that a file without export reads as before. */
const NOT_EXPORTED_HEADER = 'Not exported';
/** Shown only when some function failed as expected: those failures are not among its Errors. */
const EXPECTED_HEADER = 'Expected';

export const statsCommand: Command = {
  name: 'stats',
  usage: '[--since 1h] [--expected TYPE,...] [--json]',
  summary:
    'per function: calls, dropped calls, errors and error rate (expected errors apart), p50/p95/p99/max duration, last seen, spans not exported',
  positionals: 0,
  options: { since: { type: 'string' }, expected: { type: 'string' }, json: { type: 'boolean' } },
  run({ values, databasePath, out }) {
    const since = option(values, 'since');
    const sinceUs = since === undefined ? undefined : parseSince(since);
    const db = openReadOnly(databasePath);
    try {
      const statistics = new TraceStatistics(db);
      const stats = statistics.functionStats(sinceUs, undefined, readExpected(option(values, 'expected')));
      if (values.json) return void out.write(JSON.stringify(stats, null, 2) + '\n');
      if (stats.length === 0)
        return void out.write('No calls recorded' + (since ? ` in the last ${since}` : '') + '.\n');
      const exporting = stats.some(s => s.dropped.export_failed > 0);
      const expecting = stats.some(s => s.expected > 0);
      const headers: string[] = [...FUNCTION_STATS_HEADERS];
      if (expecting) headers.splice(headers.indexOf('Error rate') + 1, 0, EXPECTED_HEADER);
      out.write(
        formatTable(
          exporting ? [...headers, NOT_EXPORTED_HEADER] : headers,
          stats.map(s => [
            s.process,
            String(s.calls),
            String(totalDropped(s.dropped)),
            String(s.errors),
            formatPercent(s.errorRate),
            ...(expecting ? [String(s.expected)] : []),
            formatDuration(s.p50Us),
            formatDuration(s.p95Us),
            formatDuration(s.p99Us),
            formatDuration(s.maxUs),
            s.lastSeenUs === null ? '–' : formatTimestamp(s.lastSeenUs),
            ...(exporting ? [String(s.dropped.export_failed)] : []),
          ]),
        ),
      );
      const health = statistics.recordingHealth(sinceUs);
      const notes = [ringNote(health), dropWarning(health.dropped)].filter(note => note !== null);
      if (notes.length > 0) out.write(`\n${notes.join('\n')}\n`);
    } finally {
      db.close();
    }
  },
};
