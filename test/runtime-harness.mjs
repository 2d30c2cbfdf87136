// Shared by the runtime-*.test.mjs files: writes small plain-JS programs that use ts-observatory/runtime the
// way emitted code does (or TypeScript programs compiled through ts-patch, `compiled`), runs them in a child
// process with their own database, and reads the rows back.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { compile, plainTypeScript, scratchDir } from './helpers/compile.mjs';

/**
 * Put at the top of every program. `meta(name, fields)` builds a FunctionMeta as the transformer would emit
 * it; each call gets its own line so every function is its own row.
 */
export const PRELUDE = `'use strict';
const __observatory = require('ts-observatory/runtime');
let __line = 0;
function meta(name, fields = {}) {
  return {
    name, group: 'prog', file: 'prog.ts', line: ++__line, column: 1, kind: 'function', async: false,
    generator: false, params: [], paramTypes: [], rest: false, outputShape: 'single', outputs: ['result'],
    outputTypes: ['unknown'], returnType: 'unknown', sample: 1, capture: 'all', redact: [], snapshot: false,
    ...fields,
  };
}
`;

/**
 * A scratch directory (helpers/compile.mjs: inside the repository, so `require('ts-observatory/runtime')`
 * resolves to this checkout by package self-reference) with `prog.js` = PRELUDE + body, and the path of its
 * database.
 */
export function program(body, files = {}) {
  const dir = scratchDir('runtime');
  fs.writeFileSync(path.join(dir, 'prog.js'), PRELUDE + body);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return { dir, file: path.join(dir, 'prog.js'), dbPath: path.join(dir, 'traces.db') };
}

/**
 * Compiles `source` as main.ts, and `others` ({ 'name.ts': source }) beside it, with the plugin or with plain
 * TypeScript, and `compilerOptions` over helpers/compile.mjs's; returns what run() needs.
 */
export function compiled(source, { instrumented = true, others = {}, compilerOptions = {} } = {}) {
  const dir = scratchDir('compiled');
  const file = path.join(dir, 'main.ts');
  fs.writeFileSync(file, source);
  for (const [name, text] of Object.entries(others)) fs.writeFileSync(path.join(dir, name), text);
  const files = [file, ...Object.keys(others).map(name => path.join(dir, name))];
  const outDir = path.join(dir, 'out');
  const { diagnostics } = compile({
    rootDir: dir,
    files,
    outDir,
    compilerOptions,
    ...(instrumented ? {} : { compiler: plainTypeScript }),
  });
  if (diagnostics) throw new Error(diagnostics);
  return { dir, file: path.join(outDir, 'main.js'), dbPath: path.join(dir, 'traces.db') };
}

/**
 * Runs `node prog.js` with OBSERVATORY_DB set; resolves with its status, signal and output. `onStdout` sees
 * each chunk of output and the child, so a test can signal it once it says it is ready. A program still
 * running after RUN_LIMIT_MS is killed and the run rejected, so a hang fails its test instead of outliving it.
 */
export function run({ file, dbPath }, { env = {}, onStdout } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], {
      cwd: path.dirname(file),
      // A loaded machine can take seconds to start the writer thread; only the deadline's own tests shorten it.
      env: { ...process.env, OBSERVATORY_DB: dbPath, OBSERVATORY_EXIT_TIMEOUT_MS: '60000', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', chunk => {
      stdout += chunk;
      onStdout?.(stdout, child);
    });
    child.stderr.setEncoding('utf8').on('data', chunk => (stderr += chunk));
    const limit = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${file} still ran after ${RUN_LIMIT_MS / 1000} s; its output:\n${stdout}\n${stderr}`));
    }, RUN_LIMIT_MS);
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(limit);
      resolve({ status, signal, stdout, stderr, pid: child.pid });
    });
  });
}

const RUN_LIMIT_MS = 180_000;

/**
 * Every call in the order the calls began (call ids count up at entry), with its function name, parent function name and parsed values: the columns of
 * the spans view (calls with span_id, parent_span_id, trace_id, duration_us, pid, thread_id).
 */
export function readCalls(dbPath) {
  return withDatabase(dbPath, db => {
    const calls = db
      .prepare(`SELECT c.*, f.name AS fn FROM spans c JOIN functions f ON f.id = c.function_id ORDER BY c.id`)
      .all();
    const values = db.prepare(
      `SELECT name, direction, declared_type, value_json FROM call_values WHERE call_id = ? ORDER BY direction, position`,
    );
    const bySpan = new Map(calls.map(call => [call.span_id, call]));
    return calls.map(call => ({
      ...call,
      parent: call.parent_span_id === null ? null : (bySpan.get(call.parent_span_id)?.fn ?? '(missing)'),
      values: values.all(call.id).map(row => [row.name, row.direction, row.declared_type, JSON.parse(row.value_json)]),
    }));
  });
}

/** The values of the first call of `fn`, by name. */
export function valuesOf(calls, fn) {
  const call = calls.find(candidate => candidate.fn === fn);
  if (call === undefined) throw new Error(`no call of ${fn}`);
  return Object.fromEntries(call.values.map(([name, , , value]) => [name, value]));
}

export function query(dbPath, sql, ...params) {
  return withDatabase(dbPath, db => db.prepare(sql).all(...params));
}

function withDatabase(dbPath, read) {
  const db = new Database(dbPath, { readonly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}
