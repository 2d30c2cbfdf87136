import { openReadOnly } from '../database';
import { parseSince } from '../duration';
import { formatDuration, formatPercent, formatTable, formatTimestamp } from '../format';
import { TraceQueries } from '../queries';
import { type Command, option } from './command';

const STATS_HEADERS = ['Function', 'Calls', 'Errors', 'Error rate', 'p50', 'p95', 'p99', 'Max', 'Last seen'];

export const statsCommand: Command = {
  name: 'stats',
  usage: '[--since 1h] [--json]',
  summary: 'per function: calls, errors, error rate, p50/p95/p99/max duration, last seen',
  positionals: 0,
  options: { since: { type: 'string' }, json: { type: 'boolean' } },
  run({ values, databasePath, out }) {
    const since = option(values, 'since');
    const sinceUs = since === undefined ? undefined : parseSince(since);
    const db = openReadOnly(databasePath);
    try {
      const stats = new TraceQueries(db).stats(sinceUs);
      if (values.json) return void out.write(JSON.stringify(stats, null, 2) + '\n');
      if (stats.length === 0) return void out.write('No calls recorded' + (since ? ` in the last ${since}` : '') + '.\n');
      out.write(
        formatTable(
          STATS_HEADERS,
          stats.map(s => [
            s.process,
            String(s.calls),
            String(s.errors),
            formatPercent(s.errorRate),
            formatDuration(s.p50Us),
            formatDuration(s.p95Us),
            formatDuration(s.p99Us),
            formatDuration(s.maxUs),
            formatTimestamp(s.lastSeenUs),
          ]),
        ),
      );
    } finally {
      db.close();
    }
  },
};
