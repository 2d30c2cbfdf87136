/**
 * The Errors page: failures grouped as issues, with counts, first and last seen, the latest inputs, fields and
 * cause chain; expected groups last and marked. `expected=` names more error types to count as expected.
 */
import { api, query, type ErrorList } from './api';
import { rangeSelect } from './controls';
import { append, h, type Child } from './dom';
import { fmtCount, fmtTime, zoneNote } from './format';
import { errorDetail, expectedBadge } from './error-detail';
import { changeDetector, clearError, setHash, type Route } from './router';
import { view } from './state';
import { shortValue } from './values';

export function errorsView(route: Route): () => Promise<void> {
  const since = route.params.get('since') || '';
  const expected = route.params.get('expected') || '';
  const range = rangeSelect('errors-since', since);
  const expectedBox = h('input', {
    id: 'errors-expected',
    type: 'search',
    value: expected,
    placeholder: 'PaymentDeclinedError,OutOfStockError',
    spellcheck: 'false',
    style: 'width:260px',
  });
  const apply = () => setHash('errors', { since: range.value, expected: expectedBox.value.trim() });
  range.addEventListener('change', apply);
  expectedBox.addEventListener('change', apply);
  const body = h('tbody');
  const note = h('div', { class: 'muted', id: 'errors-note' });
  const columns = ['Errors', 'Error', 'Began in', 'First seen', 'Last seen', 'Latest inputs'];
  append(
    view,
    h(
      'div',
      { class: 'panel filters' },
      h('label', null, 'Time range', range),
      h(
        'label',
        { title: 'Error types to count as expected, besides those tagged expected=' },
        'Expected errors',
        expectedBox,
      ),
      zoneNote(),
    ),
    h(
      'div',
      { class: 'panel' },
      h(
        'table',
        { class: 'grid', id: 'errors-table' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            columns.map((t, i) => h('th', { text: t, class: i === 0 ? 'num' : null })),
          ),
        ),
        body,
      ),
    ),
    note,
  );
  const changed = changeDetector();
  return async function load() {
    const result = await api<ErrorList>('errors', { since, expected });
    clearError();
    if (!changed(result)) return;
    body.textContent = '';
    if (!result.groups.length) {
      body.appendChild(
        h('tr', null, h('td', { colspan: columns.length, class: 'empty', text: 'No errors in this time range.' })),
      );
    }
    for (const g of result.groups) {
      const inputs: Child[] = [];
      g.latestInputs.forEach((v, i) => {
        if (i) inputs.push(', ');
        inputs.push(h('span', { class: 'j-key', text: v.name + '=' }), shortValue(v));
      });
      body.appendChild(
        h(
          'tr',
          {
            class: g.expected ? 'error-group expected' : 'error-group',
            'data-process': g.process,
            'data-type': g.errorType,
          },
          h('td', { class: 'num count' }, fmtCount(g.count), expectedBadge(g.expected)),
          h(
            'td',
            null,
            h('div', { class: 'mono error-text' }, h('b', { text: g.errorType }), ': ' + g.messageShape),
            h(
              'div',
              { class: 'muted mono' },
              'latest: ',
              h('a', { href: '#/call/' + g.latest.callId, class: 'latest', text: g.latest.errorMessage }),
            ),
            g.latest.path.length > 1
              ? h('div', { class: 'muted mono path', text: 'path: ' + g.latest.path.join(' → ') })
              : null,
            errorDetail(g.latest.errorDetail),
          ),
          h(
            'td',
            { class: 'proc' },
            h('a', { href: '#/calls' + query({ fn: g.process, status: 'ERR', layout: 'calls' }), text: g.process }),
          ),
          h('td', { class: 'time', text: fmtTime(g.firstSeenUs) }),
          h('td', { class: 'time', text: fmtTime(g.lastSeenUs) }),
          h('td', { class: 'mono' }, inputs),
        ),
      );
    }
    note.textContent =
      (result.more ? fmtCount(result.more) + ' more groups not shown. ' : '') +
      (result.truncated ? 'Only the newest 100,000 failures were grouped.' : '');
  };
}
