import { errorDetailLines } from '../error-detail';
import { errorGroups, type ErrorGroup } from '../error-groups';
import { openReadOnly } from '../database';
import { readExpected } from '../expected-errors';
import { parseSince } from '../duration';
import { readInteger } from '../filter';
import { formatArguments, formatDuration, formatTimestamp, parseValue, plural } from '../format';
import { printable } from '../printable';
import { type Call, TraceQueries } from '../queries';
import { type Command, option } from './command';

export const errorsCommand: Command = {
  name: 'errors',
  usage: '[--since 1h] [--fn NAME] [--expected TYPE,...] [--limit N] [--each] [--json]',
  summary:
    'errors grouped by origin function, type and message shape, with counts, fields, cause chain and a sample; expected ones last (--each: every failure with its stack)',
  positionals: 0,
  options: {
    since: { type: 'string' },
    fn: { type: 'string' },
    expected: { type: 'string' },
    limit: { type: 'string' },
    each: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  run({ values, databasePath, out }) {
    const since = option(values, 'since');
    const sinceUs = since === undefined ? undefined : parseSince(since);
    const limit = readInteger(option(values, 'limit'), '--limit', 20, 1, 1_000_000);
    const expected = readExpected(option(values, 'expected'));
    const db = openReadOnly(databasePath);
    try {
      const queries = new TraceQueries(db);
      const fn = option(values, 'fn');
      const functionIds = fn === undefined ? undefined : queries.resolveFunction(fn);
      const none = 'No errors recorded' + (since ? ` in the last ${since}` : '') + '.\n';
      if (values.each) {
        const errors = queries.errors(limit, sinceUs, functionIds);
        if (values.json) return void out.write(JSON.stringify(errors, null, 2) + '\n');
        if (errors.length === 0) return void out.write(none);
        for (const call of errors)
          writeFailure(out, call, call.errorExpected === 1 || expected.includes(call.errorType ?? ''));
        return;
      }
      const { groups, truncated } = errorGroups(db, sinceUs, functionIds, expected);
      const shown = groups.slice(0, limit).map(group => ({ ...group, latestInputs: latestInputs(queries, group) }));
      if (values.json) return void out.write(JSON.stringify({ groups: shown, truncated }, null, 2) + '\n');
      if (shown.length === 0) return void out.write(none);
      for (const group of shown) writeGroup(out, group);
      if (groups.length > shown.length) out.write(`${plural(groups.length - shown.length, 'more group')} (--limit).\n`);
      if (truncated) out.write('Only the newest 100,000 failures were grouped; narrow with --since or --fn.\n');
    } finally {
      db.close();
    }
  },
};

/** `userId=44, amount=1240`: the inputs of the group's latest call. */
function latestInputs(queries: TraceQueries, group: ErrorGroup): string {
  const call = queries.callWithValues(group.latest.callId);
  return formatArguments((call?.values ?? []).filter(value => value.direction === 'INPUT'));
}

// Names, messages, inputs and stacks are the traced program's text: escaped, so they cannot drive the terminal.
function writeGroup(out: NodeJS.WritableStream, group: ErrorGroup & { latestInputs: string }): void {
  const seen = `first ${formatTimestamp(group.firstSeenUs)}, last ${formatTimestamp(group.lastSeenUs)} UTC`;
  const count = plural(group.count, group.expected ? 'expected error' : 'error');
  out.write(printable(`${count}: ${group.errorType} in ${group.process}  (${seen})`) + '\n');
  out.write(`  ${printable(group.messageShape)}\n`);
  out.write(`  latest: ${printable(group.latest.errorMessage)}  [call ${group.latest.callId}]\n`);
  for (const line of errorDetailLines(group.latest.errorDetail)) out.write(`    ${printable(line)}\n`);
  if (group.latest.path.length > 1) out.write(`  path: ${printable(group.latest.path.join(' → '))}\n`);
  if (group.latestInputs) out.write(`  inputs: ${printable(group.latestInputs)}\n`);
  out.write('\n');
}

function writeFailure(out: NodeJS.WritableStream, call: Call, expected: boolean): void {
  out.write(
    `${formatTimestamp(call.startUs)} UTC  ${printable(call.process)}  [call ${call.id}, ${formatDuration(call.durationUs)}]\n`,
  );
  out.write(`  ${printable(`${call.errorType}: ${call.errorMessage}`)}${expected ? '  (expected)' : ''}\n`);
  const detail = call.errorDetail === null ? null : parseValue(call.errorDetail);
  for (const line of errorDetailLines(detail)) out.write(`    ${printable(line)}\n`);
  const frames = (call.errorStack ?? '').split('\n').filter(line => /^\s*at /.test(line));
  for (const frame of frames) out.write(`    ${printable(frame.trim())}\n`);
  out.write('\n');
}
