/**
 * The dashboard's browser code: a small hash-routed page (calls, call detail, trace timeline, functions) that
 * builds its DOM from the JSON API with textContent only, so no recorded value is ever parsed as HTML.
 *
 * It is plain ES2020 served as one file; the chart function and the recording notes are the same ones the command
 * line and the HTML report use, inserted as source text (see charts.ts).
 */
import { renderTimeChart } from '../charts';
import { printable } from '../printable';
import { dropReasonText, dropWarning, ringNote } from '../recording-notes';

const APP = String.raw`
(function () {
  'use strict';

  var REFRESH_MS = 5000;
  var PAGE_SIZE = 50;
  var INLINE_LIMIT = 120;
  // A value in the one-row-per-call list shows this many characters; the call's own page shows it whole.
  var SHORT_VALUE = 40;
  // An opened value shows this much until "show more": lines for pretty JSON, characters for a long string.
  var PREVIEW_LINES = 30;
  var PREVIEW_CHARS = 2000;
  var RANGES = [['', 'All time'], ['5m', 'Last 5 minutes'], ['15m', 'Last 15 minutes'], ['1h', 'Last hour'],
    ['6h', 'Last 6 hours'], ['24h', 'Last 24 hours'], ['7d', 'Last 7 days']];

  var view = document.getElementById('view');
  var stamp = document.getElementById('last-updated');
  var autoRefresh = document.getElementById('auto-refresh');
  // opened: what the user opened in each value (see renderValue), kept across the refreshes that rebuild it.
  var state = { load: null, lastUpdated: null, timer: null, functions: [], pager: { key: '', stack: [], after: '' }, opened: {}, utc: localStorage.getItem('observatory.utc') === '1' };

  // ---- DOM and formatting helpers ----

  function h(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === undefined || value === null || value === false) return;
      // Recorded text reaches the page only through here and append: its bidi and other controls are shown
      // as escapes (printable.ts), so that they cannot reorder or hide what is displayed.
      if (key === 'text') node.textContent = printable(String(value), true);
      else if (key === 'title') node.title = printable(String(value), true);
      else if (key === 'class') node.className = value;
      // Through the CSSOM, which the page's Content-Security-Policy allows, unlike style attributes.
      else if (key === 'style') node.style.cssText = value;
      else if (key.slice(0, 2) === 'on') node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? '' : value);
    });
    append.apply(null, [node].concat(Array.prototype.slice.call(arguments, 2)));
    return node;
  }

  /** Appends each argument after the first: nodes, text, arrays of them; null and false are skipped. */
  function append(node) {
    for (var i = 1; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === undefined || child === null || child === false) continue;
      if (Array.isArray(child)) child.forEach(function (c) { append(node, c); });
      else node.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(printable(String(child), true)) : child);
    }
  }

  function pad(n, width) { return String(n).padStart(width || 2, '0'); }

  // Recorded times are shown in the zone the header's UTC switch picks (local unless it is on), and say which.
  function fmtTime(us) {
    var d = new Date(us / 1000);
    var u = state.utc;
    return (u ? d.getUTCFullYear() : d.getFullYear()) + '-' + pad((u ? d.getUTCMonth() : d.getMonth()) + 1) + '-' + pad(u ? d.getUTCDate() : d.getDate()) +
      ' ' + fmtClock(d, u) + '.' + pad(u ? d.getUTCMilliseconds() : d.getMilliseconds(), 3);
  }

  /** The clock time of d, in local time unless utc; the page's own times (Last updated) are always local. */
  function fmtClock(d, utc) {
    return utc ? pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) + ':' + pad(d.getUTCSeconds())
      : pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  }

  /** 'UTC' or 'local time (UTC+01:00)': the zone the recorded times are shown in. */
  function zoneName() {
    if (state.utc) return 'UTC';
    var offset = -new Date().getTimezoneOffset();
    return 'local time (UTC' + (offset < 0 ? '−' : '+') + pad(Math.floor(Math.abs(offset) / 60)) + ':' + pad(Math.abs(offset) % 60) + ')';
  }

  function zoneNote() { return h('span', { class: 'muted zone-note', text: 'Times in ' + zoneName() }); }

  function fmtDuration(us) {
    if (us === null || us === undefined) return '–';
    if (us < 1000) return us.toFixed(us < 10 ? 2 : us < 100 ? 1 : 0) + ' µs';
    if (us < 1e6) return (us / 1000).toFixed(us < 1e4 ? 2 : us < 1e5 ? 1 : 0) + ' ms';
    return (us / 1e6).toFixed(2) + ' s';
  }

  function fmtCount(n) { return Number(n).toLocaleString('en-US'); }

  function badge(status) { return h('span', { class: 'badge ' + status, text: status }); }

  function query(params) {
    var parts = [];
    Object.keys(params).forEach(function (key) {
      if (params[key] !== '' && params[key] !== undefined && params[key] !== null) parts.push(encodeURIComponent(key) + '=' + encodeURIComponent(params[key]));
    });
    return parts.length ? '?' + parts.join('&') : '';
  }

  function api(path, params) {
    return fetch('/api/' + path + query(params || {}), { headers: { accept: 'application/json' } }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) throw Object.assign(new Error(body.error || ('HTTP ' + response.status)), { status: response.status });
        return body;
      });
    });
  }

  function svg(markup) {
    // Chart markup comes from renderTimeChart/renderPercentileBars, which escape every text they draw.
    var holder = h('div');
    holder.innerHTML = markup;
    return holder;
  }

  // ---- Values: pretty JSON, expand/collapse, show more, copy ----

  function isSpecial(value) { return value !== null && typeof value === 'object' && !Array.isArray(value) && typeof value.$type === 'string'; }

  function specialNode(value) {
    var rest = Object.assign({}, value);
    delete rest.$type;
    var keys = Object.keys(rest);
    if (value.$type === 'undefined') return h('span', { class: 'j-special', text: 'undefined' });
    if (value.$type === 'redacted') return h('span', { class: 'j-special redacted', text: '[redacted]' });
    if (keys.length === 1 && keys[0] === 'value') return h('span', { class: 'j-special', text: value.$type + '(' + JSON.stringify(rest.value) + ')' });
    return h('span', { class: 'j-special', text: '[' + value.$type + (keys.length ? ' ' + JSON.stringify(rest) : '') + ']' });
  }

  function highlight(text) {
    var nodes = [];
    var token = /("(?:[^"\\]|\\.)*")(\s*:)?|\b(true|false|null)\b|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
    var last = 0;
    var match;
    while ((match = token.exec(text))) {
      if (match.index > last) nodes.push(text.slice(last, match.index));
      var cls = match[1] ? (match[2] ? 'j-key' : 'j-str') : match[3] ? (match[3] === 'null' ? 'j-null' : 'j-bool') : 'j-num';
      nodes.push(h('span', { class: cls, text: match[0] }));
      last = token.lastIndex;
    }
    nodes.push(text.slice(last));
    return nodes;
  }

  function copyButton(text) {
    var button = h('button', { type: 'button', title: 'Copy to clipboard', text: 'Copy' });
    button.addEventListener('click', function (event) {
      event.stopPropagation();
      var done = function () { button.textContent = 'Copied'; setTimeout(function () { button.textContent = 'Copy'; }, 1200); };
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
      else { fallbackCopy(text); done(); }
    });
    return button;
  }

  function fallbackCopy(text) {
    var area = h('textarea', { style: 'position:fixed;opacity:0' });
    area.value = text;
    document.body.appendChild(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }

  /**
   * A value as one highlighted line that opens into pretty JSON. key names the value within its view, so that
   * whether it is open, and shown in full, survives the refreshes that rebuild it.
   */
  function renderValue(valueJson, key, openAtFirst) {
    var value;
    try { value = JSON.parse(valueJson); } catch (e) { value = valueJson; }
    var box = h('div', { class: 'value' });
    var special = isSpecial(value) ? specialNode(value) : null;
    // A special value (see runtime/capture.ts) that fits on a line is shown by what it stands for; a long one,
    // such as a truncated string's prefix or a Map's entries, opens like any other object.
    if (special && special.textContent.length <= INLINE_LIMIT) {
      box.appendChild(special);
      return box;
    }
    var compact = typeof value === 'string' && value === valueJson ? value : JSON.stringify(value);
    var simple = value === null || typeof value !== 'object';
    if (simple && compact.length <= INLINE_LIMIT) {
      append(box, h('span', { class: 'line' }, highlight(compact)));
      append(box, h('span', { class: 'actions' }, copyButton(compact)));
      return box;
    }
    var seen = state.opened[key] || { open: openAtFirst, all: false };
    var remember = function () { state.opened[key] = seen; };
    var pretty = simple ? compact : JSON.stringify(value, null, 2);
    var preview = previewOf(pretty);
    var line = h('span', { class: 'line' }, special
      ? h('span', { class: special.className, text: special.textContent.slice(0, INLINE_LIMIT - 1) + '…' })
      : highlight(compact.length > INLINE_LIMIT ? compact.slice(0, INLINE_LIMIT - 1) + '…' : compact));
    var pre = h('pre', { class: 'pretty' });
    var fill = function () {
      pre.textContent = '';
      var all = seen.all || preview === null;
      append(pre, highlight(all ? pretty : preview.text));
      if (!all) {
        pre.appendChild(document.createTextNode('\n'));
        pre.appendChild(h('button', { type: 'button', class: 'show-more', text: 'show more (' + preview.hidden + ')', onclick: function (event) { event.stopPropagation(); seen.all = true; remember(); fill(); } }));
      }
    };
    fill();
    var toggle = h('button', { type: 'button', class: 'toggle' });
    var show = function () {
      pre.hidden = !seen.open;
      line.hidden = seen.open;
      toggle.textContent = seen.open ? 'Collapse' : 'Expand';
    };
    toggle.addEventListener('click', function (event) { event.stopPropagation(); seen.open = !seen.open; remember(); show(); });
    show();
    append(box, line, h('span', { class: 'actions' }, toggle, copyButton(pretty)), pre);
    return box;
  }

  /** The start of a long text and what it leaves out, or null when the text is short enough to show whole. */
  function previewOf(text) {
    var lines = text.split('\n');
    if (lines.length > PREVIEW_LINES) {
      var head = lines.slice(0, PREVIEW_LINES).join('\n');
      if (head.length <= PREVIEW_CHARS) return { text: head, hidden: fmtCount(lines.length - PREVIEW_LINES) + ' more lines' };
    }
    if (text.length <= PREVIEW_CHARS) return null;
    return { text: text.slice(0, PREVIEW_CHARS), hidden: fmtCount(text.length - PREVIEW_CHARS) + ' more characters' };
  }

  function valueKey(view, value) { return view + ':' + value.callId + ':' + value.direction + ':' + value.position; }

  // ---- Routing and refresh ----

  function parseHash() {
    var hash = location.hash.replace(/^#\/?/, '');
    var queryAt = hash.indexOf('?');
    var path = queryAt < 0 ? hash : hash.slice(0, queryAt);
    var params = new URLSearchParams(queryAt < 0 ? '' : hash.slice(queryAt + 1));
    var parts = path.split('/');
    return { name: parts[0] || 'calls', arg: parts.slice(1).map(decodeURIComponent).join('/'), params: params };
  }

  function route() {
    var route = parseHash();
    document.querySelectorAll('header nav a').forEach(function (link) {
      var own = ['functions', 'errors'].indexOf(route.name) >= 0;
      var active = link.getAttribute('data-view') === route.name || (!own && link.getAttribute('data-view') === 'calls');
      link.classList.toggle('active', active);
    });
    var views = { calls: callsView, call: callView, trace: traceView, functions: functionsView, errors: errorsView, find: findView };
    view.textContent = '';
    // What the last page loaded says nothing about this one.
    state.lastUpdated = null;
    stamp.textContent = 'Loading…';
    state.load = (views[route.name] || callsView)(route);
    refresh();
  }

  function refresh() {
    if (!state.load) return;
    state.load().then(function () {
      state.lastUpdated = new Date();
      updateStamp();
    }, showError);
  }

  function showError(error) {
    state.lastUpdated = null;
    stamp.textContent = error.status === 404 ? 'Not found' : 'Update failed at ' + fmtClock(new Date());
    if (error.status === 404) {
      // A page about something that is not there: say what was looked for, and leave nothing of the old page.
      view.textContent = '';
      view.appendChild(h('div', { class: 'panel empty not-found', id: 'not-found', role: 'alert' }, h('h1', { text: 'Not found' }), h('div', { text: error.message })));
      return;
    }
    var old = view.querySelector('.error-banner');
    if (old) old.remove();
    view.insertBefore(h('div', { class: 'error-banner', role: 'alert', text: error.message }), view.firstChild);
  }

  /** A stack without its headline, which repeats the error's type and message shown above it. */
  function stackFrames(stack) {
    var frame = stack.search(/^\s+at /m);
    return frame > 0 ? stack.slice(frame) : stack;
  }

  // ---- Jump to a call, span, trace or function ----

  function findView(route) {
    return function load() {
      return api('jump', { q: route.arg }).then(function (found) { location.replace(found.href); });
    };
  }

  function clearError() {
    var old = view.querySelector('.error-banner');
    if (old) old.remove();
  }

  function updateStamp() {
    if (!state.lastUpdated) return;
    var seconds = Math.max(0, Math.round((Date.now() - state.lastUpdated.getTime()) / 1000));
    stamp.textContent = 'Last updated ' + fmtClock(state.lastUpdated) + ' (' + seconds + (seconds === 1 ? ' second' : ' seconds') + ' ago)';
  }

  function rangeSelect(id, selected) {
    var select = h('select', { id: id });
    RANGES.forEach(function (range) { select.appendChild(h('option', { value: range[0], text: range[1], selected: range[0] === selected })); });
    return select;
  }

  function functionSelect(selected) {
    var select = h('select', { id: 'filter-fn' }, h('option', { value: '', text: 'All functions' }));
    state.functions.forEach(function (fn) { select.appendChild(h('option', { value: fn.process, text: fn.process, selected: fn.process === selected })); });
    return select;
  }

  function loadFunctions() {
    return api('functions').then(function (body) { state.functions = body.functions; });
  }

  function setHash(name, params) { location.hash = '#/' + name + query(params); }

  /**
   * For a view's loader: changed(content) is false when a refresh brought the same content the view last drew,
   * which the view then leaves alone, keeping the scroll position, a text selection and every opened value.
   */
  function changeDetector() {
    var drawn = null;
    return function changed(content) {
      var text = JSON.stringify(content);
      if (text === drawn) return false;
      drawn = text;
      return true;
    };
  }

  // ---- Calls: one row per variable ----

  function callsView(route) {
    var p = route.params;
    // The API's own parameter names, so that the page's address, the API request and the CSV link agree.
    var filter = {};
    ['fn', 'status', 'direction', 'since', 'value', 'where', 'minDuration', 'maxDuration', 'sort'].forEach(function (name) { filter[name] = p.get(name) || ''; });
    var key = JSON.stringify(filter);
    if (state.pager.key !== key) state.pager = { key: key, stack: [], after: '' };

    var fnSlot = h('label', null, 'Function', functionSelect(filter.fn));
    var status = h('select', { id: 'filter-status' }, [['', 'Any'], ['OK', 'OK'], ['ERR', 'ERR']].map(function (o) { return h('option', { value: o[0], text: o[1], selected: o[0] === filter.status }); }));
    var direction = h('select', { id: 'filter-direction' }, [['', 'Inputs and outputs'], ['INPUT', 'INPUT'], ['OUTPUT', 'OUTPUT']].map(function (o) { return h('option', { value: o[0], text: o[1], selected: o[0] === filter.direction }); }));
    var since = rangeSelect('filter-since', filter.since);
    var layout = route.params.get('layout') || '';
    var layoutSelect = h('select', { id: 'filter-layout' }, [['', 'One row per variable'], ['calls', 'One row per call']].map(function (o) { return h('option', { value: o[0], text: o[1], selected: o[0] === layout }); }));
    var sort = h('select', { id: 'filter-sort' }, [['', 'Newest first'], ['duration', 'Slowest first']].map(function (o) { return h('option', { value: o[0], text: o[1], selected: o[0] === filter.sort }); }));
    var textBox = function (id, value, placeholder, width) { return h('input', { id: id, type: 'search', value: value, placeholder: placeholder, spellcheck: 'false', style: 'width:' + width }); };
    var value = textBox('filter-value', filter.value, 'SKU-1054', '150px');
    var where = textBox('filter-where', filter.where, 'userId=44', '150px');
    var minDuration = textBox('filter-min-duration', filter.minDuration, '100ms', '80px');
    var maxDuration = textBox('filter-max-duration', filter.maxDuration, '2s', '80px');
    var apply = function () {
      setHash('calls', { fn: fnSlot.querySelector('select').value, status: status.value, direction: direction.value, since: since.value,
        value: value.value.trim(), where: where.value.trim(), minDuration: minDuration.value.trim(), maxDuration: maxDuration.value.trim(), sort: sort.value,
        layout: layoutSelect.value });
    };
    [status, direction, since, sort, layoutSelect].forEach(function (select) { select.addEventListener('change', apply); });
    // Text boxes apply on Enter only: applying rebuilds the view, which must not happen while the user moves on
    // to fill in the next box.
    [value, where, minDuration, maxDuration].forEach(function (box) {
      box.addEventListener('keydown', function (event) { if (event.key === 'Enter') apply(); });
    });
    fnSlot.addEventListener('change', apply);
    var csv = h('a', { class: 'button', id: 'export-csv', href: '/api/calls.csv' + query(filter), download: 'calls.csv', text: 'Export CSV' });
    var filters = h('div', { class: 'panel filters' }, fnSlot, h('label', null, 'Status', status), h('label', null, 'Data Type', direction), h('label', null, 'Time range', since),
      h('label', { title: 'Text anywhere in the inputs or outputs' }, 'Value contains', value),
      h('label', { title: 'name=value (equals) or name~text (contains); name.key reaches into an object' }, 'Where', where),
      h('label', null, 'Min duration', minDuration), h('label', null, 'Max duration', maxDuration), h('label', null, 'Sort', sort), h('label', null, 'Rows', layoutSelect),
      h('span', { class: 'spacer', style: 'flex:1' }), csv);

    var summary = h('span', { id: 'calls-summary' });
    var prev = h('button', { type: 'button', id: 'prev-page', text: '← Newer' });
    var next = h('button', { type: 'button', id: 'next-page', text: 'Older →' });
    var body = h('tbody');
    var head = h('thead');
    var table = h('table', { class: 'grid' + (layout ? ' compact' : ''), id: 'calls-table' }, head, body);
    append(view, filters, h('div', { class: 'toolbar' }, summary, zoneNote(), h('span', { class: 'spacer' }), prev, next), h('div', { class: 'panel' }, table));

    var nextCursor = null;
    var changed = changeDetector();
    prev.addEventListener('click', function () { state.pager.after = state.pager.stack.pop() || ''; refresh(); });
    next.addEventListener('click', function () { state.pager.stack.push(state.pager.after); state.pager.after = nextCursor; refresh(); });

    return function load() {
      var functionsReady = state.functions.length ? Promise.resolve() : loadFunctions().then(function () {
        fnSlot.replaceChild(functionSelect(filter.fn), fnSlot.querySelector('select'));
      });
      return functionsReady.then(function () {
        return api('calls', Object.assign({ limit: PAGE_SIZE, after: state.pager.after }, filter));
      }).then(function (page) {
        clearError();
        nextCursor = page.next;
        prev.disabled = state.pager.stack.length === 0;
        next.disabled = !page.next;
        var first = state.pager.stack.length * PAGE_SIZE;
        summary.textContent = page.calls.length === 0 ? 'No calls match.'
          : 'Calls ' + fmtCount(first + 1) + '–' + fmtCount(first + page.calls.length) + ' of ' + fmtCount(page.total.count) + (page.total.capped ? '+' : '');
        if (!changed(page.calls)) return;
        // One row per call: with a single function chosen, its parameters and outputs are the columns.
        var fn = layout ? singleFunction(filter.fn) : null;
        var columns = !layout ? ['Time', 'Process', 'Data', 'Data Type', 'Declared Type', 'Data Value', 'Status', 'Duration']
          : fn ? ['Time', 'Trace'].concat(fn.params.map(function (p) { return p.name; }), fn.outputs.map(function (o) { return '→ ' + o.name; }), ['Duration', 'Status'])
          : ['Time', 'Trace', 'Call', 'Duration', 'Status'];
        head.textContent = '';
        head.appendChild(h('tr', null, columns.map(function (t) { return h('th', { text: t, class: t === 'Duration' ? 'num' : null }); })));
        body.textContent = '';
        if (page.calls.length === 0) body.appendChild(h('tr', null, h('td', { colspan: columns.length, class: 'empty', text: 'No calls recorded for this filter.' })));
        page.calls.forEach(function (call) { append(body, layout ? callLine(call, fn) : callRows(call)); });
      });
    };
  }

  /** The one function name picks (by process or own name), or null when it picks none or several. */
  function singleFunction(name) {
    var matching = state.functions.filter(function (fn) { return name && (fn.process === name || fn.name === name); });
    return matching.length === 1 ? matching[0] : null;
  }

  /** A value shortened to a few dozen characters, for a cell of the one-row-per-call list. */
  function shortValue(value) {
    var parsed;
    try { parsed = JSON.parse(value.valueJson); } catch (e) { parsed = value.valueJson; }
    var text = isSpecial(parsed) ? specialNode(parsed).textContent : JSON.stringify(parsed);
    return h('span', { class: 'short', title: text.length > SHORT_VALUE ? text.slice(0, 2000) : null }, highlight(text.length > SHORT_VALUE ? text.slice(0, SHORT_VALUE - 1) + '…' : text));
  }

  /** The last digits of a trace id on a colour of its own, so that the calls of interleaved requests stand apart. */
  function traceMark(traceId) {
    // Root calls are numbered in order, so consecutive traces step by the golden angle to land far apart.
    var hue = Math.round(parseInt(traceId.slice(-6), 16) * 137.508) % 360;
    return h('a', { class: 'trace-mark mono', href: '#/trace/' + traceId, title: 'Trace ' + traceId, 'data-trace': traceId, style: 'background:hsl(' + hue + ',70%,90%)', text: '…' + traceId.slice(-4) });
  }

  /** One row per call: placeOrder(userId=37, items=[…]) → {orderId: 5051}, or its values in the function's columns. */
  function callLine(call, fn) {
    var err = call.status === 'ERR';
    var named = function (direction, name) { return call.values.filter(function (v) { return v.direction === direction && v.name === name; })[0]; };
    var error = err ? h('span', { class: 'error-text mono', text: '✗ ' + call.errorType + ': ' + call.errorMessage }) : null;
    var cells;
    if (fn) {
      var inputs = fn.params.map(function (p) { var v = named('INPUT', p.name); return h('td', { class: 'mono' }, v ? shortValue(v) : null); });
      var outputs = err ? [h('td', { colspan: Math.max(1, fn.outputs.length) }, error)].slice(0, fn.outputs.length || 1)
        : fn.outputs.map(function (o) { var v = named('OUTPUT', o.name); return h('td', { class: 'mono' }, v ? shortValue(v) : null); });
      cells = inputs.concat(fn.outputs.length || err ? outputs : []);
    } else {
      var list = function (direction, separator) {
        var parts = [];
        call.values.filter(function (v) { return v.direction === direction; }).forEach(function (v, i) {
          if (i) parts.push(', ');
          parts.push(h('span', { class: 'j-key', text: v.name + separator }), shortValue(v));
        });
        return parts;
      };
      var outputs = call.values.filter(function (v) { return v.direction === 'OUTPUT'; });
      var result = err ? error : outputs.length === 1 && outputs[0].name === 'result' ? shortValue(outputs[0]) : outputs.length ? ['{', list('OUTPUT', ': '), '}'] : null;
      cells = [h('td', { class: 'mono call-line' }, h('span', { class: 'fn', text: call.process }), '(', list('INPUT', '='), ')', result ? [' → ', result] : null)];
    }
    return h('tr', { class: 'first call-row' + (err ? ' err' : ''), 'data-call': call.id, 'data-trace': call.traceId },
      [h('td', { class: 'time' }, h('a', { class: 'call-link', href: '#/call/' + call.id, title: 'All values of this call', text: fmtTime(call.startUs) })),
        h('td', null, traceMark(call.traceId))].concat(cells, [h('td', { class: 'num', text: fmtDuration(call.durationUs) }), h('td', null, badge(call.status))]));
  }

  function callRows(call) {
    var values = call.values.length ? call.values : [null];
    return values.map(function (value, index) {
      var firstRow = index === 0;
      var err = call.status === 'ERR';
      return h('tr', { class: (firstRow ? 'first ' : '') + (err ? 'err' : ''), 'data-call': call.id },
        h('td', { class: 'time' }, firstRow ? h('a', { class: 'call-link', href: '#/call/' + call.id, text: fmtTime(call.startUs) }) : null),
        h('td', { class: 'proc' }, firstRow ? [call.process, err ? h('div', { class: 'mono error-text', text: call.errorType + ': ' + call.errorMessage }) : null] : null),
        h('td', { class: 'mono', text: value ? value.name : '' }),
        h('td', null, value ? h('span', { class: 'badge dir', text: value.direction }) : null),
        h('td', { class: 'type', text: value ? value.declaredType : '' }),
        h('td', null, value ? renderValue(value.valueJson, valueKey('calls', value), false) : h('span', { class: 'muted', text: 'no values' })),
        h('td', null, badge(call.status)),
        h('td', { class: 'num', text: firstRow ? fmtDuration(call.durationUs) : '' }));
    });
  }

  // ---- One call ----

  function callView(route) {
    var changed = changeDetector();
    return function load() {
      return Promise.all([api('calls/' + encodeURIComponent(route.arg)), state.functions.length ? null : loadFunctions()]).then(function (results) {
        var d = results[0];
        clearError();
        if (!changed(d)) return;
        var call = d.call;
        var fn = d.function || { name: '?', params: [], returnType: '?', file: '?', line: 0, kind: '?' };
        view.textContent = '';
        var fact = function (label, value) { return h('div', null, h('span', { text: label }), h('b', { text: value })); };
        // Ids are whole or useless: on one line, with a button that copies them.
        var idFact = function (label, value, id) { return h('div', { class: value.length > 12 ? 'wide' : null }, h('span', { text: label }), h('b', { class: 'id', id: id }, value, copyButton(value))); };
        append(view,
          h('div', { class: 'detail-head', id: 'call-detail' },
            h('h1', { text: call.process }), badge(call.status),
            h('span', { class: 'muted', text: fmtDuration(call.durationUs) }),
            h('span', { class: 'spacer', style: 'flex:1' }),
            h('a', { class: 'button', id: 'trace-link', href: '#/trace/' + call.traceId + '?call=' + call.id, text: 'Trace timeline' }),
            h('a', { class: 'button', href: '#/calls?fn=' + encodeURIComponent(call.process), text: 'All calls of this function' })),
          h('div', { class: 'panel facts' },
            fact('Started', fmtTime(call.startUs)), fact('Duration', fmtDuration(call.durationUs)), idFact('Call id', String(call.id), 'fact-call-id'),
            idFact('Span', call.spanId, 'fact-span-id'), idFact('Trace', call.traceId, 'fact-trace-id'), fact('Depth', String(call.depth)),
            fact('Process / thread', call.pid + ' / ' + call.threadId), fact('Kind', fn.kind)),
          call.status === 'ERR' ? h('div', { class: 'errorbox', id: 'call-error' },
            h('div', { class: 'msg', text: call.errorType + ': ' + call.errorMessage }),
            call.errorStack ? h('pre', { text: stackFrames(call.errorStack) }) : null) : null);

        var valuesTable = function (direction, id) {
          var rows = call.values.filter(function (v) { return v.direction === direction; });
          if (rows.length === 0) return h('div', { class: 'panel empty', text: direction === 'INPUT' ? 'No inputs recorded.' : 'No outputs recorded.' });
          return h('div', { class: 'panel' }, h('table', { class: 'grid values-table', id: id },
            h('thead', null, h('tr', null, h('th', { text: 'Name' }), h('th', { text: 'Declared type' }), h('th', { text: 'Value' }))),
            h('tbody', null, rows.map(function (v) {
              return h('tr', null, h('td', { class: 'mono', text: v.name }), h('td', { class: 'type', text: v.declaredType }), h('td', null, renderValue(v.valueJson, valueKey('call', v), true)));
            }))));
        };

        var parent = d.parent
          ? h('ul', { class: 'links' }, h('li', null, h('a', { id: 'parent-link', href: '#/call/' + d.parent.id, text: d.parent.process }), badge(d.parent.status), h('span', { class: 'muted', text: fmtDuration(d.parent.durationUs) })))
          : h('div', { class: 'empty', id: 'parent-none', text: call.parentSpanId ? 'Parent call was not recorded.' : 'None: this is a root call.' });
        var children = d.children.length
          ? h('ul', { class: 'links', id: 'children' }, d.children.slice(0, d.childrenLimit).map(function (c) {
            return h('li', null, h('a', { href: '#/call/' + c.id, text: c.process }), badge(c.status), h('span', { class: 'muted', text: fmtDuration(c.durationUs) }));
          }), d.children.length > d.childrenLimit ? h('li', { class: 'muted', text: 'More children in the trace timeline.' }) : null)
          : h('div', { class: 'empty', text: 'No child calls.' });

        var signature = fn.name + '(' + fn.params.map(function (p) { return p.name + ': ' + p.type; }).join(', ') + '): ' + fn.returnType;
        var source = d.source && d.source.available
          ? h('div', { class: 'source', id: 'source' }, d.source.lines.map(function (text, i) {
            var number = d.source.startLine + i;
            var mark = number === d.source.thrownLine ? 'threw' : number === d.source.functionLine ? 'here' : null;
            return h('div', { class: mark, title: mark === 'threw' ? 'The error was thrown here' : null }, h('span', { class: 'ln', text: String(number) }), text);
          }))
          : h('div', { class: 'panel empty', id: 'source', text: 'Source not available' + (d.source ? ' (' + d.source.file + ': ' + d.source.reason + ')' : '') + '.' });

        append(view, h('div', { class: 'columns' },
          h('div', null, h('h2', { text: 'Inputs' }), valuesTable('INPUT', 'inputs'), h('h2', { text: 'Outputs' }), valuesTable('OUTPUT', 'outputs'),
            h('h2', { text: 'Source' }), h('div', { class: 'muted mono', style: 'margin-bottom:6px', text: fn.file + ':' + fn.line }), source),
          h('div', null, h('h2', { text: 'Function' }), h('div', { class: 'panel mono', style: 'padding:10px 12px', text: signature }),
            h('h2', { text: 'Parent' }), h('div', { class: 'panel' }, parent),
            h('h2', { text: 'Children (' + d.children.length + (d.children.length > d.childrenLimit ? '+' : '') + ')' }), h('div', { class: 'panel' }, children))));
      });
    };
  }

  // ---- A trace as a timeline ----

  function traceView(route) {
    var current = route.params.get('call');
    var changed = changeDetector();
    return function load() {
      return api('traces/' + encodeURIComponent(route.arg)).then(function (trace) {
        clearError();
        if (!changed(trace)) return;
        view.textContent = '';
        var bySpan = {};
        var kids = {};
        trace.calls.forEach(function (c) { bySpan[c.spanId] = c; });
        var roots = [];
        trace.calls.forEach(function (c) {
          if (c.parentSpanId && bySpan[c.parentSpanId]) (kids[c.parentSpanId] = kids[c.parentSpanId] || []).push(c);
          else roots.push(c);
        });
        var ordered = [];
        // Depth first by a loop rather than recursion, as a trace can be a recursion thousands of calls deep.
        var pending = roots.map(function (c) { return { call: c, level: 0 }; }).reverse();
        while (pending.length) {
          var item = pending.pop();
          ordered.push(item);
          (kids[item.call.spanId] || []).slice().reverse().forEach(function (k) { pending.push({ call: k, level: item.level + 1 }); });
        }
        var start = Math.min.apply(null, trace.calls.map(function (c) { return c.startUs; }));
        var end = Math.max.apply(null, trace.calls.map(function (c) { return c.startUs + c.durationUs; }));
        var total = Math.max(1, end - start);
        var pct = function (us) { return (us / total * 100).toFixed(3) + '%'; };
        var errors = trace.calls.filter(function (c) { return c.status === 'ERR'; }).length;
        // Self time: what a call spent outside the calls it made (its recorded children).
        var self = function (c) {
          var inChildren = (kids[c.spanId] || []).reduce(function (sum, k) { return sum + k.durationUs; }, 0);
          return Math.max(0, c.durationUs - inChildren);
        };
        var panel = h('aside', { class: 'panel span-panel', id: 'span-panel', hidden: true });
        var select = function (c, row) {
          view.querySelectorAll('#trace-timeline .row.current').forEach(function (r) { r.classList.remove('current'); });
          row.classList.add('current');
          openSpan(panel, c.id);
        };
        var root = roots[0];
        append(view,
          h('div', { class: 'detail-head' }, h('h1', { id: 'trace-root', text: root ? root.process + (roots.length > 1 ? ' and ' + (roots.length - 1) + ' more roots' : '') : 'Trace' }),
            h('span', { class: 'muted mono', text: 'trace ' + trace.traceId }), h('span', { class: 'copy-id' }, copyButton(trace.traceId)),
            h('span', { class: 'muted', text: trace.calls.length + ' calls, ' + fmtDuration(total) + (errors ? ', ' + errors + ' failed' : '') + (trace.truncated ? ' (first calls only)' : '') })),
          h('div', { class: 'trace-layout' }, h('div', { class: 'panel gantt', id: 'trace-timeline' },
            h('div', { class: 'axis' }, h('span', { style: 'padding-left:12px', text: 'Call' }), h('span', { text: 'Arguments' }),
              h('div', { class: 'ticks' }, [0, 0.25, 0.5, 0.75, 1].map(function (f) {
                // The end labels align inward so they stay inside the track.
                var shift = f === 0 ? '0' : f === 1 ? '-100%' : '-50%';
                return h('span', { style: 'left:' + (f * 100) + '%;transform:translateX(' + shift + ')', text: f === 0 ? '0' : fmtDuration(total * f) });
              })),
              h('span', { style: 'text-align:right', text: 'Duration' }), h('span', { style: 'text-align:right;padding-right:12px', text: 'Self' })),
            ordered.map(function (item) {
              var c = item.call;
              var row = h('div', { class: 'row' + (String(c.id) === current ? ' current' : ''), 'data-call': c.id, title: c.process + (c.errorType ? ' — ' + c.errorType + ': ' + c.errorMessage : ''), onclick: function () { select(c, row); } },
                h('div', { class: 'label', style: 'padding-left:' + (12 + item.level * 16) + 'px' }, c.process),
                h('div', { class: 'args mono', title: c.args, text: c.args }),
                h('div', { class: 'track' }, h('div', { class: 'bar ' + c.status, style: 'left:' + pct(c.startUs - start) + ';width:' + pct(c.durationUs) })),
                h('div', { class: 'dur', text: fmtDuration(c.durationUs) }),
                h('div', { class: 'dur self', text: fmtDuration(self(c)) }));
              return row;
            })), panel));
        if (current) openSpan(panel, current);
      });
    };
  }

  /** The side panel of the trace timeline: one call's inputs, outputs and error, without leaving the page. */
  function openSpan(panel, id) {
    panel.hidden = false;
    return api('calls/' + encodeURIComponent(id)).then(function (d) {
      var call = d.call;
      var values = function (direction, title) {
        var rows = call.values.filter(function (v) { return v.direction === direction; });
        return [h('h2', { text: title }), rows.length ? h('table', { class: 'grid values-table' }, h('tbody', null, rows.map(function (v) {
          return h('tr', null, h('td', { class: 'mono', text: v.name }), h('td', null, renderValue(v.valueJson, valueKey('span', v), false)));
        }))) : h('div', { class: 'muted', text: 'None recorded.' })];
      };
      panel.textContent = '';
      append(panel,
        h('div', { class: 'detail-head' }, h('b', { class: 'mono', text: call.process }), badge(call.status), h('span', { class: 'muted', text: fmtDuration(call.durationUs) }),
          h('span', { style: 'flex:1' }), h('a', { class: 'button', id: 'span-open', href: '#/call/' + call.id, text: 'Open call' })),
        call.status === 'ERR' ? h('div', { class: 'errorbox' }, h('div', { class: 'msg', text: call.errorType + ': ' + call.errorMessage })) : null,
        values('INPUT', 'Inputs'), values('OUTPUT', 'Outputs'));
    }, showError);
  }

  // ---- Functions: stats and latency over time ----

  function functionsView(route) {
    var since = route.params.get('since') || '';
    var selected = route.params.get('fn') || '';
    var range = rangeSelect('stats-since', since);
    range.addEventListener('change', function () { setHash('functions', { since: range.value, fn: selected }); });
    var body = h('tbody');
    var drops = h('div', { class: 'notice', id: 'drops-notice', role: 'status', hidden: true });
    var ring = h('div', { class: 'muted', id: 'ring-note' });
    var overall = h('div');
    var latency = h('div');
    var latencyTitle = h('h2');
    var columns = ['Function', 'Calls', 'Dropped', 'Errors', 'Error rate', 'p50', 'p95', 'p99', 'Max', 'Last seen'];
    append(view,
      h('div', { class: 'panel filters' }, h('label', null, 'Time range', range), zoneNote()),
      drops,
      h('div', { class: 'panel' }, h('table', { class: 'grid', id: 'stats-table' },
        h('thead', null, h('tr', null, columns.map(function (t, i) { return h('th', { text: t, class: i > 0 && i < columns.length - 1 ? 'num' : null }); }))),
        body)),
      ring,
      h('div', { class: 'charts', style: 'margin-top:16px' },
        h('div', { class: 'panel' }, h('h2', { text: 'Calls and errors over time' }), overall),
        h('div', { class: 'panel', id: 'latency-chart' }, latencyTitle, latency)));
    return function load() {
      return api('stats', { since: since }).then(function (result) {
        clearError();
        var stats = result.stats;
        if (!selected && stats.length) selected = stats[0].process;
        var warning = dropWarning(result.recording.dropped);
        drops.hidden = !warning;
        drops.textContent = warning || '';
        ring.textContent = ringNote(result.recording) || '';
        body.textContent = '';
        if (!stats.length) body.appendChild(h('tr', null, h('td', { colspan: columns.length, class: 'empty', text: 'No calls in this time range.' })));
        stats.forEach(function (s) {
          var dropped = Object.values(s.dropped).reduce(function (sum, n) { return sum + n; }, 0);
          body.appendChild(h('tr', { class: 'clickable' + (s.process === selected ? ' selected' : '') + (s.errors ? ' has-errors' : ''), 'data-process': s.process, onclick: function () { setHash('functions', { since: since, fn: s.process }); } },
            h('td', { class: 'proc' }, h('a', { href: '#/calls?fn=' + encodeURIComponent(s.process), text: s.process, onclick: function (e) { e.stopPropagation(); } })),
            h('td', { class: 'num', text: fmtCount(s.calls) }),
            h('td', { class: 'num dropped', style: dropped ? 'color:var(--warn);font-weight:600' : null, title: Object.keys(s.dropped).filter(function (reason) { return s.dropped[reason] > 0; }).map(function (reason) { return fmtCount(s.dropped[reason]) + ' ' + dropReasonText(reason); }).join(', ') || null, text: fmtCount(dropped) }),
            h('td', { class: 'num', style: s.errors ? 'color:var(--err);font-weight:600' : null, text: fmtCount(s.errors) }),
            h('td', { class: 'num', text: (s.errorRate * 100).toFixed(1) + '%' }),
            h('td', { class: 'num', text: fmtDuration(s.p50Us) }),
            [['p95', s.p95Us], ['p99', s.p99Us], ['max', s.maxUs]].map(function (cell) { return h('td', { class: 'num' }, slowCallsLink(s.process, since, cell[0], cell[1])); }),
            h('td', { class: 'time', text: s.lastSeenUs === null ? '–' : fmtTime(s.lastSeenUs) })));
        });
        return api('timeseries', { since: since, buckets: 48, fn: selected });
      }).then(function (series) {
        var width = Math.max(420, Math.floor((view.clientWidth - 60) / 2));
        var chart = function (buckets, list, unit) {
          return renderTimeChart({ times: buckets.map(function (b) { return b.startUs; }), series: list, unit: unit, width: width, height: 240, utc: state.utc });
        };
        var all = series.buckets;
        overall.textContent = '';
        overall.appendChild(all.length ? svg(chart(all, [
          { name: 'calls', color: '#93c5fd', kind: 'bar', values: all.map(function (b) { return b.calls; }) },
          { name: 'errors', color: '#dc2626', kind: 'bar', values: all.map(function (b) { return b.errors; }) }], 'count')) : h('div', { class: 'empty', text: 'No data.' }));
        latencyTitle.textContent = printable('Latency over time' + (selected ? ': ' + selected : ''));
        latency.textContent = '';
        var own = series.latency;
        latency.appendChild(own.length ? svg(chart(own, [
          { name: 'p50', color: '#60a5fa', kind: 'line', values: own.map(function (b) { return b.p50Us; }) },
          { name: 'p95', color: '#2563eb', kind: 'line', values: own.map(function (b) { return b.p95Us; }) },
          { name: 'p99', color: '#1e3a8a', kind: 'line', values: own.map(function (b) { return b.p99Us; }) }], 'duration')) : h('div', { class: 'empty', text: 'No data.' }));
      });
    };
  }

  /** A percentile's cell: its duration, linking to the calls that took at least that long, slowest first. */
  function slowCallsLink(process, since, name, us) {
    if (us === null || us === undefined) return '–';
    // Whole microseconds written in ms, so that the call at the percentile itself is among them.
    var params = { fn: process, since: since, minDuration: Math.floor(us) / 1000 + 'ms', sort: 'duration' };
    return h('a', { class: 'slow-calls', 'data-percentile': name, href: '#/calls' + query(params), title: 'Calls of ' + process + ' that took ' + fmtDuration(us) + ' or longer', text: fmtDuration(us), onclick: function (e) { e.stopPropagation(); } });
  }

  // ---- Errors, grouped as issues ----

  function errorsView(route) {
    var since = route.params.get('since') || '';
    var range = rangeSelect('errors-since', since);
    range.addEventListener('change', function () { setHash('errors', { since: range.value }); });
    var body = h('tbody');
    var note = h('div', { class: 'muted', id: 'errors-note' });
    var columns = ['Errors', 'Error', 'Began in', 'First seen', 'Last seen', 'Latest inputs'];
    append(view,
      h('div', { class: 'panel filters' }, h('label', null, 'Time range', range), zoneNote()),
      h('div', { class: 'panel' }, h('table', { class: 'grid', id: 'errors-table' },
        h('thead', null, h('tr', null, columns.map(function (t, i) { return h('th', { text: t, class: i === 0 ? 'num' : null }); }))), body)),
      note);
    var changed = changeDetector();
    return function load() {
      return api('errors', { since: since }).then(function (result) {
        clearError();
        if (!changed(result)) return;
        body.textContent = '';
        if (!result.groups.length) body.appendChild(h('tr', null, h('td', { colspan: columns.length, class: 'empty', text: 'No errors in this time range.' })));
        result.groups.forEach(function (g) {
          var inputs = [];
          g.latestInputs.forEach(function (v, i) { if (i) inputs.push(', '); inputs.push(h('span', { class: 'j-key', text: v.name + '=' }), shortValue(v)); });
          body.appendChild(h('tr', { class: 'error-group', 'data-process': g.process, 'data-type': g.errorType },
            h('td', { class: 'num count', text: fmtCount(g.count) }),
            h('td', null,
              h('div', { class: 'mono error-text' }, h('b', { text: g.errorType }), ': ' + g.messageShape),
              h('div', { class: 'muted mono' }, 'latest: ', h('a', { href: '#/call/' + g.latest.callId, class: 'latest', text: g.latest.errorMessage })),
              g.latest.path.length > 1 ? h('div', { class: 'muted mono path', text: 'path: ' + g.latest.path.join(' → ') }) : null),
            h('td', { class: 'proc' }, h('a', { href: '#/calls' + query({ fn: g.process, status: 'ERR', layout: 'calls' }), text: g.process })),
            h('td', { class: 'time', text: fmtTime(g.firstSeenUs) }),
            h('td', { class: 'time', text: fmtTime(g.lastSeenUs) }),
            h('td', { class: 'mono' }, inputs)));
        });
        note.textContent = (result.more ? fmtCount(result.more) + ' more groups not shown. ' : '') + (result.truncated ? 'Only the newest 100,000 failures were grouped.' : '');
      });
    };
  }

  // ---- Start ----

  var utcSwitch = document.getElementById('utc');
  utcSwitch.checked = state.utc;
  utcSwitch.addEventListener('change', function () {
    state.utc = utcSwitch.checked;
    localStorage.setItem('observatory.utc', state.utc ? '1' : '0');
    route();
  });
  document.getElementById('refresh').addEventListener('click', refresh);
  document.getElementById('jump').addEventListener('keydown', function (event) {
    var text = event.target.value.trim();
    if (event.key === 'Enter' && text) location.hash = '#/find/' + encodeURIComponent(text);
  });
  autoRefresh.addEventListener('change', function () {
    clearInterval(state.timer);
    state.timer = autoRefresh.checked ? setInterval(refresh, REFRESH_MS) : null;
  });
  setInterval(updateStamp, 1000);
  window.addEventListener('hashchange', route);
  api('info').then(function (info) { document.getElementById('db-path').textContent = info.databasePath; document.getElementById('db-path').title = info.databasePath; });
  if (!location.hash) location.replace('#/calls');
  route();
})();
`;

/** The shared functions are declared first so the page code can call them as soon as it runs. */
export const PAGE_SCRIPT =
  [renderTimeChart, printable, dropReasonText, dropWarning, ringNote]
    .map(shared => `var ${shared.name} = ${shared.toString()};\n`)
    .join('') + APP;
