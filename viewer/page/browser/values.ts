/** Recorded values: one highlighted line that opens into pretty JSON, with show more and copy. */
import type { CallValue } from './api';
import { append, copyButton, h, type Child } from './dom';
import { fmtCount } from './format';
import { state } from './state';

const INLINE_LIMIT = 120;
/** A value in the one-row-per-call list shows this many characters; the call's own page shows it whole. */
const SHORT_VALUE = 40;
/** An opened value shows this much until "show more": lines for pretty JSON, characters for a long string. */
const PREVIEW_LINES = 30;
const PREVIEW_CHARS = 2000;

/** A value the runtime could not write as plain JSON (runtime/capture.ts): `{ $type: 'Map', … }`. */
interface Special {
  $type: string;
  [key: string]: unknown;
}

function isSpecial(value: unknown): value is Special {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    typeof (value as { $type?: unknown }).$type === 'string'
  );
}

function specialNode(value: Special): HTMLElement {
  const { $type, ...rest } = value;
  const keys = Object.keys(rest);
  if ($type === 'undefined') return h('span', { class: 'j-special', text: 'undefined' });
  if ($type === 'redacted') return h('span', { class: 'j-special redacted', text: '[redacted]' });
  if (keys.length === 1 && keys[0] === 'value') {
    return h('span', { class: 'j-special', text: $type + '(' + JSON.stringify(rest.value) + ')' });
  }
  return h('span', { class: 'j-special', text: '[' + $type + (keys.length ? ' ' + JSON.stringify(rest) : '') + ']' });
}

/** JSON text with its keys, strings, numbers, booleans and nulls in their colours. */
function highlight(text: string): Child[] {
  const nodes: Child[] = [];
  const token = /("(?:[^"\\]|\\.)*")(\s*:)?|\b(true|false|null)\b|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
  let last = 0;
  let match;
  while ((match = token.exec(text))) {
    if (match.index > last) nodes.push(text.slice(last, match.index));
    const cls = match[1]
      ? match[2]
        ? 'j-key'
        : 'j-str'
      : match[3]
        ? match[3] === 'null'
          ? 'j-null'
          : 'j-bool'
        : 'j-num';
    nodes.push(h('span', { class: cls, text: match[0] }));
    last = token.lastIndex;
  }
  nodes.push(text.slice(last));
  return nodes;
}

function parse(valueJson: string): unknown {
  try {
    return JSON.parse(valueJson);
  } catch {
    return valueJson;
  }
}

/**
 * A value as one highlighted line that opens into pretty JSON. key names the value within its view, so that
 * whether it is open, and shown in full, survives the refreshes that rebuild it.
 */
export function renderValue(valueJson: string, key: string, openAtFirst: boolean): HTMLElement {
  const value = parse(valueJson);
  const box = h('div', { class: 'value' });
  const special = isSpecial(value) ? specialNode(value) : null;
  // A special value (see runtime/capture.ts) that fits on a line is shown by what it stands for; a long one,
  // such as a truncated string's prefix or a Map's entries, opens like any other object.
  if (special && special.textContent!.length <= INLINE_LIMIT) {
    box.appendChild(special);
    return box;
  }
  const compact = typeof value === 'string' && value === valueJson ? value : JSON.stringify(value);
  const simple = value === null || typeof value !== 'object';
  if (simple && compact.length <= INLINE_LIMIT) {
    append(box, h('span', { class: 'line' }, highlight(compact)));
    append(box, h('span', { class: 'actions' }, copyButton(compact)));
    return box;
  }
  const seen = state.opened[key] ?? { open: openAtFirst, all: false };
  const remember = () => (state.opened[key] = seen);
  const pretty = simple ? compact : JSON.stringify(value, null, 2);
  const preview = previewOf(pretty);
  const line = h(
    'span',
    { class: 'line' },
    special
      ? h('span', { class: special.className, text: special.textContent!.slice(0, INLINE_LIMIT - 1) + '…' })
      : highlight(compact.length > INLINE_LIMIT ? compact.slice(0, INLINE_LIMIT - 1) + '…' : compact),
  );
  const pre = h('pre', { class: 'pretty' });
  const fill = () => {
    pre.textContent = '';
    if (seen.all || preview === null) {
      append(pre, highlight(pretty));
      return;
    }
    append(pre, highlight(preview.text), '\n');
    const more = (event: Event) => {
      event.stopPropagation();
      seen.all = true;
      remember();
      fill();
    };
    pre.appendChild(
      h('button', { type: 'button', class: 'show-more', text: 'show more (' + preview.hidden + ')', onclick: more }),
    );
  };
  fill();
  const toggle = h('button', { type: 'button', class: 'toggle' });
  const show = () => {
    pre.hidden = !seen.open;
    line.hidden = seen.open;
    toggle.textContent = seen.open ? 'Collapse' : 'Expand';
  };
  toggle.addEventListener('click', event => {
    event.stopPropagation();
    seen.open = !seen.open;
    remember();
    show();
  });
  show();
  append(box, line, h('span', { class: 'actions' }, toggle, copyButton(pretty)), pre);
  return box;
}

/** The start of a long text and what it leaves out, or null when the text is short enough to show whole. */
function previewOf(text: string): { text: string; hidden: string } | null {
  const lines = text.split('\n');
  if (lines.length > PREVIEW_LINES) {
    const head = lines.slice(0, PREVIEW_LINES).join('\n');
    if (head.length <= PREVIEW_CHARS)
      return { text: head, hidden: fmtCount(lines.length - PREVIEW_LINES) + ' more lines' };
  }
  if (text.length <= PREVIEW_CHARS) return null;
  return { text: text.slice(0, PREVIEW_CHARS), hidden: fmtCount(text.length - PREVIEW_CHARS) + ' more characters' };
}

/**
 * A table row per value: its name, its declared type on a call's own page (not in the narrow side panel), and
 * the value itself, open at first or not.
 */
export function valueRows(values: CallValue[], view: 'call' | 'span', openAtFirst: boolean): HTMLElement[] {
  return values.map(v =>
    h(
      'tr',
      null,
      h('td', { class: 'mono', text: v.name }),
      view === 'call' ? h('td', { class: 'type', text: v.declaredType }) : null,
      h('td', null, renderValue(v.valueJson, valueKey(view, v), openAtFirst)),
    ),
  );
}

export function valueKey(view: string, value: CallValue): string {
  return view + ':' + value.callId + ':' + value.direction + ':' + value.position;
}

/** A value shortened to a few dozen characters, for a cell of the one-row-per-call list. */
export function shortValue(value: CallValue): HTMLElement {
  const parsed = parse(value.valueJson);
  const text = isSpecial(parsed) ? specialNode(parsed).textContent! : JSON.stringify(parsed);
  const long = text.length > SHORT_VALUE;
  return h(
    'span',
    { class: 'short', title: long ? text.slice(0, 2000) : null },
    highlight(long ? text.slice(0, SHORT_VALUE - 1) + '…' : text),
  );
}
