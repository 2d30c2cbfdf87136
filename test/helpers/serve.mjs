// Starting `observatory serve` for a test, the way a user would run it.
import { spawn } from 'node:child_process';
import * as path from 'node:path';

const cli = path.resolve(import.meta.dirname, '..', '..', 'dist', 'viewer', 'cli.js');

/**
 * Serves `dbPath` on a free port (port 0: the system picks one) of the default host, as a user who names no
 * host gets it; resolves with the process, its URL and `stderr()`, everything the server has logged so far,
 * for tests that check it logged nothing. Without `root`, serve finds the sources itself, from `cwd`.
 */
export function startDashboard(dbPath, root, { cwd } = {}) {
  const server = spawn(
    process.execPath,
    [cli, 'serve', '--port', '0', '--db', dbPath, ...(root ? ['--root', root] : [])],
    {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  let errors = '';
  server.stderr.setEncoding('utf8').on('data', chunk => (errors += chunk));
  return new Promise((resolve, reject) => {
    server.stdout.on('data', chunk => {
      output += chunk;
      const match = /http:\/\/127\.0\.0\.1:\d+\//.exec(output);
      if (match) resolve({ server, url: match[0], stderr: () => errors, stdout: () => output });
    });
    server.once('exit', code => reject(new Error(`serve exited with ${code}: ${output}${errors}`)));
  });
}
