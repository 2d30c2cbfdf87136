import * as path from 'node:path';
import { openReadOnly } from '../database';
import { UsageError } from '../errors';
import { readInteger } from '../filter';
import { TraceQueries } from '../queries';
import { defaultSourceRoot } from '../source-root';
import { TraceStatistics } from '../statistics';
import { type Command, option } from './command';

const DEFAULT_PORT = 7421;

export const serveCommand: Command = {
  name: 'serve',
  usage: '[--port 7421] [--host 127.0.0.1] [--root DIR]',
  summary: 'the web dashboard (read-only); --root is where functions.file paths start, for source excerpts',
  positionals: 0,
  options: { port: { type: 'string' }, host: { type: 'string' }, root: { type: 'string' } },
  run({ values, databasePath, out }) {
    const port = readInteger(option(values, 'port'), '--port', DEFAULT_PORT, 0, 65535);
    const host = option(values, 'host') ?? '127.0.0.1';
    const db = openReadOnly(databasePath);
    const queries = new TraceQueries(db);
    const root = option(values, 'root');
    const sourceRoot = path.resolve(
      root ??
        defaultSourceRoot(
          databasePath,
          queries.functions().map(fn => fn.file),
        ),
    );
    // The server parses sources with TypeScript, most of a command's start: only `serve` loads it.
    const { createDashboardServer } = require('../server') as typeof import('../server');
    const server = createDashboardServer({
      queries,
      statistics: new TraceStatistics(db),
      sourceRoot,
      databasePath,
    });
    return new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        db.close();
        reject(
          error.code === 'EADDRINUSE' || error.code === 'EACCES' || error.code === 'EADDRNOTAVAIL'
            ? new UsageError(`cannot listen on ${host}:${port}: ${error.code}`)
            : error,
        );
      });
      server.listen(port, host, () => {
        const address = server.address();
        const actual = typeof address === 'object' && address ? address.port : port;
        const shown = host.includes(':') ? `[${host}]` : host;
        out.write(
          `ts-observatory dashboard on http://${shown}:${actual}/ (database ${databasePath}, sources under ${sourceRoot}); Ctrl+C stops it\n`,
        );
      });
      const stop = () => {
        server.close(() => {
          db.close();
          resolve();
        });
        server.closeAllConnections();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  },
};
