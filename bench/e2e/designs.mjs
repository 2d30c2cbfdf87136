// The two recording designs compared end to end, both behind the same transformer-emitted `add`, and the
// uninstrumented `add` they are measured from.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { buildOutput } from '../paths.mjs';

const require = createRequire(import.meta.url);

export const designs = {
  /** The uninstrumented `add`: what making the calls costs the main thread with no recorder at all. */
  baseline: {
    load: () => require(path.join(buildOutput('baseline'), 'shapes.js')).add,
    shutdown: async () => {},
  },
  /** The real runtime: bounded queue on the main thread, SQLite writes in the piscina pool. */
  observatory: {
    load: () => require(path.join(buildOutput('observatory'), 'shapes.js')).add,
    shutdown: () => require('ts-observatory/runtime').shutdown(),
  },
  /** bench/runtimes/main-thread-sqlite.cjs: better-sqlite3 inserts on the main thread, one transaction per tick. */
  'main-thread-sqlite': {
    load: () => require(path.join(buildOutput('main-thread-sqlite'), 'shapes.js')).add,
    shutdown: () => require('../runtimes/main-thread-sqlite.cjs').shutdown(),
  },
};
