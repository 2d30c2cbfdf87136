/** A trace as a timeline: one row per call, nested under its caller, with a side panel for the chosen call. */
import { api, type CallDetail, type TraceCall, type TraceDetail } from './api';
import { append, copyButton, h } from './dom';
import { badge, fmtDuration } from './format';
import { changeDetector, clearError, showError, type Route } from './router';
import { view } from './state';
import { valueRows } from './values';

export function traceView(route: Route): () => Promise<void> {
  const current = route.params.get('call');
  const changed = changeDetector();
  return async function load() {
    const trace = await api<TraceDetail>('traces/' + encodeURIComponent(route.arg));
    clearError();
    if (!changed(trace)) return;
    view.textContent = '';
    const calls = trace.calls;
    const bySpan = new Map(calls.map(c => [c.spanId, c]));
    const kids = new Map<string, TraceCall[]>();
    const roots: TraceCall[] = [];
    for (const c of calls) {
      if (c.parentSpanId && bySpan.has(c.parentSpanId)) {
        if (!kids.has(c.parentSpanId)) kids.set(c.parentSpanId, []);
        kids.get(c.parentSpanId)!.push(c);
      } else roots.push(c);
    }
    const ordered: { call: TraceCall; level: number }[] = [];
    // Depth first by a loop rather than recursion, as a trace can be a recursion thousands of calls deep.
    const pending = roots.map(call => ({ call, level: 0 })).reverse();
    while (pending.length) {
      const item = pending.pop()!;
      ordered.push(item);
      const children = (kids.get(item.call.spanId) ?? []).slice().reverse();
      for (const k of children) pending.push({ call: k, level: item.level + 1 });
    }
    const start = Math.min(...calls.map(c => c.startUs));
    const end = Math.max(...calls.map(c => c.startUs + c.durationUs));
    const total = Math.max(1, end - start);
    const pct = (us: number) => ((us / total) * 100).toFixed(3) + '%';
    const errors = calls.filter(c => c.status === 'ERR').length;
    // Self time: what a call spent outside the calls it made (its recorded children).
    const self = (c: TraceCall) => {
      const inChildren = (kids.get(c.spanId) ?? []).reduce((sum, k) => sum + k.durationUs, 0);
      return Math.max(0, c.durationUs - inChildren);
    };
    const panel = h('aside', { class: 'panel span-panel', id: 'span-panel', hidden: true });
    const select = (c: TraceCall, row: HTMLElement) => {
      view.querySelectorAll('#trace-timeline .row.current').forEach(r => r.classList.remove('current'));
      row.classList.add('current');
      openSpan(panel, String(c.id));
    };
    const root = roots[0];
    append(
      view,
      h(
        'div',
        { class: 'detail-head' },
        h('h1', {
          id: 'trace-root',
          text: root ? root.process + (roots.length > 1 ? ' and ' + (roots.length - 1) + ' more roots' : '') : 'Trace',
        }),
        h('span', { class: 'muted mono', text: 'trace ' + trace.traceId }),
        h('span', { class: 'copy-id' }, copyButton(trace.traceId)),
        h('span', {
          class: 'muted',
          text:
            calls.length +
            ' calls, ' +
            fmtDuration(total) +
            (errors ? ', ' + errors + ' failed' : '') +
            (trace.truncated ? ' (first calls only)' : ''),
        }),
      ),
      h(
        'div',
        { class: 'trace-layout' },
        h(
          'div',
          { class: 'panel gantt', id: 'trace-timeline' },
          h(
            'div',
            { class: 'axis' },
            h('span', { style: 'padding-left:12px', text: 'Call' }),
            h('span', { text: 'Arguments' }),
            h(
              'div',
              { class: 'ticks' },
              [0, 0.25, 0.5, 0.75, 1].map(f => {
                // The end labels align inward so they stay inside the track.
                const shift = f === 0 ? '0' : f === 1 ? '-100%' : '-50%';
                return h('span', {
                  style: 'left:' + f * 100 + '%;transform:translateX(' + shift + ')',
                  text: f === 0 ? '0' : fmtDuration(total * f),
                });
              }),
            ),
            h('span', { style: 'text-align:right', text: 'Duration' }),
            h('span', { style: 'text-align:right;padding-right:12px', text: 'Self' }),
          ),
          ordered.map(({ call: c, level }) => {
            const row: HTMLElement = h(
              'div',
              {
                class: 'row' + (String(c.id) === current ? ' current' : ''),
                'data-call': c.id,
                title: c.process + (c.errorType ? ' — ' + c.errorType + ': ' + c.errorMessage : ''),
                onclick: () => select(c, row),
              },
              h('div', { class: 'label', style: 'padding-left:' + (12 + level * 16) + 'px' }, c.process),
              h('div', { class: 'args mono', title: c.args, text: c.args }),
              h(
                'div',
                { class: 'track' },
                h('div', {
                  class: 'bar ' + c.status,
                  style: 'left:' + pct(c.startUs - start) + ';width:' + pct(c.durationUs),
                }),
              ),
              h('div', { class: 'dur', text: fmtDuration(c.durationUs) }),
              h('div', { class: 'dur self', text: fmtDuration(self(c)) }),
            );
            return row;
          }),
        ),
        panel,
      ),
    );
    if (current) openSpan(panel, current);
  };
}

/** The side panel of the trace timeline: one call's inputs, outputs and error, without leaving the page. */
function openSpan(panel: HTMLElement, id: string): void {
  panel.hidden = false;
  api<CallDetail>('calls/' + encodeURIComponent(id)).then(d => {
    const call = d.call;
    const values = (direction: 'INPUT' | 'OUTPUT', title: string) => {
      const rows = call.values.filter(v => v.direction === direction);
      return [
        h('h2', { text: title }),
        rows.length
          ? h('table', { class: 'grid values-table' }, h('tbody', null, valueRows(rows, 'span', false)))
          : h('div', { class: 'muted', text: 'None recorded.' }),
      ];
    };
    panel.textContent = '';
    append(
      panel,
      h(
        'div',
        { class: 'detail-head' },
        h('b', { class: 'mono', text: call.process }),
        badge(call.status),
        h('span', { class: 'muted', text: fmtDuration(call.durationUs) }),
        h('span', { style: 'flex:1' }),
        h('a', { class: 'button', id: 'span-open', href: '#/call/' + call.id, text: 'Open call' }),
      ),
      call.status === 'ERR'
        ? h('div', { class: 'errorbox' }, h('div', { class: 'msg', text: call.errorType + ': ' + call.errorMessage }))
        : null,
      values('INPUT', 'Inputs'),
      values('OUTPUT', 'Outputs'),
    );
  }, showError);
}
