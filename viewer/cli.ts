#!/usr/bin/env node
/**
 * `observatory <command>`: the command line of the reading side. Each command lives in commands/; this file
 * parses arguments with util.parseArgs, picks the database, and turns user mistakes into one line on stderr
 * and a non-zero exit.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { defaultDatabasePath } from '../runtime/record/config';
import { callsCommand } from './commands/calls';
import type { Command } from './commands/command';
import { errorsCommand } from './commands/errors';
import { pruneCommand } from './commands/prune';
import { reportCommand } from './commands/report';
import { tagCommand, untagCommand } from './commands/retag';
import { listCommand } from './commands/list';
import { serveCommand } from './commands/serve';
import { statsCommand } from './commands/stats';
import { tailCommand } from './commands/tail';
import { treeCommand } from './commands/tree';
import { vacuumCommand } from './commands/vacuum';
import { checkCommand } from '../transformer/setup/check';
import { initCommand } from '../transformer/setup/init';
import { UsageError } from './errors';
import { printable } from './printable';

const COMMANDS: Command[] = [
  callsCommand,
  tailCommand,
  statsCommand,
  treeCommand,
  errorsCommand,
  pruneCommand,
  vacuumCommand,
  serveCommand,
  reportCommand,
  tagCommand,
  untagCommand,
  listCommand,
  initCommand,
  checkCommand,
];

/** Exit status for a user mistake, as opposed to 1 for a failure inside the viewer. */
const USAGE_EXIT = 2;

type ParseArgsOptions = NonNullable<ParseArgsConfig['options']>;

function usage(): string {
  const lines = COMMANDS.map(command => `  ${command.name.padEnd(8)} ${command.summary}`);
  return [
    'Usage: observatory <command> [--db FILE] [options]',
    '       observatory --version',
    '',
    'Commands:',
    ...lines,
    '',
    '--db defaults to $OBSERVATORY_DB, else .observatory/traces.db under the working directory.',
    "Run 'observatory <command> --help' for a command's options.",
    '',
  ].join('\n');
}

/** The version of the installed package, from its package.json: dist/viewer/cli.js is two levels below it. */
function packageVersion(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V') {
    process.stdout.write(`ts-observatory ${packageVersion()}\n`);
    return;
  }
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(usage());
    if (name === undefined) process.exitCode = USAGE_EXIT;
    return;
  }
  const command = COMMANDS.find(candidate => candidate.name === name);
  if (!command)
    throw new UsageError(`unknown command ${JSON.stringify(name)}; commands: ${COMMANDS.map(c => c.name).join(', ')}`);

  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...databaseOption(command), help: { type: 'boolean', short: 'h' }, ...command.options },
      allowPositionals: command.positionals !== 0,
      strict: true,
    });
  } catch (error) {
    // parseArgs reports unknown options and missing values as TypeErrors with a readable message.
    throw new UsageError(`${command.name}: ${(error as Error).message.split('\n')[0]}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    const db = command.usesDatabase === false ? '' : ' [--db FILE]';
    process.stdout.write(`Usage: observatory ${command.name} ${command.usage}${db}\n\n${command.summary}\n`);
    return;
  }
  const expected = command.positionals === 'one or more' ? Math.max(1, positionals.length) : command.positionals;
  if (positionals.length !== expected) {
    throw new UsageError(`usage: observatory ${command.name} ${command.usage}`);
  }
  const db = typeof values.db === 'string' ? values.db : process.env.OBSERVATORY_DB;
  const databasePath = db ? path.resolve(db) : defaultDatabasePath();
  await command.run({ values, positionals, databasePath, out: process.stdout });
}

function databaseOption(command: Command): ParseArgsOptions {
  return command.usesDatabase === false ? {} : { db: { type: 'string' } };
}

// `observatory calls | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`observatory: ${printable(error.message)}\n`);
    process.exitCode = USAGE_EXIT;
  } else {
    process.stderr.write(`observatory: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  }
});
