// Number and table formatting for the printed and published report.

export function ns(value) {
  if (!Number.isFinite(value)) return 'n/a';
  return Math.abs(value) < 100 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US');
}

export function count(value) {
  return value === null || value === undefined || !Number.isFinite(value)
    ? 'n/a'
    : Math.round(value).toLocaleString('en-US');
}

export function ratio(value) {
  if (!Number.isFinite(value)) return 'n/a';
  return `${value < 10 ? value.toFixed(2) : value.toFixed(0)}x`;
}

export function percent(value) {
  return Number.isFinite(value) ? `${(value * 100).toFixed(0)}%` : 'n/a';
}

/** A median with its spread over runs: `12.3 (11.9–13.0)`; just the median when there was one run. */
export function spread(summary, format = ns) {
  if (summary.runs.length < 2) return format(summary.median);
  return `${format(summary.median)} (${format(summary.min)}–${format(summary.max)})`;
}

export function markdownTable(header, rows) {
  const line = cells => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
