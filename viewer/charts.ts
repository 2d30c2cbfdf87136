/**
 * SVG charts drawn by hand, for the HTML report (in Node) and the dashboard (in the browser, bundled into its
 * script by `npm run build`): the same code in both, so the two cannot drift.
 */

export interface ChartSeries {
  name: string;
  color: string;
  kind: 'bar' | 'line';
  values: (number | null)[];
}

export interface TimeChartSpec {
  /** Bucket start times, microseconds since the epoch; all buckets have the same width. */
  times: number[];
  series: ChartSeries[];
  /** `duration` values are microseconds and get µs/ms/s tick labels; `count` values get plain numbers. */
  unit: 'count' | 'duration';
  width: number;
  height: number;
  /** Label times in UTC instead of the local zone. */
  utc: boolean;
}

function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    char => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!,
  );
}

/** A duration in µs as an axis or a bar labels it: three significant digits at most (`20 ms`, `1.25 s`). */
export function formatDuration(us: number): string {
  return us >= 1e6
    ? +(us / 1e6).toPrecision(3) + ' s'
    : us >= 1e3
      ? +(us / 1e3).toPrecision(3) + ' ms'
      : +us.toPrecision(3) + ' µs';
}

/**
 * Round tick values for an axis from 0 to at least `max`: about `count` steps of 1, 2 or 5 times a power of
 * ten (whole numbers when `whole`, for counts), so the grid lines fall on values a reader can name.
 */
export function niceTicks(max: number, count: number, whole = false): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = Math.max(
    whole ? 1 : 0,
    [1, 2, 5, 10].map(m => m * magnitude).find(m => m >= raw)!,
  );
  const ticks = [0];
  while (ticks[ticks.length - 1]! < max) ticks.push(Number((ticks.length * step).toPrecision(12)));
  return ticks;
}

/** Steps a time axis may take, in microseconds: round in the units a clock shows. */
const TIME_STEPS_US = [
  ...[1, 2, 5, 10, 20, 50, 100, 200, 500].map(ms => ms * 1e3),
  ...[1, 2, 5, 10, 15, 30].map(s => s * 1e6),
  ...[1, 2, 5, 10, 15, 30].map(min => min * 60e6),
  ...[1, 2, 3, 6, 12].map(h => h * 3600e6),
  ...[1, 2, 7, 14, 28].map(d => d * 86_400e6),
];

/**
 * Labelled times for an axis from `fromUs` to `toUs`: the multiples of the smallest round step that gives at
 * most `maxLabels` of them, counted in the zone `offsetUs` ahead of UTC (so that `10:00` is a multiple of an
 * hour on the clock that is shown; a daylight-saving change inside the range shifts later ticks by its hour).
 */
export function roundTimeTicks(
  fromUs: number,
  toUs: number,
  maxLabels: number,
  offsetUs: number,
): { stepUs: number; ticks: number[] } {
  const span = Math.max(1, toUs - fromUs);
  const stepUs =
    TIME_STEPS_US.find(step => span / step <= maxLabels) ?? Math.ceil(span / maxLabels / 86_400e6) * 86_400e6;
  const ticks: number[] = [];
  for (let time = Math.ceil((fromUs + offsetUs) / stepUs) * stepUs - offsetUs; time < toUs; time += stepUs) {
    ticks.push(time);
  }
  return { stepUs, ticks };
}

/** A tick's label, as precise as the step needs: milliseconds under a second, seconds under a minute, the date over a day. */
function timeLabel(date: Date, stepUs: number, spanUs: number, utc: boolean): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const [month, day, hours, minutes, seconds, milliseconds] = utc
    ? [
        date.getUTCMonth() + 1,
        date.getUTCDate(),
        date.getUTCHours(),
        date.getUTCMinutes(),
        date.getUTCSeconds(),
        date.getUTCMilliseconds(),
      ]
    : [
        date.getMonth() + 1,
        date.getDate(),
        date.getHours(),
        date.getMinutes(),
        date.getSeconds(),
        date.getMilliseconds(),
      ];
  const clock = `${pad(hours)}:${pad(minutes)}`;
  if (spanUs > 86_400e6) return `${pad(month)}-${pad(day)} ${clock}`;
  if (stepUs < 1e6) return `${clock}:${pad(seconds)}.${String(milliseconds).padStart(3, '0')}`;
  if (stepUs < 60e6) return `${clock}:${pad(seconds)}`;
  return clock;
}

/** Where a time chart's plot begins and ends inside its width: the dashboard maps the pointer to times by it. */
export const TIME_CHART_MARGINS = { left: 64, right: 12 };

/** Latency percentiles' colours, the same in every chart: a light blue, an amber and a violet, told apart at a glance. */
export const PERCENTILE_COLOURS = { p50: '#60a5fa', p95: '#f59e0b', p99: '#7c3aed' } as const;

/** A count with thousands separators: `12,500`. */
function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** A bucket's width in words: `30 s`, `5 min`, `2 h`. */
function formatSpan(us: number): string {
  if (us >= 3600e6) return +(us / 3600e6).toPrecision(3) + ' h';
  if (us >= 60e6) return +(us / 60e6).toPrecision(3) + ' min';
  return formatDuration(us);
}

/**
 * A time-series chart: bars and lines over a shared time axis, with a y grid on round values and a legend; a
 * caption gives the axes' units (what a bucket counts, or that values are durations, and the time zone).
 */
export function renderTimeChart(spec: TimeChartSpec): string {
  const { times, series, width, height } = spec;
  const { left, right } = TIME_CHART_MARGINS;
  const top = 28;
  const bottom = 26;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const all = series.flatMap(s => s.values.filter((v): v is number => v !== null));
  const ticks = niceTicks(Math.max(0, ...all), 4, spec.unit === 'count');
  const max = ticks[ticks.length - 1]!;
  const slot = plotWidth / Math.max(1, times.length);
  const x = (index: number) => left + index * slot;
  const y = (value: number) => top + plotHeight - (value / max) * plotHeight;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img">`,
  );
  for (const value of ticks) {
    const ty = y(value);
    const label = spec.unit === 'duration' ? formatDuration(value) : formatCount(value);
    parts.push(`<line x1="${left}" x2="${width - right}" y1="${ty}" y2="${ty}" stroke="#e5e7eb"/>`);
    parts.push(
      `<text x="${left - 6}" y="${ty + 4}" text-anchor="end" font-size="11" fill="#6b7280">${escapeXml(label)}</text>`,
    );
  }
  // At most six time labels, fewer on a narrow chart: the longest (`12:40:05.250`) needs about 80 pixels.
  const bucketUs = times.length > 1 ? times[1]! - times[0]! : 0;
  const fromUs = times[0] ?? 0;
  const toUs = fromUs + Math.max(1, bucketUs) * times.length;
  const timeX = (us: number) => left + ((us - fromUs) / Math.max(1, bucketUs)) * slot;
  const offsetUs = spec.utc ? 0 : -new Date(fromUs / 1000).getTimezoneOffset() * 60e6;
  const maxLabels = Math.max(2, Math.min(6, Math.floor(plotWidth / 80)));
  const { stepUs, ticks: timeTicks } = roundTimeTicks(fromUs, toUs, maxLabels, offsetUs);
  // A range narrower than a millisecond has no round time in it: its start is labelled instead.
  for (const time of timeTicks.length > 0 ? timeTicks : times.slice(0, 1)) {
    const label = timeLabel(new Date(time / 1000), stepUs, toUs - fromUs, spec.utc);
    parts.push(`<text x="${timeX(time).toFixed(1)}" y="${height - 8}" font-size="11" fill="#6b7280">${label}</text>`);
  }
  const bars = series.filter(s => s.kind === 'bar');
  bars.forEach((s, barIndex) => {
    const barWidth = Math.max(1, (slot * 0.8) / bars.length);
    s.values.forEach((value, index) => {
      if (value === null || value <= 0) return;
      const bx = x(index) + slot * 0.1 + barIndex * barWidth;
      parts.push(
        `<rect x="${bx.toFixed(1)}" y="${y(value).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(top + plotHeight - y(value)).toFixed(1)}" fill="${s.color}"><title>${escapeXml(s.name)}: ${formatCount(value)}</title></rect>`,
      );
    });
  });
  for (const s of series.filter(s => s.kind === 'line')) {
    let path = '';
    s.values.forEach((value, index) => {
      if (value === null) return;
      const px = (x(index) + slot / 2).toFixed(1);
      // A gap in the data starts a new segment rather than drawing a line through empty buckets.
      path += `${path && s.values[index - 1] !== null ? 'L' : 'M'}${px},${y(value).toFixed(1)}`;
      parts.push(
        `<circle cx="${px}" cy="${y(value).toFixed(1)}" r="2" fill="${s.color}"><title>${escapeXml(s.name)}: ${escapeXml(spec.unit === 'duration' ? formatDuration(value) : formatCount(value))}</title></circle>`,
      );
    });
    if (path) parts.push(`<path d="${path}" fill="none" stroke="${s.color}" stroke-width="1.5"/>`);
  }
  parts.push(
    `<line x1="${left}" x2="${width - right}" y1="${top + plotHeight}" y2="${top + plotHeight}" stroke="#9ca3af"/>`,
  );
  let legendX = left;
  for (const s of series) {
    parts.push(`<rect x="${legendX}" y="8" width="10" height="10" fill="${s.color}"/>`);
    parts.push(`<text x="${legendX + 14}" y="17" font-size="12" fill="#374151">${escapeXml(s.name)}</text>`);
    legendX += 24 + s.name.length * 7;
  }
  const caption =
    (spec.unit === 'count' ? 'count' : 'duration') +
    (bucketUs > 0 ? ` per ${formatSpan(bucketUs)}` : '') +
    ` · times in ${spec.utc ? 'UTC' : 'local time'}`;
  parts.push(
    `<text class="units" x="${width - right}" y="17" text-anchor="end" font-size="11" fill="#6b7280">${escapeXml(caption)}</text>`,
  );
  parts.push('</svg>');
  return parts.join('');
}

export interface PercentileRow {
  label: string;
  p50Us: number;
  p95Us: number;
  p99Us: number;
}

/** Horizontal bars of p50, p95 and p99 per function, on one shared (square-root) latency scale. */
export function renderPercentileBars(rows: PercentileRow[], width: number): string {
  const labelWidth = 220;
  const rowHeight = 42;
  const top = 28;
  const height = top + rows.length * rowHeight + 8;
  const plotWidth = width - labelWidth - 90;
  const max = Math.max(1, ...rows.map(row => row.p99Us));
  // Square root keeps a 10 µs function visible next to a 1 s one without a log scale's zero problem.
  const scale = (us: number) => Math.max(1, (Math.sqrt(us) / Math.sqrt(max)) * plotWidth);
  const colors = PERCENTILE_COLOURS;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img">`,
  ];
  let legendX = labelWidth;
  for (const [name, color] of Object.entries(colors)) {
    parts.push(
      `<rect x="${legendX}" y="8" width="10" height="10" fill="${color}"/><text x="${legendX + 14}" y="17" font-size="12" fill="#374151">${name}</text>`,
    );
    legendX += 56;
  }
  rows.forEach((row, index) => {
    const y0 = top + index * rowHeight;
    const label = row.label.length > 32 ? '…' + row.label.slice(-31) : row.label;
    parts.push(
      `<text x="${labelWidth - 8}" y="${y0 + 20}" text-anchor="end" font-size="12" fill="#111827">${escapeXml(label)}<title>${escapeXml(row.label)}</title></text>`,
    );
    (['p50', 'p95', 'p99'] as const).forEach((name, bar) => {
      const value = row[`${name}Us`];
      const by = y0 + 4 + bar * 11;
      parts.push(
        `<rect x="${labelWidth}" y="${by}" width="${scale(value).toFixed(1)}" height="9" fill="${colors[name]}"><title>${name}: ${escapeXml(formatDuration(value))}</title></rect>`,
      );
      parts.push(
        `<text x="${labelWidth + scale(value) + 4}" y="${by + 8}" font-size="10" fill="#4b5563">${escapeXml(formatDuration(value))}</text>`,
      );
    });
  });
  parts.push('</svg>');
  return parts.join('');
}
