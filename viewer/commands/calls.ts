import { callRows, csvRecords, CSV_HEADERS, TABLE_HEADERS } from '../call-rows';
import { openReadOnly } from '../database';
import { UsageError } from '../errors';
import { readFilter, readInteger, readOrder } from '../filter';
import { clip, formatCsv, formatTable, formatValue } from '../format';
import { TraceQueries } from '../queries';
import { type Command, option } from './command';

/** Widest Data Value shown in the text table; --json and --csv always carry the whole value. */
const VALUE_WIDTH = 60;

export const callsCommand: Command = {
  name: 'calls',
  usage: '[--fn NAME] [--status OK|ERR] [--direction INPUT|OUTPUT] [--since 10m] [--min-duration 100ms] [--max-duration 2s] [--sort time|duration] [--value TEXT] [--where NAME=VALUE]... [--limit N] [--json | --csv]',
  summary: 'the newest calls, one row per variable (--limit counts calls, default 20)',
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
  },
  run({ values, databasePath, out }) {
    if (values.json && values.csv) throw new UsageError('choose one of --json and --csv');
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
      const rows = callRows(calls);
      if (values.json) out.write(JSON.stringify(rows, null, 2) + '\n');
      else if (rows.length === 0) out.write('No calls match.\n');
      else {
        const table = rows.map(row => {
          const value = row.data === '' ? '' : clip(formatValue(JSON.stringify(row.dataValue)), VALUE_WIDTH);
          return [row.time, row.process, row.data, row.dataType, row.declaredType, value, row.status];
        });
        out.write(formatTable(TABLE_HEADERS, table));
      }
    } finally {
      db.close();
    }
  },
};
