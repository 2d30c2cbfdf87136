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
    throw new UsageError(
      `bad duration ${JSON.stringify(text)}: use a number and a unit, as in 30s, 10m, 6h, 2d or 1h30m`,
    );
  }
  return Math.round(total);
}

/** A `--since` value: a duration back from `nowUs`, or an absolute ISO 8601 time. */
export function parseSince(text: string, nowUs: number = Date.now() * 1000): number {
  return /^\d{4}-/.test(text.trim()) ? parseTime(text) : nowUs - parseDuration(text);
}

/**
 * `2025-01-31`, `2025-01-31T14:00`, `2025-01-31 14:00:05.250Z`, `...+02:00`. Without a zone, a date is UTC and a
 * date with a time is local time, as JavaScript reads them.
 */
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:Z|[+-](\d{2}):(\d{2}))?)?$/;

/**
 * An ISO 8601 time in microseconds. Every field is checked first, because Date.parse rolls impossible dates
 * over (`2026-02-30` would be 2 March) instead of refusing them.
 */
function parseTime(text: string): number {
  const match = ISO_TIME.exec(text.trim());
  const bad = (why: string) => new UsageError(`bad time ${JSON.stringify(text)}: ${why}`);
  if (!match) throw bad('use ISO 8601, as in 2025-01-31 or 2025-01-31T14:00:00Z');
  const field = (index: number) => Number(match[index] ?? 0);
  const [year, month, day] = [field(1), field(2), field(3)];
  // Day 0 of the next month is the last day of this one.
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12) throw bad(`there is no month ${month}`);
  if (day < 1 || day > daysInMonth) throw bad(`${match[1]}-${match[2]} has no day ${day}`);
  if (field(4) > 23 || field(5) > 59 || field(6) > 59 || field(8) > 23 || field(9) > 59)
    throw bad('a time field is out of range');
  // Date.parse keeps milliseconds only; the dashboard's chart buckets start on any microsecond.
  const fraction = match[7] ?? '';
  const micros = Math.round(Number(`0.${fraction || '0'}`) * 1e6);
  return Date.parse(fraction ? text.trim().replace(`.${fraction}`, '') : text.trim()) * 1000 + micros;
}
