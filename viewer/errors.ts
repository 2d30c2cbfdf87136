/**
 * The one kind of failure the command line reports as a single line: the user asked for something that cannot
 * be done (a missing database, a bad duration, an unknown function). Anything else is a bug and keeps its stack.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
