/**
 * `observatory ls`: every function a build of the project monitors, and why. The work is in
 * tagging/listing.ts, loaded only when this command runs (it loads ts-morph and the compiler it carries).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Listing } from '../../tagging/listing';
import { UsageError } from '../errors';
import { formatTable } from '../format';
import { type Command, option } from './command';

const REASONS: Record<Listing['functions'][number]['reason'], string> = {
  tag: 'own tag',
  container: 'class or object tag',
  select: 'select',
};

export const listCommand: Command = {
  name: 'ls',
  usage: '[-p tsconfig.json] [--json]',
  summary: 'list the functions a build of the project monitors, and why: own tag, class or object tag, or select',
  positionals: 0,
  usesDatabase: false,
  options: { project: { type: 'string', short: 'p' }, json: { type: 'boolean' } },
  run({ values, out }) {
    const given = option(values, 'project') ?? 'tsconfig.json';
    const tsconfig = path.resolve(
      fs.statSync(given, { throwIfNoEntry: false })?.isDirectory() ? path.join(given, 'tsconfig.json') : given,
    );
    if (!fs.existsSync(tsconfig))
      throw new UsageError(`ls: no ${path.relative(process.cwd(), tsconfig) || tsconfig}; name one with -p`);
    const { listMonitored } = require('../../tagging/listing') as typeof import('../../tagging/listing');
    const listing = listMonitored(tsconfig);
    if (values.json) return void out.write(JSON.stringify(listing, null, 2) + '\n');
    out.write(formatListing(listing));
  },
};

function formatListing(listing: Listing): string {
  const lines: string[] = [];
  if (!listing.pluginFound)
    lines.push(`${listing.tsconfig} names no ts-observatory plugin; listing with its default options.`, '');
  if (listing.functions.length > 0) {
    const rows = listing.functions.map(fn => [
      `${fn.file}:${fn.line}:${fn.column}`,
      fn.name,
      fn.kind,
      fn.group,
      REASONS[fn.reason],
    ]);
    lines.push(formatTable(['Where', 'Function', 'Kind', 'Group', 'Why'], rows).trimEnd(), '');
    lines.push(formatTable(['File', 'Functions'], counts(listing.perFile)).trimEnd(), '');
    lines.push(formatTable(['Group', 'Functions'], counts(listing.perGroup)).trimEnd(), '');
  }
  const files = Object.keys(listing.perFile).length;
  lines.push(`${listing.functions.length} monitored functions in ${files} files (select: ${listing.select}).`);
  if (listing.problems.length > 0) {
    lines.push('', `The build would report ${listing.problems.length} tag problems:`);
    lines.push(
      ...listing.problems.map(problem => `  ${problem.file}:${problem.line}:${problem.column} ${problem.message}`),
    );
  }
  return lines.join('\n') + '\n';
}

function counts(byKey: Record<string, number>): string[][] {
  return Object.entries(byKey).map(([key, n]) => [key, String(n)]);
}
