import * as fs from 'node:fs';
import * as path from 'node:path';
import { openReadOnly } from '../database';
import { parseSince } from '../duration';
import { UsageError } from '../errors';
import { buildReport } from '../report';
import { TraceQueries } from '../queries';
import { TraceStatistics } from '../statistics';
import { type Command, option } from './command';

/** What the usual reasons a file cannot be written mean to someone who named it. */
const WRITE_FAILURES: Record<string, string> = {
  ENOENT: 'no such directory',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
};

export const reportCommand: Command = {
  name: 'report',
  usage: '[-o report.html] [--since 24h]',
  summary:
    "write a self-contained HTML report: stats table, top errors, slowest calls, a p99 call's trace, calls and errors over time, latency percentiles",
  positionals: 0,
  options: { output: { type: 'string', short: 'o' }, since: { type: 'string' } },
  run({ values, databasePath, out }) {
    const output = path.resolve(option(values, 'output') ?? 'report.html');
    const since = option(values, 'since');
    const sinceUs = since === undefined ? undefined : parseSince(since);
    const db = openReadOnly(databasePath);
    try {
      const html = buildReport(new TraceStatistics(db), new TraceQueries(db), {
        databasePath,
        sinceUs,
        nowUs: Date.now() * 1000,
      });
      writeReport(output, html);
      out.write(`Wrote ${output}\n`);
    } finally {
      db.close();
    }
  },
};

function writeReport(output: string, html: string): void {
  try {
    fs.writeFileSync(output, html);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new UsageError(`cannot write ${output}: ${(code && WRITE_FAILURES[code]) ?? message}`);
  }
}
