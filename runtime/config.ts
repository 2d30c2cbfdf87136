/**
 * Run-time settings, read once from the environment when the runtime loads.
 *
 * Every setting has a default that suits a developer's machine; the environment variables exist so that a
 * deployment, a test or a benchmark can change them without touching code.
 */
import * as path from 'node:path';

/** Where the database lives unless OBSERVATORY_DB says otherwise: `.observatory/traces.db` under the working directory. */
export function defaultDatabasePath(cwd: string = process.cwd()): string {
  return path.resolve(cwd, '.observatory', 'traces.db');
}

export interface RuntimeConfig {
  /** False when OBSERVATORY=off: the injected calls return at once and nothing is recorded. */
  enabled: boolean;
  /** Absolute path of the SQLite file. */
  databasePath: string;
  /** Records held in memory before new non-error records are dropped. */
  queueCapacity: number;
  /** Records handed to the worker pool in one message. */
  batchSize: number;
  /** Longest time a record waits in the queue before a flush, in milliseconds. */
  flushIntervalMs: number;
  /** Worker threads in the pool. SQLite has one writer at a time, so more threads only help serialization. */
  threads: number;
  /** Global sampling rate 0..1, decided once per trace. */
  sample: number;
  /** Rows older than this are pruned by the worker; 0 keeps everything. */
  retentionHours: number;
  /** Extra names whose values are never stored, lower case (OBSERVATORY_REDACT, comma-separated). */
  redact: string[];
  /** Bounds on one captured value; see runtime/capture.ts. */
  capture: CaptureLimits;
}

export interface CaptureLimits {
  /** Nesting depth below which containers are replaced by a `truncated` marker. */
  maxDepth: number;
  /** Entries kept per array, object, Map, Set or typed array. */
  maxEntries: number;
  /** Characters kept per string. */
  maxStringLength: number;
  /**
   * Bytes of UTF-8 JSON text one value may take: capture.ts budgets it roughly in characters, json.ts cuts
   * exactly. At least 1024, so that a truncated marker naming any kind fits.
   */
  maxValueSize: number;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  return {
    enabled: !['off', '0', 'false'].includes((env.OBSERVATORY ?? '').toLowerCase()),
    databasePath: env.OBSERVATORY_DB ? path.resolve(env.OBSERVATORY_DB) : defaultDatabasePath(),
    queueCapacity: readNumber(env, 'OBSERVATORY_QUEUE_CAPACITY', 1 << 17, 1),
    batchSize: readNumber(env, 'OBSERVATORY_BATCH_SIZE', 4096, 1),
    flushIntervalMs: readNumber(env, 'OBSERVATORY_FLUSH_MS', 50, 0),
    threads: readNumber(env, 'OBSERVATORY_THREADS', 1, 1),
    sample: readNumber(env, 'OBSERVATORY_SAMPLE', 1, 0, 1),
    retentionHours: readNumber(env, 'OBSERVATORY_RETENTION_HOURS', 6, 0),
    redact: (env.OBSERVATORY_REDACT ?? '')
      .split(',')
      .map(name => name.trim().toLowerCase())
      .filter(name => name !== ''),
    capture: {
      maxDepth: readNumber(env, 'OBSERVATORY_MAX_DEPTH', 5, 1),
      maxEntries: readNumber(env, 'OBSERVATORY_MAX_ENTRIES', 100, 1),
      maxStringLength: readNumber(env, 'OBSERVATORY_MAX_STRING', 4096, 1),
      maxValueSize: readNumber(env, 'OBSERVATORY_MAX_VALUE_SIZE', 16384, 1024),
    },
  };
}

function readNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max = Infinity): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (Number.isFinite(value) && value >= min && value <= max) return value;
  // A tracing setting must never stop the traced program: say what is wrong and go on with the default.
  process.emitWarning(`${name}=${JSON.stringify(text)} is not a number from ${min} to ${max}; using ${fallback}.`, {
    code: 'OBSERVATORY_CONFIG',
  });
  return fallback;
}
