/**
 * The one way the runtime tells the user something went wrong with tracing. A tracing failure never stops
 * the program, and a problem that repeats (every call of a busy loop) is told once.
 *
 *   OBSERVATORY_CONFIG   a setting in the environment was not understood; its default is used
 *   OBSERVATORY_WRITE    calls could not be written (the writer stalled, the database refused them)
 *   OBSERVATORY_EXIT     the process is exiting and something could not be written in time
 *
 * While the process exits a warning event would never be printed, so `exiting` writes straight to stderr.
 */
export type WarningCode = 'OBSERVATORY_CONFIG' | 'OBSERVATORY_WRITE' | 'OBSERVATORY_EXIT';

const told = new Set<string>();

export function warn(code: WarningCode, message: string, { exiting = false }: { exiting?: boolean } = {}): void {
  const key = `${code} ${message}`;
  if (told.has(key)) return;
  told.add(key);
  if (exiting) process.stderr.write(`(ts-observatory) ${message}\n`);
  else process.emitWarning(message, { code });
}
