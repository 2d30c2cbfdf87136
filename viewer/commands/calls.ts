import { callRows, csvRecords, CSV_HEADERS, TABLE_HEADERS } from '../call-rows';
import { openReadOnly } from '../database';
import { UsageError } from '../errors';
import { readFilter, readInteger, readOrder } from '../filter';
import { lineWriter } from '../call-line';
import { clip, formatCsv, formatTable, formatValue } from '../format';
import { TraceQueries } from '../queries';
import { type Command, option } from './command';

/** Widest Data Value shown in the text table; --json and --csv always carry the whole value. */
const VALUE_WIDTH = 60;

export const callsCommand: Command = {
  name: 'calls',
  usage:
    '[--fn NAME] [--status OK|ERR] [--direction INPUT|OUTPUT] [--since 10m] [--min-duration 100ms] [--max-duration 2s] [--sort time|duration] [--value TEXT] [--where NAME=VALUE]... [--limit N] [--json | --csv | --compact | --table]',
  summary:
    'the newest (or slowest) calls: one line per call on a terminal or with --compact, else one row per variable (--limit counts calls, default 20)',
  positionals: 0,
  options: {
    fn: { type: 'string' },
    status: { type: 'string' },
    direction: { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    'min-duration': { type: 'string' },
    'max-duration': { type: 'string' },
    sort: { type: 'string' },
    value: { type: 'string' },
    where: { type: 'string', multiple: true },
    limit: { type: 'string' },
    json: { type: 'boolean' },
    csv: { type: 'boolean' },
    compact: { type: 'boolean' },
    table: { type: 'boolean' },
  },
  run({ values, databasePath, out }) {
    if ([values.json, values.csv, values.compact, values.table].filter(Boolean).length > 1) {
      throw new UsageError('choose one of --json, --csv, --compact and --table');
    }
    const limit = readInteger(option(values, 'limit'), '--limit', 20, 1, 1_000_000);
    const db = openReadOnly(databasePath);
    try {
      const queries = new TraceQueries(db);
      const filter = readFilter(queries, {
        fn: option(values, 'fn'),
        status: option(values, 'status'),
        direction: option(values, 'direction'),
        since: option(values, 'since'),
        until: option(values, 'until'),
        minDuration: option(values, 'min-duration'),
        maxDuration: option(values, 'max-duration'),
        value: option(values, 'value'),
        where: values.where as string[] | undefined,
      });
      const calls = queries.callPage(filter, limit, undefined, readOrder(option(values, 'sort'))).calls;
      if (values.csv) return void out.write(formatCsv([CSV_HEADERS, ...csvRecords(calls)]));
      if (values.json) return void out.write(JSON.stringify(callRows(calls), null, 2) + '\n');
      if (calls.length === 0) return void out.write('No calls match.\n');
      // A terminal gets one line per call, as wide as it is; a pipe or a file gets the documented table.
      if (values.compact || ((out as { isTTY?: boolean }).isTTY && !values.table))
        return void lineWriter(out, queries)(calls);
      const table = callRows(calls).map(row => {
        const value = row.data === '' ? '' : clip(formatValue(JSON.stringify(row.dataValue)), VALUE_WIDTH);
        return [row.time, row.process, row.data, row.dataType, row.declaredType, value, row.status];
      });
      out.write(formatTable(TABLE_HEADERS, table));
    } finally {
      db.close();
    }
  },
};
