/** What every `observatory <command>` provides to the command line dispatcher in cli.ts. */
import type { ParseArgsConfig } from 'node:util';

export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface CommandContext {
  values: OptionValues;
  positionals: string[];
  /** Absolute path of the trace database: `--db`, else OBSERVATORY_DB, else the runtime's default. */
  databasePath: string;
  out: NodeJS.WritableStream;
}

export interface Command {
  name: string;
  /** Arguments after the command name, for the usage line. */
  usage: string;
  summary: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** How many positional arguments the command takes (all required). */
  positionals: number | 'one or more';
  /** False for commands that read source files, not the trace database: they take no `--db`. */
  usesDatabase?: false;
  run(context: CommandContext): void | Promise<void>;
}

/** A string option's value; parseArgs has already checked its type. */
export function option(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}
