/** The trace timeline's side panel: one call's inputs, outputs and error, without leaving the page. */
import { api, type CallDetail } from './api';
import { append, h } from './dom';
import { badge, fmtDuration } from './format';
import { showError } from './router';
import { valueRows } from './values';

export function openSpan(panel: HTMLElement, id: string): void {
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
