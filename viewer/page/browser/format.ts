/** Times, durations, counts and statuses as the page shows them. */
import { h } from './dom';
import { state } from './state';

export function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** A recorded time in the zone the header's UTC switch picks (local unless it is on). */
export function fmtTime(us: number): string {
  const d = new Date(us / 1000);
  const u = state.utc;
  return (
    (u ? d.getUTCFullYear() : d.getFullYear()) +
    '-' +
    pad((u ? d.getUTCMonth() : d.getMonth()) + 1) +
    '-' +
    pad(u ? d.getUTCDate() : d.getDate()) +
    ' ' +
    fmtClock(d, u) +
    '.' +
    pad(u ? d.getUTCMilliseconds() : d.getMilliseconds(), 3)
  );
}

/** The clock time of d, in local time unless utc; the page's own times (Last updated) are always local. */
export function fmtClock(d: Date, utc = false): string {
  return utc
    ? pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) + ':' + pad(d.getUTCSeconds())
    : pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
}

/** 'UTC' or 'local time (UTC+01:00)': the zone the recorded times are shown in. */
function zoneName(): string {
  if (state.utc) return 'UTC';
  const offset = -new Date().getTimezoneOffset();
  const hours = pad(Math.floor(Math.abs(offset) / 60));
  return 'local time (UTC' + (offset < 0 ? '−' : '+') + hours + ':' + pad(Math.abs(offset) % 60) + ')';
}

export function zoneNote(): HTMLElement {
  return h('span', { class: 'muted zone-note', text: 'Times in ' + zoneName() });
}

export function fmtDuration(us: number | null | undefined): string {
  if (us === null || us === undefined) return '–';
  if (us < 1000) return us.toFixed(us < 10 ? 2 : us < 100 ? 1 : 0) + ' µs';
  if (us < 1e6) return (us / 1000).toFixed(us < 1e4 ? 2 : us < 1e5 ? 1 : 0) + ' ms';
  return (us / 1e6).toFixed(2) + ' s';
}

export function fmtCount(n: number): string {
  return Number(n).toLocaleString('en-US');
}

export function badge(status: string): HTMLElement {
  return h('span', { class: 'badge ' + status, text: status });
}
