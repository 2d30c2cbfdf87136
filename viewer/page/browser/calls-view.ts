/** The Calls page: filters, then one row per variable (the default) or one row per call, newest first. */
import { api, query, type CallPage, type FunctionInfo, type ListedCall } from './api';
import { choice, functionSelect, loadFunctions, rangeSelect } from './controls';
import { append, h, type Child } from './dom';
import { badge, fmtCount, fmtDuration, fmtTime, zoneNote } from './format';
import { changeDetector, clearError, refresh, setHash, type Route } from './router';
import { state, view } from './state';
import { renderValue, shortValue, valueKey } from './values';

const PAGE_SIZE = 50;
/** The API's own parameter names, so that the page's address, the API request and the CSV link agree. */
const FILTERS = ['fn', 'status', 'direction', 'since', 'value', 'where', 'minDuration', 'maxDuration', 'sort'] as const;

export function callsView(route: Route): () => Promise<void> {
  const filter: Record<string, string> = {};
  for (const name of FILTERS) filter[name] = route.params.get(name) || '';
  const key = JSON.stringify(filter);
  if (state.pager.key !== key) state.pager = { key, stack: [], after: '' };

  const fnSlot = h('label', null, 'Function', functionSelect(filter.fn!));
  const status = choice(
    'filter-status',
    [
      ['', 'Any'],
      ['OK', 'OK'],
      ['ERR', 'ERR'],
    ],
    filter.status!,
  );
  const direction = choice(
    'filter-direction',
    [
      ['', 'Inputs and outputs'],
      ['INPUT', 'INPUT'],
      ['OUTPUT', 'OUTPUT'],
    ],
    filter.direction!,
  );
  const since = rangeSelect('filter-since', filter.since!);
  const layout = route.params.get('layout') || '';
  const layoutSelect = choice(
    'filter-layout',
    [
      ['', 'One row per variable'],
      ['calls', 'One row per call'],
    ],
    layout,
  );
  const sort = choice(
    'filter-sort',
    [
      ['', 'Newest first'],
      ['duration', 'Slowest first'],
    ],
    filter.sort!,
  );
  const textBox = (id: string, value: string, placeholder: string, width: string) =>
    h('input', { id, type: 'search', value, placeholder, spellcheck: 'false', style: 'width:' + width });
  const value = textBox('filter-value', filter.value!, 'SKU-1054', '150px');
  const where = textBox('filter-where', filter.where!, 'userId=44', '150px');
  const minDuration = textBox('filter-min-duration', filter.minDuration!, '100ms', '80px');
  const maxDuration = textBox('filter-max-duration', filter.maxDuration!, '2s', '80px');
  const apply = () => {
    setHash('calls', {
      fn: fnSlot.querySelector('select')!.value,
      status: status.value,
      direction: direction.value,
      since: since.value,
      value: value.value.trim(),
      where: where.value.trim(),
      minDuration: minDuration.value.trim(),
      maxDuration: maxDuration.value.trim(),
      sort: sort.value,
      layout: layoutSelect.value,
    });
  };
  for (const select of [status, direction, since, sort, layoutSelect]) select.addEventListener('change', apply);
  // Text boxes apply on Enter only: applying rebuilds the view, which must not happen while the user moves on
  // to fill in the next box.
  for (const box of [value, where, minDuration, maxDuration]) {
    box.addEventListener('keydown', event => {
      if (event.key === 'Enter') apply();
    });
  }
  fnSlot.addEventListener('change', apply);
  const csv = h('a', {
    class: 'button',
    id: 'export-csv',
    href: '/api/calls.csv' + query(filter),
    download: 'calls.csv',
    text: 'Export CSV',
  });
  const filters = h(
    'div',
    { class: 'panel filters' },
    fnSlot,
    h('label', null, 'Status', status),
    h('label', null, 'Data Type', direction),
    h('label', null, 'Time range', since),
    h('label', { title: 'Text anywhere in the inputs or outputs' }, 'Value contains', value),
    h(
      'label',
      { title: 'name=value (equals) or name~text (contains); name.key reaches into an object' },
      'Where',
      where,
    ),
    h('label', null, 'Min duration', minDuration),
    h('label', null, 'Max duration', maxDuration),
    h('label', null, 'Sort', sort),
    h('label', null, 'Rows', layoutSelect),
    h('span', { class: 'spacer', style: 'flex:1' }),
    csv,
  );

  const summary = h('span', { id: 'calls-summary' });
  const prev = h('button', { type: 'button', id: 'prev-page', text: '← Newer' });
  const next = h('button', { type: 'button', id: 'next-page', text: 'Older →' });
  const body = h('tbody');
  const head = h('thead');
  const table = h('table', { class: 'grid' + (layout ? ' compact' : ''), id: 'calls-table' }, head, body);
  append(
    view,
    filters,
    h('div', { class: 'toolbar' }, summary, zoneNote(), h('span', { class: 'spacer' }), prev, next),
    h('div', { class: 'panel' }, table),
  );

  let nextCursor: string | null = null;
  const changed = changeDetector();
  prev.addEventListener('click', () => {
    state.pager.after = state.pager.stack.pop() || '';
    refresh();
  });
  next.addEventListener('click', () => {
    state.pager.stack.push(state.pager.after);
    state.pager.after = nextCursor ?? '';
    refresh();
  });

  return async function load() {
    if (!state.functions.length) {
      await loadFunctions();
      fnSlot.replaceChild(functionSelect(filter.fn!), fnSlot.querySelector('select')!);
    }
    const page = await api<CallPage>('calls', { limit: PAGE_SIZE, after: state.pager.after, ...filter });
    clearError();
    nextCursor = page.next;
    prev.disabled = state.pager.stack.length === 0;
    next.disabled = !page.next;
    const first = state.pager.stack.length * PAGE_SIZE;
    summary.textContent =
      page.calls.length === 0
        ? 'No calls match.'
        : 'Calls ' +
          fmtCount(first + 1) +
          '–' +
          fmtCount(first + page.calls.length) +
          ' of ' +
          fmtCount(page.total.count) +
          (page.total.capped ? '+' : '');
    if (!changed(page.calls)) return;
    // One row per call: with a single function chosen, its parameters and outputs are the columns.
    const fn = layout ? singleFunction(filter.fn!) : null;
    const columns = !layout
      ? ['Time', 'Process', 'Data', 'Data Type', 'Declared Type', 'Data Value', 'Status', 'Duration']
      : fn
        ? ['Time', 'Trace', ...fn.params.map(p => p.name), ...fn.outputs.map(o => '→ ' + o.name), 'Duration', 'Status']
        : ['Time', 'Trace', 'Call', 'Duration', 'Status'];
    head.textContent = '';
    head.appendChild(
      h(
        'tr',
        null,
        columns.map(t => h('th', { text: t, class: t === 'Duration' ? 'num' : null })),
      ),
    );
    body.textContent = '';
    if (page.calls.length === 0) {
      body.appendChild(
        h('tr', null, h('td', { colspan: columns.length, class: 'empty', text: 'No calls recorded for this filter.' })),
      );
    }
    for (const call of page.calls) append(body, layout ? callLine(call, fn) : callRows(call));
  };
}

/** The one function name picks (by process or own name), or null when it picks none or several. */
function singleFunction(name: string): FunctionInfo | null {
  const matching = state.functions.filter(fn => name && (fn.process === name || fn.name === name));
  return matching.length === 1 ? matching[0]! : null;
}

/** The last digits of a trace id on a colour of its own, so that the calls of interleaved requests stand apart. */
function traceMark(traceId: string): HTMLElement {
  // Root calls are numbered in order, so consecutive traces step by the golden angle to land far apart.
  const hue = Math.round(parseInt(traceId.slice(-6), 16) * 137.508) % 360;
  return h('a', {
    class: 'trace-mark mono',
    href: '#/trace/' + traceId,
    title: 'Trace ' + traceId,
    'data-trace': traceId,
    style: 'background:hsl(' + hue + ',70%,90%)',
    text: '…' + traceId.slice(-4),
  });
}

/** One row per call: placeOrder(userId=37, items=[…]) → {orderId: 5051}, or its values in the function's columns. */
function callLine(call: ListedCall, fn: FunctionInfo | null): HTMLElement {
  const err = call.status === 'ERR';
  const named = (direction: string, name: string) =>
    call.values.find(v => v.direction === direction && v.name === name);
  const error = err
    ? h('span', { class: 'error-text mono', text: '✗ ' + call.errorType + ': ' + call.errorMessage })
    : null;
  let cells: HTMLElement[];
  if (fn) {
    const inputs = fn.params.map(p => {
      const v = named('INPUT', p.name);
      return h('td', { class: 'mono' }, v ? shortValue(v) : null);
    });
    const outputs = err
      ? [h('td', { colspan: Math.max(1, fn.outputs.length) }, error)]
      : fn.outputs.map(o => {
          const v = named('OUTPUT', o.name);
          return h('td', { class: 'mono' }, v ? shortValue(v) : null);
        });
    cells = [...inputs, ...(fn.outputs.length || err ? outputs : [])];
  } else {
    const list = (direction: string, separator: string) => {
      const parts: Child[] = [];
      call.values
        .filter(v => v.direction === direction)
        .forEach((v, i) => {
          if (i) parts.push(', ');
          parts.push(h('span', { class: 'j-key', text: v.name + separator }), shortValue(v));
        });
      return parts;
    };
    const outputs = call.values.filter(v => v.direction === 'OUTPUT');
    const result = err
      ? error
      : outputs.length === 1 && outputs[0]!.name === 'result'
        ? shortValue(outputs[0]!)
        : outputs.length
          ? ['{', list('OUTPUT', ': '), '}']
          : null;
    cells = [
      h(
        'td',
        { class: 'mono call-line' },
        h('span', { class: 'fn', text: call.process }),
        '(',
        list('INPUT', '='),
        ')',
        result ? [' → ', result] : null,
      ),
    ];
  }
  return h(
    'tr',
    { class: 'first call-row' + (err ? ' err' : ''), 'data-call': call.id, 'data-trace': call.traceId },
    h(
      'td',
      { class: 'time' },
      h('a', {
        class: 'call-link',
        href: '#/call/' + call.id,
        title: 'All values of this call',
        text: fmtTime(call.startUs),
      }),
    ),
    h('td', null, traceMark(call.traceId)),
    cells,
    h('td', { class: 'num', text: fmtDuration(call.durationUs) }),
    h('td', null, badge(call.status)),
  );
}

/** One row per variable: the call's time, function and error on its first row. */
function callRows(call: ListedCall): HTMLElement[] {
  const values = call.values.length ? call.values : [null];
  const err = call.status === 'ERR';
  return values.map((value, index) => {
    const firstRow = index === 0;
    return h(
      'tr',
      { class: (firstRow ? 'first ' : '') + (err ? 'err' : ''), 'data-call': call.id },
      h(
        'td',
        { class: 'time' },
        firstRow ? h('a', { class: 'call-link', href: '#/call/' + call.id, text: fmtTime(call.startUs) }) : null,
      ),
      h(
        'td',
        { class: 'proc' },
        firstRow
          ? [
              call.process,
              err ? h('div', { class: 'mono error-text', text: call.errorType + ': ' + call.errorMessage }) : null,
            ]
          : null,
      ),
      h('td', { class: 'mono', text: value ? value.name : '' }),
      h('td', null, value ? h('span', { class: 'badge dir', text: value.direction }) : null),
      h('td', { class: 'type', text: value ? value.declaredType : '' }),
      h(
        'td',
        null,
        value
          ? renderValue(value.valueJson, valueKey('calls', value), false)
          : h('span', { class: 'muted', text: 'no values' }),
      ),
      h('td', null, badge(call.status)),
      h('td', { class: 'num', text: firstRow ? fmtDuration(call.durationUs) : '' }),
    );
  });
}
