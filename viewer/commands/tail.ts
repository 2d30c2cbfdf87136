/**
 * `observatory tail`: calls as the programs recording them commit them, one line each (call-line.ts), until
 * Ctrl-C.
 */
import { lineWriter } from '../call-line';
import { CallTail, TAIL_POLL_MS } from '../call-tail';
import { openReadOnly } from '../database';
import { readFilter } from '../filter';
import { TraceQueries } from '../queries';
import { type Command, option } from './command';

export const tailCommand: Command = {
  name: 'tail',
  usage: '[--fn NAME] [--errors] [--min-duration 100ms] [--value TEXT] [--where NAME=VALUE]...',
  summary: 'follow new calls as programs record them, one line per call, until Ctrl-C',
  positionals: 0,
  options: {
    fn: { type: 'string' },
    errors: { type: 'boolean' },
    'min-duration': { type: 'string' },
    value: { type: 'string' },
    where: { type: 'string', multiple: true },
  },
  run({ values, databasePath, out }) {
    const db = openReadOnly(databasePath);
    const queries = new TraceQueries(db);
    let follow: () => void;
    try {
      const filter = readFilter(queries, {
        fn: option(values, 'fn'),
        status: values.errors ? 'ERR' : undefined,
        minDuration: option(values, 'min-duration'),
        value: option(values, 'value'),
        where: values.where as string[] | undefined,
      });
      const tail = new CallTail(db);
      const write = lineWriter(out, queries);
      follow = () => write(queries.callsAmong(tail.look(), filter).calls);
    } catch (error) {
      db.close();
      throw error;
    }
    // On stderr, so that a pipe carries calls only; it also tells a script the tail has begun.
    process.stderr.write(`Following new calls in ${databasePath}; Ctrl-C stops\n`);
    return new Promise<void>((resolve, reject) => {
      const stop = (error?: unknown) => {
        clearInterval(timer);
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        db.close();
        if (error instanceof Error) reject(error);
        else resolve();
      };
      const timer = setInterval(() => {
        try {
          follow();
        } catch (error) {
          stop(error);
        }
      }, TAIL_POLL_MS);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  },
};
