/**
 * Run-time settings, read once from the environment when the runtime loads.
 *
 * Every setting has a default that suits a developer's machine; the environment variables exist so that a
 * deployment, a test or a benchmark can change them without touching code.
 */
import * as path from 'node:path';
import { OTLP_PROTOCOLS, type OtlpSettings } from '../ring';
import { warn } from './warnings';

/** Where the database lives unless OBSERVATORY_DB says otherwise: `.observatory/traces.db` under the working directory. */
export function defaultDatabasePath(cwd: string = process.cwd()): string {
  return path.resolve(cwd, '.observatory', 'traces.db');
}

export interface RuntimeConfig {
  /** False when OBSERVATORY=off: the injected calls return at once and nothing is recorded. */
  enabled: boolean;
  /** Absolute path of the SQLite file; null when OBSERVATORY_DB=off (the calls go only to OpenTelemetry). */
  databasePath: string | null;
  /** Where calls go as OpenTelemetry spans; null unless an OTLP endpoint is set. */
  otlp: OtlpSettings | null;
  /**
   * Bytes of the ring between this thread and its writer thread (OBSERVATORY_BUFFER_MB), a power of two.
   * Everything recorded and not yet committed is held there, copied, so this bounds the runtime's memory.
   */
  bufferBytes: number;
  /** What a call does when the ring is too full: shed whole new traces (`drop`) or wait for room (`wait`). */
  onFull: 'drop' | 'wait';
  /** Longest time a record waits in the ring before the writer looks, in milliseconds. */
  flushIntervalMs: number;
  /** Longest time the exit path waits for the writer to commit what is left, in milliseconds. */
  exitTimeoutMs: number;
  /** Global sampling rate 0..1, decided once per trace. */
  sample: number;
  /** Functions whose traces are always recorded (OBSERVATORY_FORCE, comma-separated function or process names). */
  force: string[];
  /** Rows older than this are pruned by the writer; 0 keeps everything. */
  retentionHours: number;
  /** Extra names whose values are never stored, lower case (OBSERVATORY_REDACT, comma-separated). */
  redact: string[];
  /** Names and words never redacted, lower case (OBSERVATORY_REDACT_ALLOW, comma-separated). */
  redactAllow: string[];
  /** Bounds on one recorded value; see record/value-encoder.ts. */
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
   * Bytes of UTF-8 JSON text one value may take: value-encoder.ts budgets it roughly in characters, store/json.ts cuts
   * exactly. At least 1024, so that a truncated marker naming any kind fits.
   */
  maxValueSize: number;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  const databasePath = readDatabasePath(env);
  const otlp = readOtlp(env);
  let enabled = !isOff(env.OBSERVATORY);
  if (enabled && databasePath === null && otlp === null) {
    warnConfig(
      'OBSERVATORY_DB=off and no OTEL_EXPORTER_OTLP_ENDPOINT: calls would go nowhere, so nothing is recorded.',
    );
    enabled = false;
  }
  return {
    enabled,
    databasePath,
    otlp,
    bufferBytes: powerOfTwoAtLeast(
      readNumber(env, 'OBSERVATORY_BUFFER_MB', DEFAULT_BUFFER_MB, 1 / 16, 1024) * 1024 * 1024,
    ),
    onFull: readChoice(env, 'OBSERVATORY_ON_FULL', ['drop', 'wait'] as const),
    flushIntervalMs: readNumber(env, 'OBSERVATORY_FLUSH_MS', 50, 1, 60_000),
    exitTimeoutMs: readNumber(env, 'OBSERVATORY_EXIT_TIMEOUT_MS', 2000, 0),
    sample: readNumber(env, 'OBSERVATORY_SAMPLE', 1, 0, 1),
    force: readList(env.OBSERVATORY_FORCE),
    retentionHours: readNumber(env, 'OBSERVATORY_RETENTION_HOURS', 6, 0),
    redact: readList(env.OBSERVATORY_REDACT).map(name => name.toLowerCase()),
    redactAllow: readList(env.OBSERVATORY_REDACT_ALLOW).map(name => name.toLowerCase()),
    capture: {
      maxDepth: readNumber(env, 'OBSERVATORY_MAX_DEPTH', 5, 1),
      maxEntries: readNumber(env, 'OBSERVATORY_MAX_ENTRIES', 100, 1),
      maxStringLength: readNumber(env, 'OBSERVATORY_MAX_STRING', 4096, 1),
      maxValueSize: readNumber(env, 'OBSERVATORY_MAX_VALUE_SIZE', 16384, 1024),
    },
  };
}

function readList(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map(name => name.trim())
    .filter(name => name !== '');
}

function isOff(text: string | undefined): boolean {
  return ['off', '0', 'false'].includes((text ?? '').trim().toLowerCase());
}

function readDatabasePath(env: NodeJS.ProcessEnv): string | null {
  const text = env.OBSERVATORY_DB;
  if (isOff(text)) return null;
  return text ? path.resolve(text) : defaultDatabasePath();
}

/** On when an endpoint is set, as OpenTelemetry's exporters decide; the signal-specific variables win. */
function readOtlp(env: NodeJS.ProcessEnv): OtlpSettings | null {
  if (!env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT && !env.OTEL_EXPORTER_OTLP_ENDPOINT) return null;
  const name = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL
    ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'
    : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  return { protocol: readChoice(env, name, OTLP_PROTOCOLS) };
}

/**
 * 32 MB holds about a quarter of a million typical calls (about 120 bytes each in the ring): half a second of
 * what the writer commits flat out, which absorbs the bursts of a test suite or a request spike without
 * shedding. The operating system gives a SharedArrayBuffer's pages only when they are first written, so a
 * program that records little pays for what it records, not for the whole ring.
 */
const DEFAULT_BUFFER_MB = 32;

function powerOfTwoAtLeast(bytes: number): number {
  return 2 ** Math.ceil(Math.log2(bytes));
}

function readChoice<Choice extends string>(
  env: NodeJS.ProcessEnv,
  name: string,
  choices: readonly [Choice, ...Choice[]],
): Choice {
  const text = (env[name] ?? '').trim().toLowerCase();
  if (text === '') return choices[0];
  if ((choices as readonly string[]).includes(text)) return text as Choice;
  warnConfig(`${name}=${JSON.stringify(env[name])} is not one of ${choices.join(', ')}; using ${choices[0]}.`);
  return choices[0];
}

function readNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max = Infinity): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (Number.isFinite(value) && value >= min && value <= max) return value;
  warnConfig(`${name}=${JSON.stringify(text)} is not a number from ${min} to ${max}; using ${fallback}.`);
  return fallback;
}

/** A tracing setting must never stop the traced program: say what is wrong and go on with the default. */
function warnConfig(message: string): void {
  warn('OBSERVATORY_CONFIG', message);
}
