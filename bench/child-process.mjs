// Runs one measurement in a fresh Node process and returns the JSON line it printed last.
import { spawnSync } from 'node:child_process';
import { repoRoot } from './paths.mjs';

export function runChild(script, args, { env = {}, timeoutMs = 600_000 } = {}) {
  const result = spawnSync(process.execPath, [script, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 << 20,
  });
  const lines = (result.stdout ?? '').trim().split('\n');
  if (result.status !== 0) {
    throw new Error(
      `${script} ${args.join(' ')} failed (${result.status ?? result.signal}):\n${result.stderr}${result.stdout}`,
    );
  }
  return { ...JSON.parse(lines.at(-1)), stderr: result.stderr.trim() };
}
