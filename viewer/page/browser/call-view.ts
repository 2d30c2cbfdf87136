/** One call: its facts, error, inputs and outputs, source, signature, parent and children. */
import { errorDetail, expectedBadge } from './error-detail';
import { api, type CallDetail } from './api';
import { loadFunctions } from './controls';
import { append, copyButton, h } from './dom';
import { badge, fmtDuration, fmtTime } from './format';
import { changeDetector, clearError, type Route } from './router';
import { state, view } from './state';
import { valueRows } from './values';

export function callView(route: Route): () => Promise<void> {
  const changed = changeDetector();
  return async function load() {
    const [d] = await Promise.all([
      api<CallDetail>('calls/' + encodeURIComponent(route.arg)),
      state.functions.length ? null : loadFunctions(),
    ]);
    clearError();
    if (!changed(d)) return;
    const call = d.call;
    const fn = d.function ?? { name: '?', params: [], returnType: '?', file: '?', line: 0, kind: '?' };
    view.textContent = '';
    const fact = (label: string, value: string) => h('div', null, h('span', { text: label }), h('b', { text: value }));
    // Ids are whole or useless: on one line, with a button that copies them.
    const idFact = (label: string, value: string, id: string) =>
      h(
        'div',
        { class: value.length > 12 ? 'wide' : null },
        h('span', { text: label }),
        h('b', { class: 'id', id }, value, copyButton(value)),
      );
    append(
      view,
      h(
        'div',
        { class: 'detail-head', id: 'call-detail' },
        h('h1', { text: call.process }),
        badge(call.status),
        h('span', { class: 'muted', text: fmtDuration(call.durationUs) }),
        h('span', { class: 'spacer', style: 'flex:1' }),
        h('a', {
          class: 'button',
          id: 'trace-link',
          href: '#/trace/' + call.traceId + '?call=' + call.id,
          text: 'Trace timeline',
        }),
        h('a', {
          class: 'button',
          href: '#/calls?fn=' + encodeURIComponent(call.process),
          text: 'All calls of this function',
        }),
      ),
      h(
        'div',
        { class: 'panel facts' },
        fact('Started', fmtTime(call.startUs)),
        fact('Duration', fmtDuration(call.durationUs)),
        idFact('Call id', String(call.id), 'fact-call-id'),
        idFact('Span', call.spanId, 'fact-span-id'),
        idFact('Trace', call.traceId, 'fact-trace-id'),
        fact('Depth', String(call.depth)),
        fact('Process / thread', call.pid + ' / ' + call.threadId),
        fact('Kind', fn.kind),
      ),
      call.status === 'ERR'
        ? h(
            'div',
            { class: 'errorbox', id: 'call-error' },
            h(
              'div',
              { class: 'msg', text: call.errorType + ': ' + call.errorMessage },
              call.errorExpected === 1 ? [' ', expectedBadge(true)] : null,
            ),
            errorDetail(call.errorDetail, 'call-error-detail'),
            call.errorStack ? h('pre', { text: stackFrames(call.errorStack) }) : null,
          )
        : null,
    );

    const valuesTable = (direction: 'INPUT' | 'OUTPUT', id: string) => {
      const rows = call.values.filter(v => v.direction === direction);
      if (rows.length === 0) {
        return h('div', {
          class: 'panel empty',
          text: direction === 'INPUT' ? 'No inputs recorded.' : 'No outputs recorded.',
        });
      }
      return h(
        'div',
        { class: 'panel' },
        h(
          'table',
          { class: 'grid values-table', id },
          h(
            'thead',
            null,
            h('tr', null, h('th', { text: 'Name' }), h('th', { text: 'Declared type' }), h('th', { text: 'Value' })),
          ),
          h('tbody', null, valueRows(rows, 'call', true)),
        ),
      );
    };

    const parent = d.parent
      ? h(
          'ul',
          { class: 'links' },
          h(
            'li',
            null,
            h('a', { id: 'parent-link', href: '#/call/' + d.parent.id, text: d.parent.process }),
            badge(d.parent.status),
            h('span', { class: 'muted', text: fmtDuration(d.parent.durationUs) }),
          ),
        )
      : h('div', {
          class: 'empty',
          id: 'parent-none',
          text: call.parentSpanId ? 'Parent call was not recorded.' : 'None: this is a root call.',
        });
    const children = d.children.length
      ? h(
          'ul',
          { class: 'links', id: 'children' },
          d.children
            .slice(0, d.childrenLimit)
            .map(c =>
              h(
                'li',
                null,
                h('a', { href: '#/call/' + c.id, text: c.process }),
                badge(c.status),
                h('span', { class: 'muted', text: fmtDuration(c.durationUs) }),
              ),
            ),
          d.children.length > d.childrenLimit
            ? h('li', { class: 'muted', text: 'More children in the trace timeline.' })
            : null,
        )
      : h('div', { class: 'empty', text: 'No child calls.' });

    const signature = fn.name + '(' + fn.params.map(p => p.name + ': ' + p.type).join(', ') + '): ' + fn.returnType;
    const source = d.source;
    const sourceBox =
      source && source.available
        ? h(
            'div',
            { class: 'source', id: 'source' },
            source.tokens.map((tokens, i) => {
              const number = source.startLine + i;
              const mark = number === source.thrownLine ? 'threw' : number === source.functionLine ? 'here' : null;
              return h(
                'div',
                { class: mark, title: mark === 'threw' ? 'The error was thrown here' : null },
                h('span', { class: 'ln', text: String(number) }),
                tokens.map(([kind, text]) => (kind ? h('span', { class: 't-' + kind, text }) : text)),
              );
            }),
          )
        : h('div', {
            class: 'panel empty',
            id: 'source',
            text: 'Source not available' + (source ? ' (' + source.file + ': ' + source.reason + ')' : '') + '.',
          });

    append(
      view,
      h(
        'div',
        { class: 'columns' },
        h(
          'div',
          null,
          h('h2', { text: 'Inputs' }),
          valuesTable('INPUT', 'inputs'),
          h('h2', { text: 'Outputs' }),
          valuesTable('OUTPUT', 'outputs'),
          h('h2', { text: 'Source' }),
          h('div', { class: 'muted mono', style: 'margin-bottom:6px', text: fn.file + ':' + fn.line }),
          sourceBox,
        ),
        h(
          'div',
          null,
          h('h2', { text: 'Function' }),
          h('div', { class: 'panel mono', style: 'padding:10px 12px', text: signature }),
          h('h2', { text: 'Parent' }),
          h('div', { class: 'panel' }, parent),
          h('h2', {
            text: 'Children (' + d.children.length + (d.children.length > d.childrenLimit ? '+' : '') + ')',
          }),
          h('div', { class: 'panel' }, children),
        ),
      ),
    );
  };
}

/** A stack without its headline, which repeats the error's type and message shown above it. */
function stackFrames(stack: string): string {
  const frame = stack.search(/^\s+at /m);
  return frame > 0 ? stack.slice(frame) : stack;
}
