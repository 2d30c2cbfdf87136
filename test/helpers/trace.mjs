// Running compiled programs and reading back what they recorded.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import Database from 'better-sqlite3';

/**
 * Runs `node file` with recording into `dbPath`; returns the process result. A program still running after
 * three minutes (runtime-harness.mjs's limit too) is killed, so a hang fails its test instead of outliving it.
 */
export function runNode(file, { dbPath, env = {}, args = [], nodeArgs = [] } = {}) {
  const result = spawnSync(process.execPath, [...nodeArgs, file, ...args], {
    cwd: path.dirname(file),
    env: { ...process.env, OBSERVATORY_DB: dbPath, ...env },
    encoding: 'utf8',
    timeout: 180_000,
  });
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Every recorded call, oldest first, with its function, status, error, parent and values:
 *   { id, fn, group, status, error, parent, depth, values: [['dividend', 'INPUT', 'number', 17], ...] }
 * Values are parsed from their JSON text.
 */
export function readCalls(dbPath) {
  const db = new Database(dbPath, { readonly: true });
  try {
    const calls = db
      .prepare(
        `SELECT c.id, c.span_id, c.parent_span_id, c.trace_id, c.depth, c.status, c.error_type, c.error_message,
                c.error_stack, c.duration_us, c.thread_id, f.name AS fn, f.group_name, f.file, f.line
           FROM spans c JOIN functions f ON f.id = c.function_id
          ORDER BY c.start_us, c.id`,
      )
      .all();
    const values = db.prepare(
      `SELECT name, direction, declared_type, value_json FROM call_values WHERE call_id = ? ORDER BY direction = 'OUTPUT', position`,
    );
    const bySpan = new Map(calls.map(call => [call.span_id, call]));
    return calls.map(call => ({
      id: call.id,
      fn: call.fn,
      group: call.group_name,
      file: call.file,
      line: call.line,
      status: call.status,
      error: call.error_type === null ? null : `${call.error_type}: ${call.error_message}`,
      stack: call.error_stack,
      parent: call.parent_span_id === null ? null : (bySpan.get(call.parent_span_id)?.fn ?? '(unknown)'),
      traceId: call.trace_id,
      spanId: call.span_id,
      depth: call.depth,
      durationUs: call.duration_us,
      threadId: call.thread_id,
      values: values.all(call.id).map(row => [row.name, row.direction, row.declared_type, JSON.parse(row.value_json)]),
    }));
  } finally {
    db.close();
  }
}

/** A function's, or a recording's, drop counts when nothing was dropped: every reason a reader knows, at 0. */
export const NO_DROPS = {
  overload: 0,
  not_sampled: 0,
  write_failed: 0,
  exit_timeout: 0,
  unfinished: 0,
  queue_full: 0,
  batch_lost: 0,
  export_failed: 0,
};
