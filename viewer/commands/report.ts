import * as fs from 'node:fs';
import * as path from 'node:path';
import { openReadOnly } from '../database';
import { parseSince } from '../duration';
import { TraceQueries } from '../queries';
import { buildReport } from '../report';
import { type Command, option } from './command';

export const reportCommand: Command = {
  name: 'report',
  usage: '[-o report.html] [--since 24h]',
  summary: 'write a self-contained HTML report: stats table, calls and errors over time, latency percentiles',
  positionals: 0,
  options: { output: { type: 'string', short: 'o' }, since: { type: 'string' } },
  run({ values, databasePath, out }) {
    const output = path.resolve(option(values, 'output') ?? 'report.html');
    const since = option(values, 'since');
    const sinceUs = since === undefined ? undefined : parseSince(since);
    const db = openReadOnly(databasePath);
    try {
      const html = buildReport(new TraceQueries(db), { databasePath, sinceUs, nowUs: Date.now() * 1000 });
      fs.writeFileSync(output, html);
      out.write(`Wrote ${output}\n`);
    } finally {
      db.close();
    }
  },
};
