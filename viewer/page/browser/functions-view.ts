/** The Functions page: per-function figures, how recording went, and calls and latency over time. */
import { PERCENTILE_COLOURS, renderTimeChart, type ChartSeries } from '../../charts';
import { printable } from '../../printable';
import { dropReasonText, dropWarning, ringNote } from '../../recording-notes';
import { api, query, type FunctionStats, type TimeSeries } from './api';
import { append, h, svg } from './dom';
import { fmtCount, fmtDuration, fmtTime, zoneNote } from './format';
import { clearError, setHash, type Route } from './router';
import { state, view } from './state';
import { chartGestures, rangeControls, type TimeRange } from './time-range';

export function functionsView(route: Route): () => Promise<void> {
  const range: TimeRange = { since: route.params.get('since') || '', until: route.params.get('until') || '' };
  let selected = route.params.get('fn') || '';
  const rangeFields = rangeControls('stats-since', range, chosen => setHash('functions', { ...chosen, fn: selected }));
  const body = h('tbody');
  const drops = h('div', { class: 'notice', id: 'drops-notice', role: 'status', hidden: true });
  const ring = h('div', { class: 'muted', id: 'ring-note' });
  const overall = h('div');
  const latency = h('div');
  const latencyTitle = h('h2');
  const columns = ['Function', 'Calls', 'Dropped', 'Errors', 'Error rate', 'p50', 'p95', 'p99', 'Max', 'Last seen'];
  append(
    view,
    h('div', { class: 'panel filters' }, rangeFields, zoneNote()),
    drops,
    h(
      'div',
      { class: 'panel' },
      h(
        'table',
        { class: 'grid', id: 'stats-table' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            columns.map((t, i) => h('th', { text: t, class: i > 0 && i < columns.length - 1 ? 'num' : null })),
          ),
        ),
        body,
      ),
    ),
    ring,
    h(
      'div',
      { class: 'charts', style: 'margin-top:16px' },
      h('div', { class: 'panel' }, h('h2', { text: 'Calls and errors over time' }), overall),
      h('div', { class: 'panel', id: 'latency-chart' }, latencyTitle, latency),
    ),
  );
  return async function load() {
    const result = await api<FunctionStats>('stats', { ...range });
    clearError();
    const stats = result.stats;
    if (!selected && stats.length) selected = stats[0]!.process;
    const warning = dropWarning(result.recording.dropped);
    drops.hidden = !warning;
    drops.textContent = warning || '';
    ring.textContent = ringNote(result.recording) || '';
    body.textContent = '';
    if (!stats.length) {
      body.appendChild(
        h('tr', null, h('td', { colspan: columns.length, class: 'empty', text: 'No calls in this time range.' })),
      );
    }
    for (const s of stats) {
      const reasons = Object.entries(s.dropped).filter(([, count]) => count > 0);
      const dropped = reasons.reduce((sum, [, count]) => sum + count, 0);
      body.appendChild(
        h(
          'tr',
          {
            class: 'clickable' + (s.process === selected ? ' selected' : '') + (s.errors ? ' has-errors' : ''),
            'data-process': s.process,
            onclick: () => setHash('functions', { ...range, fn: s.process }),
          },
          h(
            'td',
            { class: 'proc' },
            h('a', {
              href: '#/calls?fn=' + encodeURIComponent(s.process),
              text: s.process,
              onclick: (e: Event) => e.stopPropagation(),
            }),
          ),
          h('td', { class: 'num', text: fmtCount(s.calls) }),
          h('td', {
            class: 'num dropped',
            style: dropped ? 'color:var(--warn);font-weight:600' : null,
            title: reasons.map(([reason, count]) => fmtCount(count) + ' ' + dropReasonText(reason)).join(', ') || null,
            text: fmtCount(dropped),
          }),
          h(
            'td',
            { class: 'num errors' },
            h('span', { style: s.errors ? 'color:var(--err);font-weight:600' : null, text: fmtCount(s.errors) }),
            // Expected failures are not errors, but are not hidden either.
            s.expected
              ? h('span', { class: 'muted expected-count', text: ' +' + fmtCount(s.expected) + ' expected' })
              : null,
          ),
          h('td', { class: 'num', text: (s.errorRate * 100).toFixed(1) + '%' }),
          h('td', { class: 'num', text: fmtDuration(s.p50Us) }),
          (
            [
              ['p95', s.p95Us],
              ['p99', s.p99Us],
              ['max', s.maxUs],
            ] as const
          ).map(([name, us]) => h('td', { class: 'num' }, slowCallsLink(s.process, range, name, us))),
          h('td', { class: 'time', text: s.lastSeenUs === null ? '–' : fmtTime(s.lastSeenUs) }),
        ),
      );
    }
    const series = await api<TimeSeries>('timeseries', { ...range, buckets: 48, fn: selected });
    const width = Math.max(420, Math.floor((view.clientWidth - 60) / 2));
    // A click on a bucket opens its calls (of the chosen function, on the latency chart); a drag zooms the page.
    const draw = (
      holder: HTMLElement,
      times: number[],
      list: ChartSeries[],
      unit: 'count' | 'duration',
      fn: string,
    ) => {
      holder.textContent = '';
      holder.appendChild(
        times.length
          ? svg(renderTimeChart({ times, series: list, unit, width, height: 240, utc: state.utc }))
          : h('div', { class: 'empty', text: 'No data.' }),
      );
      chartGestures(
        holder,
        times,
        width,
        bucket => setHash('calls', { ...bucket, fn, layout: 'calls' }),
        span => setHash('functions', { ...span, fn: selected }),
      );
    };
    const all = series.buckets;
    draw(
      overall,
      all.map(b => b.startUs),
      [
        { name: 'calls', color: '#93c5fd', kind: 'bar', values: all.map(b => b.calls) },
        { name: 'errors', color: '#dc2626', kind: 'bar', values: all.map(b => b.errors) },
      ],
      'count',
      '',
    );
    latencyTitle.textContent = printable('Latency over time' + (selected ? ': ' + selected : ''));
    const own = series.latency;
    draw(
      latency,
      own.map(b => b.startUs),
      [
        { name: 'p50', color: PERCENTILE_COLOURS.p50, kind: 'line', values: own.map(b => b.p50Us) },
        { name: 'p95', color: PERCENTILE_COLOURS.p95, kind: 'line', values: own.map(b => b.p95Us) },
        { name: 'p99', color: PERCENTILE_COLOURS.p99, kind: 'line', values: own.map(b => b.p99Us) },
      ],
      'duration',
      selected,
    );
  };
}

/** A percentile's cell: its duration, linking to the calls that took at least that long, slowest first. */
function slowCallsLink(
  process: string,
  range: TimeRange,
  name: string,
  us: number | null | undefined,
): HTMLElement | string {
  if (us === null || us === undefined) return '–';
  // Whole microseconds written in ms, so that the call at the percentile itself is among them.
  const params = { fn: process, ...range, minDuration: Math.floor(us) / 1000 + 'ms', sort: 'duration' };
  return h('a', {
    class: 'slow-calls',
    'data-percentile': name,
    href: '#/calls' + query(params),
    title: 'Calls of ' + process + ' that took ' + fmtDuration(us) + ' or longer',
    text: fmtDuration(us),
    onclick: (e: Event) => e.stopPropagation(),
  });
}
