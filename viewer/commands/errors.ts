import { openReadOnly } from '../database';
import { parseSince } from '../duration';
import { readInteger } from '../filter';
import { formatDuration, formatTimestamp } from '../format';
import { printable } from '../printable';
import { TraceQueries } from '../queries';
import { type Command, option } from './command';

export const errorsCommand: Command = {
  name: 'errors',
  usage: '[--since 1h] [--fn NAME] [--limit N] [--json]',
  summary: 'recent failures with error type, message and stack (default 20)',
  positionals: 0,
  options: { since: { type: 'string' }, fn: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } },
  run({ values, databasePath, out }) {
    const since = option(values, 'since');
    const sinceUs = since === undefined ? undefined : parseSince(since);
    const limit = readInteger(option(values, 'limit'), '--limit', 20, 1, 1_000_000);
    const db = openReadOnly(databasePath);
    try {
      const queries = new TraceQueries(db);
      const fn = option(values, 'fn');
      const errors = queries.errors(limit, sinceUs, fn === undefined ? undefined : queries.resolveFunction(fn));
      if (values.json) return void out.write(JSON.stringify(errors, null, 2) + '\n');
      if (errors.length === 0) return void out.write('No errors recorded' + (since ? ` in the last ${since}` : '') + '.\n');
      for (const call of errors) {
        // Names, messages and stacks are the traced program's text: escaped, so they cannot drive the terminal.
        out.write(`${formatTimestamp(call.startUs)}  ${printable(call.process)}  [call ${call.id}, ${formatDuration(call.durationUs)}]\n`);
        out.write(`  ${printable(`${call.errorType}: ${call.errorMessage}`)}\n`);
        const frames = (call.errorStack ?? '').split('\n').filter(line => /^\s*at /.test(line));
        for (const frame of frames) out.write(`    ${printable(frame.trim())}\n`);
        out.write('\n');
      }
    } finally {
      db.close();
    }
  },
};
