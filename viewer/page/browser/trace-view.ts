/**
 * A trace as a timeline: one row per call under its caller, with its arguments, a bar on the trace's time axis
 * coloured by the function's group or class, its duration and self time. Rows with children collapse; the find
 * box marks the calls whose function, arguments or error contain its text; a click opens a call in the side
 * panel.
 */
import { formatDuration, niceTicks } from '../../charts';
import { api, type TraceDetail } from './api';
import { append, copyButton, h } from './dom';
import { fmtCount, fmtDuration } from './format';
import { changeDetector, clearError, type Route } from './router';
import { openSpan } from './span-panel';
import { view } from './state';
import { hiddenRows, ownerColours, traceRows, type TraceRow } from './trace-tree';

export function traceView(route: Route): () => Promise<void> {
  let current = route.params.get('call');
  const changed = changeDetector();
  // What the user collapsed and looked for, kept across the refreshes that redraw the timeline.
  const collapsed = new Set<string>();
  let findText = '';
  return async function load() {
    const trace = await api<TraceDetail>('traces/' + encodeURIComponent(route.arg));
    clearError();
    if (!changed(trace)) return;
    view.textContent = '';
    const ordered = traceRows(trace.calls);
    const roots = ordered.filter(row => !row.parent);
    const start = Math.min(...trace.calls.map(c => c.startUs));
    const end = Math.max(...trace.calls.map(c => c.startUs + c.durationUs));
    const total = Math.max(1, end - start);
    const pct = (us: number) => ((us / total) * 100).toFixed(3) + '%';
    const errors = trace.calls.filter(c => c.status === 'ERR').length;
    const colours = ownerColours(ordered);
    const panel = h('aside', { class: 'panel span-panel', id: 'span-panel', hidden: true });
    const elements = new Map<TraceRow, HTMLElement>();

    const select = (row: TraceRow) => {
      for (const [other, element] of elements) element.classList.toggle('current', other === row);
      current = String(row.call.id);
      openSpan(panel, current);
    };
    const find = h('input', {
      id: 'trace-find',
      type: 'search',
      value: findText,
      placeholder: 'Find in trace',
      spellcheck: 'false',
      title: 'Marks the calls whose function, arguments or error contain this text; Enter opens the next one',
    });
    const findCount = h('span', { class: 'muted', id: 'trace-find-count' });
    const matches = (row: TraceRow) => {
      const c = row.call;
      const text = (
        c.process +
        '\n' +
        c.args +
        '\n' +
        (c.errorType ?? '') +
        ': ' +
        (c.errorMessage ?? '')
      ).toLowerCase();
      return findText !== '' && text.includes(findText.toLowerCase());
    };
    /** Shows what the collapses leave and marks what the find box matches, revealing every match. */
    const show = () => {
      const found = ordered.filter(matches);
      const marked = new Set(found);
      for (const row of found) for (let up = row.parent; up; up = up.parent) collapsed.delete(up.call.spanId);
      const hidden = hiddenRows(ordered, collapsed);
      for (const [row, element] of elements) {
        const folded = collapsed.has(row.call.spanId);
        element.hidden = hidden.has(row);
        element.classList.toggle('match', marked.has(row));
        element.classList.toggle('dim', findText !== '' && !marked.has(row));
        const twisty = element.querySelector('.twisty');
        twisty?.setAttribute('aria-expanded', String(!folded));
        twisty?.setAttribute(
          'title',
          folded ? 'Show the calls it made' : 'Hide the ' + fmtCount(row.descendants) + ' calls below',
        );
        element.querySelector('.hidden-count')!.textContent = folded ? '+' + fmtCount(row.descendants) : '';
      }
      findCount.textContent = findText === '' ? '' : found.length === 1 ? '1 call' : fmtCount(found.length) + ' calls';
      return found;
    };
    find.addEventListener('input', () => {
      findText = find.value.trim();
      show();
    });
    find.addEventListener('keydown', event => {
      if (event.key !== 'Enter') return;
      const found = show();
      if (!found.length) return;
      const at = found.findIndex(row => String(row.call.id) === current);
      const next = found[(at + 1) % found.length]!;
      select(next);
      elements.get(next)!.scrollIntoView({ block: 'nearest' });
    });
    const fold = (all: boolean) => {
      collapsed.clear();
      if (all) for (const row of roots) collapsed.add(row.call.spanId);
      show();
    };

    for (const row of ordered) {
      const c = row.call;
      const twisty = row.children.length
        ? h('button', {
            type: 'button',
            class: 'twisty',
            'aria-label': 'Collapse or expand',
            onclick: (event: Event) => {
              event.stopPropagation();
              if (!collapsed.delete(c.spanId)) collapsed.add(c.spanId);
              show();
            },
          })
        : h('span', { class: 'twisty leaf' });
      const element: HTMLElement = h(
        'div',
        {
          class: 'row' + (String(c.id) === current ? ' current' : ''),
          'data-call': c.id,
          title: c.process + (c.errorType ? ' — ' + c.errorType + ': ' + c.errorMessage : ''),
          onclick: () => select(row),
        },
        h(
          'div',
          { class: 'label', style: 'padding-left:' + (4 + row.level * 16) + 'px' },
          twisty,
          h('span', { class: 'name', text: c.process }),
          h('span', { class: 'hidden-count' }),
        ),
        h('div', { class: 'args mono', title: c.args, text: c.args }),
        h(
          'div',
          { class: 'track' },
          h('div', {
            class: 'bar ' + c.status,
            'data-owner': c.owner,
            style:
              'left:' +
              pct(c.startUs - start) +
              ';width:' +
              pct(c.durationUs) +
              (c.status === 'ERR' ? '' : ';background:' + colours.get(c.owner)),
          }),
        ),
        h('div', { class: 'dur', text: fmtDuration(c.durationUs) }),
        h('div', { class: 'dur self', text: fmtDuration(row.selfUs) }),
      );
      elements.set(row, element);
    }

    const root = roots[0];
    append(
      view,
      h(
        'div',
        { class: 'detail-head' },
        h('h1', {
          id: 'trace-root',
          text: root
            ? root.call.process + (roots.length > 1 ? ' and ' + (roots.length - 1) + ' more roots' : '')
            : 'Trace',
        }),
        h('span', { class: 'muted mono', text: 'trace ' + trace.traceId }),
        h('span', { class: 'copy-id' }, copyButton(trace.traceId)),
        h('span', {
          class: 'muted',
          text:
            fmtCount(trace.calls.length) +
            ' calls, ' +
            fmtDuration(total) +
            (errors ? ', ' + fmtCount(errors) + ' failed' : '') +
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
            { class: 'trace-tools' },
            find,
            findCount,
            h('button', { type: 'button', id: 'trace-expand-all', text: 'Expand all', onclick: () => fold(false) }),
            h('button', { type: 'button', id: 'trace-collapse-all', text: 'Collapse all', onclick: () => fold(true) }),
            h(
              'div',
              { class: 'legend', id: 'trace-legend' },
              // Only the colours drawn: a group whose every call failed has only red bars.
              [...colours]
                .filter(([owner]) => trace.calls.some(c => c.owner === owner && c.status !== 'ERR'))
                .map(([owner, colour]) =>
                  h('span', { 'data-owner': owner }, h('i', { class: 'swatch', style: 'background:' + colour }), owner),
                ),
              errors ? h('span', null, h('i', { class: 'swatch', style: 'background:var(--err)' }), 'failed') : null,
            ),
          ),
          h(
            'div',
            { class: 'axis' },
            h('span', { style: 'padding-left:12px', text: 'Call' }),
            h('span', { text: 'Arguments' }),
            h(
              'div',
              { class: 'ticks' },
              // Round durations, as far as the trace lasts; a label near an end aligns inward to stay inside.
              niceTicks(total, 4)
                .filter(us => us <= total)
                .map(us => {
                  const f = us / total;
                  const shift = f < 0.05 ? '0' : f > 0.95 ? '-100%' : '-50%';
                  return h('span', {
                    style: 'left:' + f * 100 + '%;transform:translateX(' + shift + ')',
                    text: us === 0 ? '0' : formatDuration(us),
                  });
                }),
            ),
            h('span', { style: 'text-align:right', text: 'Duration' }),
            h('span', { style: 'text-align:right;padding-right:12px', text: 'Self' }),
          ),
          [...elements.values()],
        ),
        panel,
      ),
    );
    show();
    if (current) openSpan(panel, current);
  };
}
