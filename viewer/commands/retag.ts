/**
 * `observatory tag` and `observatory untag`: add `@monitor` to the functions of a codebase, or take it out
 * again. The work is in tagging/retag.ts, loaded only when one of them runs, so that no other command pays for
 * loading ts-morph and the compiler it carries.
 */
import type { Scope } from '../../tagging/functions';
import type { RetagSummary } from '../../tagging/retag';
import { UsageError } from '../errors';
import { type Command, type CommandContext, option } from './command';

const SELECTION_OPTIONS = {
  exported: { type: 'boolean' },
  all: { type: 'boolean' },
  match: { type: 'string' },
  tag: { type: 'string' },
  'dry-run': { type: 'boolean' },
} as const;

const USAGE = '<files, folders or globs...> [--exported | --all] [--match REGEX] [--tag NAME] [--dry-run]';

export const tagCommand: Command = {
  name: 'tag',
  usage: USAGE,
  summary: 'add @monitor to the functions picked (default: exported), into their doc comment when they have one',
  positionals: 'one or more',
  usesDatabase: false,
  options: SELECTION_OPTIONS,
  run: context => retagCommand('tag', context),
};

export const untagCommand: Command = {
  name: 'untag',
  usage: USAGE,
  summary: 'remove the bare @monitor tags of the functions picked, and every comment left empty',
  positionals: 'one or more',
  usesDatabase: false,
  options: SELECTION_OPTIONS,
  run: context => retagCommand('untag', context),
};

function retagCommand(direction: 'tag' | 'untag', { values, positionals, out }: CommandContext): void {
  const tagName = option(values, 'tag') ?? 'monitor';
  if (!/^[\w-]+$/.test(tagName)) throw new UsageError(`${direction}: --tag takes a word of letters, digits, - or _`);
  const scope = scopeOf(direction, values);
  const { retag } = require('../../tagging/retag') as typeof import('../../tagging/retag');
  const summary = retag({ direction, paths: positionals, scope, tagName, dryRun: values['dry-run'] === true });
  out.write(formatSummary(summary, tagName));
}

/** `--all` or `--exported` (the default), narrowed by `--match`; a `--match` alone looks at every function. */
function scopeOf(direction: string, values: CommandContext['values']): Scope {
  if (values.all && values.exported) throw new UsageError(`${direction}: choose one of --exported and --all`);
  const match = option(values, 'match');
  if (match === undefined) return { select: values.all ? 'all' : 'exported' };
  return { select: values.exported ? 'exported' : 'all', match: regExp(match) };
}

function regExp(source: string): RegExp {
  try {
    return new RegExp(source);
  } catch (error) {
    throw new UsageError(`--match: ${(error as Error).message}`);
  }
}

function formatSummary(summary: RetagSummary, tagName: string): string {
  const changedFunctions = summary.changed.reduce((sum, file) => sum + file.functions, 0);
  const verb = summary.direction === 'tag' ? 'Tagged' : 'Untagged';
  const lines = [
    `${summary.dryRun ? `Would have ${verb.toLowerCase()}` : verb} ${count(changedFunctions, 'function')} in ` +
      `${count(summary.changed.length, 'file')} (of ${count(summary.files, 'file')} read)${summary.dryRun ? '; dry run, no file written' : ''}.`,
    ...summary.changed.map(file => `  ${file.file}: ${file.functions}`),
  ];
  const their = summary.untouched === 1 ? 'its' : 'their';
  const untouched = summary.direction === 'tag' ? `already had ${their} own tag` : `had no tag of ${their} own`;
  if (summary.untouched > 0) lines.push(`${count(summary.untouched, 'function')} ${untouched}.`);
  if (summary.byContainer > 0)
    lines.push(`${count(summary.byContainer, 'function')} monitored by a class or object tag: left alone.`);
  if (summary.keptWithOptions.length > 0) {
    lines.push(`Kept ${count(summary.keptWithOptions.length, 'tag')} with options (remove them by hand if meant):`);
    lines.push(...summary.keptWithOptions.map(place => `  ${place.file}:${place.line}:${place.column} ${place.name}`));
  }
  if (summary.skipped.length > 0) {
    const reasons = new Map<string, number>();
    for (const { why } of summary.skipped) reasons.set(why, (reasons.get(why) ?? 0) + 1);
    const byReason = [...reasons].map(([why, n]) => `${n} ${why}`).join(', ');
    lines.push(
      `Skipped ${count(summary.skipped.length, 'function')} that @${tagName} cannot monitor or that opt out (${byReason}):`,
    );
    lines.push(
      ...summary.skipped.map(place => `  ${place.file}:${place.line}:${place.column} ${place.name} (${place.why})`),
    );
  }
  return lines.join('\n') + '\n';
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
