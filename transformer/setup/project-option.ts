/** The `-p tsconfig.json` option that `observatory init` and `observatory check` share. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { option, type Command, type OptionValues } from '../../viewer/commands/command';
import { UsageError } from '../../viewer/errors';

export const projectOption: Pick<Command, 'usage' | 'positionals' | 'options'> = {
  usage: '[-p tsconfig.json]',
  positionals: 0,
  options: { project: { type: 'string', short: 'p' } },
};

/** The absolute path of the tsconfig.json the command works on: `-p`, else the one in the working directory. */
export function tsconfigOf(values: OptionValues, command: string): string {
  const tsconfigPath = path.resolve(option(values, 'project') ?? 'tsconfig.json');
  if (!fs.existsSync(tsconfigPath))
    throw new UsageError(`${command}: ${tsconfigPath} does not exist (give another with -p)`);
  return tsconfigPath;
}
