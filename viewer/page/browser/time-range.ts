/**
 * Time ranges on the page: the presets (`since=1h`), custom ranges (`since` and `until` as ISO 8601 times, to
 * the microsecond) entered in the zone the page shows, and the chart gestures that make them: a click on a
 * bucket opens its calls, a drag across a chart zooms the page to that span.
 */
import { TIME_CHART_MARGINS } from '../../charts';
import { rangeSelect } from './controls';
import { h } from './dom';
import { fmtTime, pad } from './format';
import { state } from './state';

export interface TimeRange {
  since: string;
  until: string;
}

/** An ISO 8601 time in UTC, to the microsecond: what `since` and `until` carry for a custom range. */
export function isoTime(us: number): string {
  const micros = ((us % 1000) + 1000) % 1000;
  return new Date(Math.floor(us / 1000)).toISOString().replace(/Z$/, pad(Math.round(micros), 3) + 'Z');
}

/** `2026-01-01T10:00:00` in the zone the page shows, for a datetime-local input. */
function inputValue(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms)
    ? ''
    : fmtTime(ms * 1000)
        .slice(0, 19)
        .replace(' ', 'T');
}

/** An input's value, read in the zone the page shows, as an ISO time in UTC; empty stays empty. */
function fromInput(value: string): string {
  if (!value) return '';
  return state.utc ? new Date(value + 'Z').toISOString() : new Date(value).toISOString();
}

const CUSTOM = 'custom';

/**
 * The time range controls of a view: the presets and "Custom range", which shows From and To in the page's
 * zone. `apply` gets the new range.
 */
export function rangeControls(id: string, range: TimeRange, apply: (range: TimeRange) => void): HTMLElement[] {
  const custom = range.until !== '' || /^\d{4}-/.test(range.since);
  const select = rangeSelect(id, custom ? CUSTOM : range.since);
  select.appendChild(h('option', { value: CUSTOM, text: 'Custom range', selected: custom }));
  const from = h('input', { id: id + '-from', type: 'datetime-local', step: '1', value: inputValue(range.since) });
  const to = h('input', { id: id + '-to', type: 'datetime-local', step: '1', value: inputValue(range.until) });
  const fields = [h('label', { hidden: !custom }, 'From', from), h('label', { hidden: !custom }, 'To', to)];
  select.addEventListener('change', () => {
    if (select.value !== CUSTOM) return apply({ since: select.value, until: '' });
    for (const field of fields) field.hidden = false;
  });
  const applyCustom = () => apply({ since: fromInput(from.value), until: fromInput(to.value) });
  from.addEventListener('change', applyCustom);
  to.addEventListener('change', applyCustom);
  return [h('label', null, 'Time range', select), ...fields];
}

/**
 * Makes a time chart (renderTimeChart's SVG, drawn `width` wide over buckets starting at `times`) answer the
 * pointer: a click on a bucket calls `open` with the bucket's span, a drag calls `zoom` with the span dragged
 * across, shown as a band while dragging.
 */
export function chartGestures(
  holder: HTMLElement,
  times: number[],
  width: number,
  open: (range: TimeRange) => void,
  zoom: (range: TimeRange) => void,
): void {
  const chart = holder.querySelector('svg');
  if (!chart || times.length < 2) return;
  const bucketUs = times[1]! - times[0]!;
  const plot = width - TIME_CHART_MARGINS.left - TIME_CHART_MARGINS.right;
  const slot = plot / times.length;
  // The pointer's x in the chart's own units, from its left edge of the plot.
  const plotX = (event: MouseEvent) => {
    const box = chart.getBoundingClientRect();
    return Math.min(plot, Math.max(0, ((event.clientX - box.left) * width) / box.width - TIME_CHART_MARGINS.left));
  };
  const timeAt = (x: number) => times[0]! + (x / slot) * bucketUs;
  const band = h('div', { class: 'zoom-band', hidden: true });
  holder.style.position = 'relative';
  holder.appendChild(band);
  chart.classList.add('zoomable');
  chart.addEventListener('mousedown', down => {
    down.preventDefault();
    const start = plotX(down);
    const box = chart.getBoundingClientRect();
    const scale = box.width / width;
    const move = (event: MouseEvent) => {
      const [a, b] = [start, plotX(event)].sort((p, q) => p - q);
      band.hidden = false;
      band.style.left = (TIME_CHART_MARGINS.left + a!) * scale + 'px';
      band.style.width = (b! - a!) * scale + 'px';
    };
    const up = (event: MouseEvent) => {
      window.removeEventListener('mousemove', move);
      window.removeEventListener('mouseup', up);
      band.hidden = true;
      const end = plotX(event);
      // A few pixels of wobble are still a click.
      if (Math.abs(end - start) * scale < 4) {
        const index = Math.min(times.length - 1, Math.floor(start / slot));
        return open({ since: isoTime(times[index]!), until: isoTime(times[index]! + bucketUs) });
      }
      const [a, b] = [start, end].sort((p, q) => p - q);
      zoom({ since: isoTime(Math.floor(timeAt(a!))), until: isoTime(Math.ceil(timeAt(b!))) });
    };
    window.addEventListener('mousemove', move);
    window.addEventListener('mouseup', up);
  });
}
