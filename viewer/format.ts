/**
 * Turning stored numbers and JSON into text for terminals, CSV files and the HTML report.
 */
import { printable } from './printable';

/** `2025-01-31 14:03:07.123` in UTC, the zone the views use, so CLI output and SQL agree. */
export function formatTimestamp(us: number): string {
  return new Date(Math.floor(us / 1000)).toISOString().replace('T', ' ').replace('Z', '');
}

/** A duration with a unit that keeps 3 significant digits: `850 µs`, `12.3 ms`, `2.50 s`. */
export function formatDuration(us: number | null): string {
  if (us === null || !Number.isFinite(us)) return '–';
  if (us < 1000) return `${round3(us)} µs`;
  if (us < 1_000_000) return `${round3(us / 1000)} ms`;
  if (us < 60_000_000) return `${round3(us / 1_000_000)} s`;
  return `${(us / 60_000_000).toFixed(1)} min`;
}

function round3(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

/** `1 call`, `2 calls`, `1,234 calls`. */
export function plural(count: number, noun: string): string {
  return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
}

export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(ratio > 0 && ratio < 0.001 ? 3 : 1)}%`;
}

/**
 * One stored value as a short line of text. Plain JSON is printed compactly; the runtime's special values
 * (objects with a `$type` key) are shown by what they stand for: `undefined`, `[redacted]`, `bigint(12)`.
 */
export function formatValue(valueJson: string): string {
  let value: unknown;
  try {
    value = JSON.parse(valueJson);
  } catch {
    // Stored text that is not JSON is still worth seeing as it is.
    return valueJson;
  }
  if (isSpecial(value)) {
    const { $type, ...rest } = value;
    const keys = Object.keys(rest);
    if ($type === 'undefined') return 'undefined';
    if (keys.length === 0) return `[${$type}]`;
    if (keys.length === 1 && keys[0] === 'value') return `${$type}(${JSON.stringify(rest.value)})`;
    return `[${$type} ${JSON.stringify(rest)}]`;
  }
  return JSON.stringify(value);
}

/** `userId=44, amount=1240`: named values in their display form, in a line of at most `max` characters. */
export function formatArguments(values: { name: string; valueJson: string }[], max = Infinity): string {
  return clip(values.map(value => `${value.name}=${formatValue(value.valueJson)}`).join(', '), max);
}

/** The parsed value for machine-readable output, keeping special values as their `$type` objects. */
export function parseValue(valueJson: string): unknown {
  try {
    return JSON.parse(valueJson);
  } catch {
    return valueJson;
  }
}

function isSpecial(value: unknown): value is { $type: string; [key: string]: unknown } {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { $type?: unknown }).$type === 'string'
  );
}

/** Shortens text to `max` characters with an ellipsis, on one line. */
export function clip(text: string, max: number): string {
  const line = text.replace(/\s*\n\s*/g, ' ');
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

/**
 * An aligned text table: `Time | Process | ...`, a rule under the header, one line per row. Cells hold recorded
 * text, so their control characters are escaped (printable.ts).
 */
export function formatTable(headers: string[], cellRows: string[][]): string {
  const rows = cellRows.map(row => row.map(cell => printable(cell)));
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map(row => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join(' | ')
      .trimEnd();
  return [line(headers), widths.map(width => '-'.repeat(width)).join('-|-'), ...rows.map(line)].join('\n') + '\n';
}

/** RFC 4180 CSV records: a field is quoted when it holds a comma, quote or line break; CRLF after each record. */
export function formatCsv(records: (string | number)[][]): string {
  const field = (value: string | number) => {
    const text = String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return records.map(record => record.map(field).join(',') + '\r\n').join('');
}

/** Text for HTML, where `&`, `<`, `>` and quotes would be markup. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    char => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!,
  );
}
