/**
 * Reading the time spans users type: `--since 10m`, `--older-than 6h`, `?since=90s`.
 *
 * Times in the database are microseconds since the Unix epoch, so every result here is in microseconds too.
 */
import { UsageError } from './errors';

const MICROSECONDS_PER_UNIT: Record<string, number> = {
  us: 1,
  ms: 1_000,
  s: 1_000_000,
  m: 60_000_000,
  h: 3_600_000_000,
  d: 86_400_000_000,
  w: 604_800_000_000,
};

/** `1h30m`, `10m`, `500ms`, `2d`, `1.5h` as microseconds; a clear error for anything else. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  const part = /(\d+(?:\.\d+)?)(us|ms|s|m|h|d|w)/gy;
  let total = 0;
  let end = 0;
  for (let match = part.exec(trimmed); match; match = part.exec(trimmed)) {
    total += Number(match[1]) * MICROSECONDS_PER_UNIT[match[2]!]!;
    end = part.lastIndex;
  }
  if (trimmed === '' || end !== trimmed.length) {
    throw new UsageError(`bad duration ${JSON.stringify(text)}: use a number and a unit, as in 30s, 10m, 6h, 2d or 1h30m`);
  }
  return Math.round(total);
}

/** A `--since` value: a duration back from `nowUs`, or an absolute ISO 8601 time. */
export function parseSince(text: string, nowUs: number = Date.now() * 1000): number {
  if (/^\d{4}-\d{2}-\d{2}/.test(text.trim())) {
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) throw new UsageError(`bad time ${JSON.stringify(text)}: use ISO 8601, as in 2025-01-31T14:00:00Z`);
    return ms * 1000;
  }
  return nowUs - parseDuration(text);
}
