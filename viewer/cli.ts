#!/usr/bin/env node
/**
 * `observatory <command>`: the command line of the reading side. Each command lives in commands/; this file
 * parses arguments with util.parseArgs, picks the database, and turns user mistakes into one line on stderr
 * and a non-zero exit.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultDatabasePath } from '../runtime/record/config';
import { callsCommand } from './commands/calls';
import type { Command } from './commands/command';
import { errorsCommand } from './commands/errors';
import { pruneCommand } from './commands/prune';
import { reportCommand } from './commands/report';
import { serveCommand } from './commands/serve';
import { statsCommand } from './commands/stats';
import { treeCommand } from './commands/tree';
import { vacuumCommand } from './commands/vacuum';
import { checkCommand } from '../transformer/setup/check';
import { initCommand } from '../transformer/setup/init';
import { UsageError } from './errors';

const COMMANDS: Command[] = [callsCommand, statsCommand, treeCommand, errorsCommand, pruneCommand, vacuumCommand, serveCommand, reportCommand, initCommand, checkCommand];

/** Exit status for a user mistake, as opposed to 1 for a failure inside the viewer. */
const USAGE_EXIT = 2;

function usage(): string {
  const lines = COMMANDS.map(command => `  ${command.name.padEnd(8)} ${command.summary}`);
  return [
    'Usage: observatory <command> [--db FILE] [options]',
    '',
    'Commands:',
    ...lines,
    '',
    '--db defaults to $OBSERVATORY_DB, else .observatory/traces.db under the working directory.',
    "Run 'observatory <command> --help' for a command's options.",
    '',
  ].join('\n');
}

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(usage());
    if (name === undefined) process.exitCode = USAGE_EXIT;
    return;
  }
  const command = COMMANDS.find(candidate => candidate.name === name);
  if (!command) throw new UsageError(`unknown command ${JSON.stringify(name)}; commands: ${COMMANDS.map(c => c.name).join(', ')}`);

  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest,
      options: { db: { type: 'string' }, help: { type: 'boolean', short: 'h' }, ...command.options },
      allowPositionals: command.positionals > 0,
      strict: true,
    });
  } catch (error) {
    // parseArgs reports unknown options and missing values as TypeErrors with a readable message.
    throw new UsageError(`${command.name}: ${(error as Error).message.split('\n')[0]}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`Usage: observatory ${command.name} ${command.usage} [--db FILE]\n\n${command.summary}\n`);
    return;
  }
  if (positionals.length !== command.positionals) {
    throw new UsageError(`usage: observatory ${command.name} ${command.usage}`);
  }
  const db = typeof values.db === 'string' ? values.db : process.env.OBSERVATORY_DB;
  const databasePath = db ? path.resolve(db) : defaultDatabasePath();
  await command.run({ values, positionals, databasePath, out: process.stdout });
}

// `observatory calls | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`observatory: ${error.message}\n`);
    process.exitCode = USAGE_EXIT;
  } else {
    process.stderr.write(`observatory: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  }
});
