// Values cross from the user's heap to SQLite as JSON text: special values keep their identity through
// `$type` forms, big values are bounded, nothing of the user's runs while they are read (no getters, no proxy
// traps), and sensitive names are redacted. The forms are documented in runtime/json.ts.
import test from 'ava';
import { program, query, readCalls, run, valuesOf } from './runtime-harness.mjs';

/** A program that defines `show(label, value)` in emitted form; `body` calls it. */
function showProgram(body, files) {
  return program(
    `
const __show = __observatory.register(2, meta('show', { params: ['label', 'value'], paramTypes: ['string', 'unknown'], outputShape: 'none', outputs: [] }));
function show(label, value) {
  const __call = __observatory.enter(__show, [label, value]);
  try { __observatory.exit(__call, undefined); } catch (__error) { throw __observatory.fail(__call, __error); } finally { __observatory.done(__call); }
}
${body}
`,
    files,
  );
}

/** The recorded `value` of each `show` call, by label. */
function shown(dbPath) {
  return Object.fromEntries(readCalls(dbPath).map(call => [call.values[0][3], call.values[1][3]]));
}

test('special primitives and built-ins have their documented forms', async t => {
  const prog = showProgram(`
class Point { constructor(x, y) { this.x = x; this.y = y; } length() { return Math.hypot(this.x, this.y); } }
const failure = new TypeError('outer', { cause: new Error('inner') });
failure.code = 'E_OUTER';
const cycle = { name: 'a', list: [] };
cycle.self = cycle;
cycle.list.push(cycle);
show('undefined', undefined);
show('null', null);
show('NaN', NaN);
show('-0', -0);
show('Infinity', Infinity);
show('-Infinity', -Infinity);
show('bigint', 12n);
show('plain', { a: 1, b: 'two', c: [true, null, undefined] });
show('symbol', Symbol('id'));
show('function', function parse() {});
show('Map', new Map([['a', 1], [{ k: 1 }, [2n]]]));
show('Set', new Set([1, 'x']));
show('Date', new Date(0));
show('invalid Date', new Date(NaN));
show('RegExp', /a+/gi);
show('class', new Point(3, 4));
show('$type key', { $type: 'user data' });
show('Uint8Array', new Uint8Array([1, 2, 3]));
show('BigInt64Array', new BigInt64Array([5n]));
show('Buffer', Buffer.from('hello'));
show('ArrayBuffer', new ArrayBuffer(8));
show('Promise', Promise.resolve(1));
show('WeakMap', new WeakMap());
show('cycle', cycle);
show('Error', failure);
`);
  const result = await run(prog);
  t.is(result.status, 0, result.stderr);
  const values = shown(prog.dbPath);
  const error = values.Error;
  delete values.Error;
  t.deepEqual(values, {
    undefined: { $type: 'undefined' },
    null: null,
    NaN: { $type: 'number', value: 'NaN' },
    '-0': { $type: 'number', value: '-0' },
    Infinity: { $type: 'number', value: 'Infinity' },
    '-Infinity': { $type: 'number', value: '-Infinity' },
    bigint: { $type: 'bigint', value: '12' },
    plain: { a: 1, b: 'two', c: [true, null, { $type: 'undefined' }] },
    symbol: { $type: 'symbol', description: 'id' },
    function: { $type: 'function', name: 'parse' },
    Map: {
      $type: 'Map',
      entries: [
        ['a', 1],
        [{ k: 1 }, [{ $type: 'bigint', value: '2' }]],
      ],
    },
    Set: { $type: 'Set', values: [1, 'x'] },
    Date: { $type: 'Date', value: '1970-01-01T00:00:00.000Z' },
    'invalid Date': { $type: 'Date', value: null },
    RegExp: { $type: 'RegExp', value: '/a+/gi' },
    class: { $type: 'object', class: 'Point', fields: { x: 3, y: 4 } },
    '$type key': { $type: 'object', fields: { $type: 'user data' } },
    Uint8Array: { $type: 'Uint8Array', length: 3, values: [1, 2, 3] },
    BigInt64Array: { $type: 'BigInt64Array', length: 1, values: [{ $type: 'bigint', value: '5' }] },
    Buffer: { $type: 'Buffer', length: 5, base64: 'aGVsbG8=' },
    ArrayBuffer: { $type: 'ArrayBuffer', byteLength: 8 },
    Promise: { $type: 'Promise' },
    WeakMap: { $type: 'WeakMap' },
    cycle: { name: 'a', list: [{ $type: 'circular' }], self: { $type: 'circular' } },
  });
  t.like(error, { $type: 'Error', name: 'TypeError', message: 'outer', fields: { code: 'E_OUTER' } });
  t.regex(error.stack, /^TypeError: outer\n\s+at /);
  t.like(error.cause, { $type: 'Error', name: 'Error', message: 'inner' });
});

test('getters are not called and proxies are not opened', async t => {
  const prog = showProgram(`
let userCodeRuns = 0;
const traps = {};
for (const trap of ['get', 'getOwnPropertyDescriptor', 'ownKeys', 'getPrototypeOf', 'has', 'apply']) {
  traps[trap] = (...args) => { userCodeRuns++; return Reflect[trap](...args); };
}
const withGetter = { plain: 1, get computed() { userCodeRuns++; return 2; } };
class Lazy { get total() { userCodeRuns++; return 3; } }
const lazy = new Lazy();
Object.defineProperty(lazy, 'own', { get() { userCodeRuns++; return 4; }, enumerable: true });
show('getter', withGetter);
show('class getter', lazy);
show('proxy', new Proxy({ a: 1 }, traps));
show('proxy function', new Proxy(function f() {}, traps));
show('nested proxy', { inner: new Proxy([1, 2], traps) });
show('toJSON', { toJSON() { userCodeRuns++; return 'replaced'; }, kept: true });
__observatory.flush().then(() => console.log(userCodeRuns));
`);
  const result = await run(prog);
  t.is(result.status, 0, result.stderr);
  t.is(result.stdout, '0\n');
  const values = shown(prog.dbPath);
  t.deepEqual(values, {
    getter: { plain: 1, computed: { $type: 'accessor' } },
    'class getter': { $type: 'object', class: 'Lazy', fields: { own: { $type: 'accessor' } } },
    proxy: { $type: 'Proxy' },
    'proxy function': { $type: 'Proxy' },
    'nested proxy': { inner: { $type: 'Proxy' } },
    toJSON: { toJSON: { $type: 'function', name: 'toJSON' }, kept: true },
  });
});

test('depth, entry, string and size limits, and their environment overrides', async t => {
  // Labels are strings too: they stay within the tightest string limit below.
  const body = `
show('deep', { l1: { l2: { l3: { l4: { l5: { l6: 'bottom' } } } } } });
show('array', Array.from({ length: 150 }, (_, i) => i));
show('map', new Map(Array.from({ length: 120 }, (_, i) => [i, i])));
show('object', Object.fromEntries(Array.from({ length: 101 }, (_, i) => ['k' + i, i])));
show('string', 'x'.repeat(5000));
show('strings', Array.from({ length: 10 }, () => 'y'.repeat(4000)));
`;
  const prog = showProgram(body);
  const result = await run(prog);
  t.is(result.status, 0, result.stderr);
  const values = shown(prog.dbPath);
  t.deepEqual(values.deep, {
    l1: { l2: { l3: { l4: { l5: { $type: 'truncated', reason: 'depth', kind: 'object', length: 1 } } } } },
  });
  t.deepEqual(values['array'], {
    $type: 'truncated',
    reason: 'entries',
    kind: 'array',
    length: 150,
    value: Array.from({ length: 100 }, (_, i) => i),
  });
  t.like(values['map'], { $type: 'truncated', reason: 'entries', kind: 'Map', length: 120, value: { $type: 'Map' } });
  t.is(values['map'].value.entries.length, 100);
  t.like(values['object'], { $type: 'truncated', reason: 'entries', kind: 'object', length: 101 });
  t.is(Object.keys(values['object'].value).length, 100);
  t.deepEqual(values['string'], {
    $type: 'truncated',
    reason: 'length',
    kind: 'string',
    length: 5000,
    value: 'x'.repeat(4096),
  });
  const many = values['strings'];
  t.like(many, { $type: 'truncated', reason: 'size', kind: 'array', length: 10 });
  t.true(many.value.length < 10);
  t.true(JSON.stringify(many).length < 17_000, 'one value stays within about 16 KiB');

  const tight = showProgram(body);
  const tightResult = await run(tight, {
    env: {
      OBSERVATORY_MAX_DEPTH: '2',
      OBSERVATORY_MAX_ENTRIES: '3',
      OBSERVATORY_MAX_STRING: '10',
      OBSERVATORY_MAX_VALUE_SIZE: '100000',
    },
  });
  t.is(tightResult.status, 0, tightResult.stderr);
  const tightValues = shown(tight.dbPath);
  t.deepEqual(tightValues.deep, { l1: { l2: { $type: 'truncated', reason: 'depth', kind: 'object', length: 1 } } });
  t.deepEqual(tightValues['array'], {
    $type: 'truncated',
    reason: 'entries',
    kind: 'array',
    length: 150,
    value: [0, 1, 2],
  });
  t.deepEqual(tightValues['string'], {
    $type: 'truncated',
    reason: 'length',
    kind: 'string',
    length: 5000,
    value: 'x'.repeat(10),
  });
});

test('a value that throws while it is read becomes an unreadable placeholder', async t => {
  // An ES module namespace read before the module has run throws ReferenceError for its `let` bindings.
  // `snapshot` copies the argument at entry, while the binding is still uninitialized.
  const prog = program(`import('./a.mjs').then(() => console.log('done'));\n`, {
    'a.mjs': `import './b.mjs';\nexport let late = 1;\n`,
    'b.mjs': `import * as a from './a.mjs';
import { createRequire } from 'node:module';
const __observatory = createRequire(import.meta.url)('ts-observatory/runtime');
const __inspect = __observatory.register(2, { name: 'inspect', group: 'prog', file: 'b.ts', line: 1, column: 1,
  kind: 'function', async: false, generator: false, params: ['namespace'], paramTypes: ['object'], rest: false,
  outputShape: 'none', outputs: [], outputTypes: [], returnType: 'void', sample: 1, capture: 'all', redact: [], snapshot: true });
function inspect(namespace) {
  const __call = __observatory.enter(__inspect, [namespace]);
  try { __observatory.exit(__call, undefined); } catch (__error) { throw __observatory.fail(__call, __error); } finally { __observatory.done(__call); }
}
inspect(a);
`,
  });
  const result = await run(prog);
  t.is(result.status, 0, result.stderr);
  t.is(result.stdout, 'done\n');
  t.deepEqual(valuesOf(readCalls(prog.dbPath), 'inspect'), {
    namespace: { $type: 'unreadable', error: "Cannot access 'late' before initialization" },
  });
});

test('sensitive parameter names and nested keys are redacted', async t => {
  const prog = program(`
class Credentials { constructor() { this.user = 'ada'; this.secret = 's3cr3t'; } }
const __login = __observatory.register(2, meta('login', {
  params: ['username', 'password', 'options', 'internal_id', 'account'],
  paramTypes: ['string', 'string', 'Options', 'number', 'Credentials'],
  outputShape: 'object', outputs: ['accessToken', 'expires'], outputTypes: ['string', 'number'],
  redact: ['pin'],
}));
function login(username, password, options, internal_id, account) {
  const __call = __observatory.enter(__login, [username, password, options, internal_id, account]);
  try { return __observatory.exit(__call, { accessToken: 'tok', expires: 60 }); } catch (__error) { throw __observatory.fail(__call, __error); } finally { __observatory.done(__call); }
}
login('ada', 'hunter2', {
  apiKey: 'k1', api_key: 'k2', 'X-Api-Key': 'k3', author: 'Ada', className: 'admin', pinCode: 1234,
  headers: { Authorization: 'Bearer x', Cookie: 'c=1', 'x-request-id': 'r1' },
  session_token: 'st', credentials: ['a'], creditCardNumber: '4111', ssn: '000', privateKey: 'pk', internalId: 7,
  lookup: new Map([['token', 't'], ['count', 2]]),
}, 42, new Credentials());
`);
  const result = await run(prog, { env: { OBSERVATORY_REDACT: 'internalId, other' } });
  t.is(result.status, 0, result.stderr);
  const redacted = { $type: 'redacted' };
  t.deepEqual(valuesOf(readCalls(prog.dbPath), 'login'), {
    username: 'ada',
    password: redacted,
    options: {
      apiKey: redacted,
      api_key: redacted,
      'X-Api-Key': redacted,
      author: 'Ada',
      className: 'admin',
      pinCode: redacted,
      headers: { Authorization: redacted, Cookie: redacted, 'x-request-id': 'r1' },
      session_token: redacted,
      credentials: redacted,
      creditCardNumber: redacted,
      ssn: redacted,
      privateKey: redacted,
      internalId: redacted,
      lookup: {
        $type: 'Map',
        entries: [
          ['token', redacted],
          ['count', 2],
        ],
      },
    },
    internal_id: redacted,
    account: { $type: 'object', class: 'Credentials', fields: { user: 'ada', secret: redacted } },
    accessToken: redacted,
    expires: 60,
  });
});

/** Emitted form of `fail(error)`, a monitored function that throws its argument. */
const FAIL_FUNCTION = `
const __fail = __observatory.register(2, meta('fail', { params: ['error'], paramTypes: ['unknown'], outputShape: 'none', outputs: [] }));
function fail(error) {
  const __call = __observatory.enter(__fail, [error]);
  try { throw error; } catch (__error) { throw __observatory.fail(__call, __error); } finally { __observatory.done(__call); }
}
function failQuietly(error) { try { fail(error); } catch {} }
`;

/** The stored JSON text of the `value` of each `show` call, by label, as SQLite has it. */
function shownText(dbPath) {
  const rows = query(
    dbPath,
    `SELECT label.value_json AS label, shown.value_json AS text FROM call_values label
     JOIN call_values shown ON shown.call_id = label.call_id AND shown.direction = 'INPUT' AND shown.position = 1
     WHERE label.direction = 'INPUT' AND label.position = 0`,
  );
  return Object.fromEntries(rows.map(row => [JSON.parse(row.label), row.text]));
}

/** The recorded `value` of each `show` call, by label, in programs that also call other functions. */
function shownValues(dbPath) {
  return Object.fromEntries(Object.entries(shownText(dbPath)).map(([label, text]) => [label, JSON.parse(text)]));
}

/** [error_type, error_message, error_stack, recorded argument] of each `fail` call, in call order. */
function failures(dbPath) {
  return readCalls(dbPath)
    .filter(call => call.fn === 'fail')
    .map(call => [call.error_type, call.error_message, call.error_stack, call.values[0][3]]);
}

test('an error whose name or message is a getter is recorded without calling it, type and message intact', async t => {
  const prog = showProgram(`${FAIL_FUNCTION}
let getterCalls = 0;
class CountingError extends Error { get name() { getterCalls++; return 'Counted'; } }
class ThrowingNameError extends Error { get name() { getterCalls++; throw new Error('name getter threw'); } }
class MessageGetterError extends Error { get message() { getterCalls++; return 'from getter'; } }
failQuietly(new CountingError('counted'));
failQuietly(new ThrowingNameError('real message'));
failQuietly(new MessageGetterError());
failQuietly(new RangeError('plain'));
__observatory.flush().then(() => console.log(getterCalls));
`);
  const result = await run(prog);
  t.is(result.status, 0, result.stderr);
  t.is(result.stdout, '0\n');
  const [counting, throwing, messageGetter, plain] = failures(prog.dbPath);
  // V8 would format the stack through the getters, so it is not read.
  t.deepEqual(counting, [
    'CountingError',
    'counted',
    null,
    { $type: 'Error', class: 'CountingError', name: 'CountingError', message: 'counted', stack: null },
  ]);
  t.deepEqual(throwing, [
    'ThrowingNameError',
    'real message',
    null,
    { $type: 'Error', class: 'ThrowingNameError', name: 'ThrowingNameError', message: 'real message', stack: null },
  ]);
  t.deepEqual(messageGetter, [
    'MessageGetterError',
    '',
    null,
    { $type: 'Error', class: 'MessageGetterError', name: 'Error', message: '', stack: null },
  ]);
  t.is(plain[0], 'RangeError');
  t.regex(plain[2], /^RangeError: plain\n\s+at /);
  t.is(plain[3].stack, plain[2]);
});

test("the program's Error.prepareStackTrace makes the stack; when it throws, the type and message stand", async t => {
  const prog = showProgram(`${FAIL_FUNCTION}
Error.prepareStackTrace = (error, frames) => {
  if (error.message === 'formatter throws') throw new Error('formatter broke');
  return 'formatted by the program, ' + frames.length + ' frames';
};
failQuietly(new TypeError('formatter throws'));
failQuietly(new TypeError('formatted'));
`);
  const result = await run(prog);
  t.is(result.status, 0, result.stderr);
  const [broken, formatted] = failures(prog.dbPath);
  t.deepEqual(broken, [
    'TypeError',
    'formatter throws',
    null,
    {
      $type: 'Error',
      name: 'TypeError',
      message: 'formatter throws',
      stack: { $type: 'unreadable', error: 'formatter broke' },
    },
  ]);
  t.regex(formatted[2], /^formatted by the program, \d+ frames$/);
  t.deepEqual(formatted, [
    'TypeError',
    'formatted',
    formatted[2],
    { $type: 'Error', name: 'TypeError', message: 'formatted', stack: formatted[2] },
  ]);
});

test('an own __proto__ key is kept as a field', async t => {
  const prog = showProgram(`
class Box {}
const box = new Box();
Object.defineProperty(box, '__proto__', { value: 'own', enumerable: true });
const failure = new Error('with a __proto__ field');
Object.defineProperty(failure, '__proto__', { value: [1], enumerable: true });
show('parsed', JSON.parse('{"__proto__":{"x":1},"ok":2}'));
show('nested', { list: [JSON.parse('{"__proto__":null}')] });
show('class instance', box);
show('error', failure);
`);
  const result = await run(prog);
  t.is(result.status, 0, result.stderr);
  const texts = shownText(prog.dbPath);
  t.is(texts.parsed, '{"__proto__":{"x":1},"ok":2}');
  t.is(texts.nested, '{"list":[{"__proto__":null}]}');
  t.is(texts['class instance'], '{"$type":"object","class":"Box","fields":{"__proto__":"own"}}');
  t.regex(texts.error, /,"fields":\{"__proto__":\[1\]\},"stack":/);
});

test('the size limit counts UTF-8 bytes of the stored JSON, and a value cut to it stays valid JSON', async t => {
  const body = `
show('euro', Array.from({ length: 10 }, () => '€'.repeat(4000)));
show('control', Array.from({ length: 10 }, () => '\\u0001'.repeat(4000)));
show('control string', '\\u0001'.repeat(4000));
show('emoji map', new Map(Array.from({ length: 10 }, (_, i) => ['k' + i, '😀'.repeat(2000)])));
show('nested', { a: { b: ['é'.repeat(4000), 'é'.repeat(4000)] }, c: 'ü'.repeat(4000), d: ['"'.repeat(4000)] });
`;
  const prog = showProgram(body);
  const result = await run(prog);
  t.is(result.status, 0, result.stderr);
  const texts = shownText(prog.dbPath);
  for (const [label, text] of Object.entries(texts)) {
    t.true(Buffer.byteLength(text) <= 16384, `${label}: ${Buffer.byteLength(text)} bytes`);
  }
  const euro = JSON.parse(texts.euro);
  t.like(euro, { $type: 'truncated', reason: 'size', kind: 'array', length: 10 });
  t.is(euro.value[0], '€'.repeat(4000));
  const euroCut = euro.value.at(-1);
  t.like(euroCut, { $type: 'truncated', reason: 'size', kind: 'string', length: 4000 });
  t.regex(euroCut.value, /^€+$/);

  const control = JSON.parse(texts.control);
  t.like(control, { $type: 'truncated', reason: 'size', kind: 'array', length: 10 });
  t.is(control.value.length, 1, 'one string escaped is 24,002 bytes: only part of the first fits');
  t.like(control.value[0], { $type: 'truncated', reason: 'size', kind: 'string', length: 4000 });
  t.is(control.value[0].value, '\u0001'.repeat(control.value[0].value.length));

  const controlString = JSON.parse(texts['control string']);
  t.like(controlString, { $type: 'truncated', reason: 'size', kind: 'string', length: 4000 });
  t.is(controlString.value, '\u0001'.repeat(controlString.value.length));

  const emoji = JSON.parse(texts['emoji map']);
  t.like(emoji, { $type: 'truncated', reason: 'size', kind: 'Map', length: 10, value: { $type: 'Map' } });
  t.deepEqual(emoji.value.entries[0], ['k0', '😀'.repeat(2000)]);
  const [lastKey, lastValue] = emoji.value.entries.at(-1);
  t.regex(lastKey, /^k\d$/);
  t.like(lastValue, { $type: 'truncated', reason: 'size', kind: 'string', length: 4000 });
  t.regex(lastValue.value, /^(?:😀)+$/u, 'no surrogate pair is split');

  const nested = JSON.parse(texts.nested);
  t.like(nested, { $type: 'truncated', reason: 'size', kind: 'object', length: 3 });
  t.is(nested.value.a.b[0], 'é'.repeat(4000));

  const tight = showProgram(body);
  const tightResult = await run(tight, { env: { OBSERVATORY_MAX_VALUE_SIZE: '1500' } });
  t.is(tightResult.status, 0, tightResult.stderr);
  const tightTexts = shownText(tight.dbPath);
  t.deepEqual(Object.keys(tightTexts).sort(), Object.keys(texts).sort(), 'every value is still recorded');
  for (const [label, text] of Object.entries(tightTexts)) {
    t.true(Buffer.byteLength(text) <= 1500, `${label}: ${Buffer.byteLength(text)} bytes`);
    JSON.parse(text);
  }
});

test('every truncation marker carries the original size, and the limit that cut it', async t => {
  const prog = showProgram(`
class Point { constructor() { this.x = 1; this.y = 2; } }
const failure = new TypeError('deep');
failure.code = 'E_DEEP';
show('depth', {
  array: [1, 2, 3], map: new Map([[1, 1], [2, 2]]), set: new Set([1]), object: { a: 1, b: 2 }, point: new Point(),
  bytes: new Uint8Array(7), buffer: Buffer.alloc(9), error: failure,
});
show('long buffer', Buffer.alloc(5000, 1));
`);
  const result = await run(prog, { env: { OBSERVATORY_MAX_DEPTH: '1' } });
  t.is(result.status, 0, result.stderr);
  const values = shown(prog.dbPath);
  const depth = (kind, length) => ({ $type: 'truncated', reason: 'depth', kind, length });
  t.deepEqual(values.depth, {
    array: depth('array', 3),
    map: depth('Map', 2),
    set: depth('Set', 1),
    object: depth('object', 2),
    point: depth('Point', 2),
    bytes: depth('Uint8Array', 7),
    buffer: depth('Buffer', 9),
    error: depth('TypeError', 1),
  });
  const buffer = values['long buffer'];
  t.like(buffer, {
    $type: 'truncated',
    reason: 'length',
    kind: 'Buffer',
    length: 5000,
    value: { $type: 'Buffer', length: 5000 },
  });
  t.deepEqual(
    Buffer.from(buffer.value.base64, 'base64'),
    Buffer.alloc(3072, 1),
    'the string limit of 4096 base64 characters',
  );
});

test('subclasses of built-ins keep their class name, and boxed primitives have a form of their own', async t => {
  const prog = showProgram(`
class HttpError extends Error { constructor(message) { super(message); this.status = 404; } }
class Registry extends Map {}
class Tags extends Set {}
class Stack extends Array {}
class Day extends Date {}
class Bytes extends Uint8Array {}
show('Error subclass', new HttpError('missing'));
show('built-in error', new RangeError('range'));
show('Map subclass', new Registry([['a', 1]]));
show('Set subclass', new Tags(['x']));
show('Array subclass', Stack.from([1, 2]));
show('Date subclass', new Day(0));
show('typed array subclass', new Bytes([1, 2]));
show('String', new String('ab'));
show('Number', new Number(-0));
show('Boolean', new Boolean(false));
show('BigInt', Object(5n));
show('Symbol', Object(Symbol('s')));
`);
  const result = await run(prog);
  t.is(result.status, 0, result.stderr);
  const values = shown(prog.dbPath);
  for (const label of ['Error subclass', 'built-in error']) {
    t.regex(values[label].stack, /^\w*Error: \w+\n\s+at /);
    delete values[label].stack;
  }
  t.deepEqual(values, {
    'Error subclass': {
      $type: 'Error',
      class: 'HttpError',
      name: 'Error',
      message: 'missing',
      fields: { status: 404 },
    },
    'built-in error': { $type: 'Error', name: 'RangeError', message: 'range' },
    'Map subclass': { $type: 'Map', class: 'Registry', entries: [['a', 1]] },
    'Set subclass': { $type: 'Set', class: 'Tags', values: ['x'] },
    'Array subclass': { $type: 'Array', class: 'Stack', values: [1, 2] },
    'Date subclass': { $type: 'Date', class: 'Day', value: '1970-01-01T00:00:00.000Z' },
    'typed array subclass': { $type: 'Uint8Array', class: 'Bytes', length: 2, values: [1, 2] },
    String: { $type: 'String', value: 'ab' },
    Number: { $type: 'Number', value: { $type: 'number', value: '-0' } },
    Boolean: { $type: 'Boolean', value: false },
    BigInt: { $type: 'BigInt', value: { $type: 'bigint', value: '5' } },
    Symbol: { $type: 'Symbol', value: { $type: 'symbol', description: 's' } },
  });
});

test('pwd, passphrase, jwt, bearer and otp are redacted as words, not as parts of other words', async t => {
  const prog = program(`
const __signIn = __observatory.register(2, meta('signIn', {
  params: ['pwd', 'passphrase', 'jwt', 'bearer', 'otp', 'settings'], paramTypes: ['string', 'string', 'string', 'string', 'string', 'object'],
  outputShape: 'none', outputs: [],
}));
function signIn(pwd, passphrase, jwt, bearer, otp, settings) {
  const __call = __observatory.enter(__signIn, [pwd, passphrase, jwt, bearer, otp, settings]);
  try { __observatory.exit(__call, undefined); } catch (__error) { throw __observatory.fail(__call, __error); } finally { __observatory.done(__call); }
}
signIn('p', 'correct horse', 'eyJ', 'b', '123456', {
  userPwd: 1, OTP_CODE: 2, jwtClaims: 3, bearerHeader: 4, otps: 5, passphrases: 6,
  author: 'Ada', opt: 7, option: 8, options: 9, opts: 10, topic: 11, bearing: 12, jwtLike: 13,
});
`);
  const result = await run(prog);
  t.is(result.status, 0, result.stderr);
  const redacted = { $type: 'redacted' };
  t.deepEqual(valuesOf(readCalls(prog.dbPath), 'signIn'), {
    pwd: redacted,
    passphrase: redacted,
    jwt: redacted,
    bearer: redacted,
    otp: redacted,
    settings: {
      userPwd: redacted,
      OTP_CODE: redacted,
      jwtClaims: redacted,
      bearerHeader: redacted,
      otps: redacted,
      passphrases: redacted,
      author: 'Ada',
      opt: 7,
      option: 8,
      options: 9,
      opts: 10,
      topic: 11,
      bearing: 12,
      jwtLike: redacted,
    },
  });
});

test('hostile and unusual objects are copied without running user code or throwing', async t => {
  const prog = showProgram(`${FAIL_FUNCTION}
const vm = require('node:vm');
let userCodeRuns = 0;
const traps = {};
for (const trap of ['get', 'getOwnPropertyDescriptor', 'ownKeys', 'getPrototypeOf', 'has', 'apply']) {
  traps[trap] = (...args) => { userCodeRuns++; return Reflect[trap](...args); };
}
const counted = () => { userCodeRuns++; };
const onProxy = Object.create(new Proxy({}, traps), { a: { value: 1, enumerable: true } });
const revocable = Proxy.revocable({}, {});
revocable.revoke();
const errorOnProxy = Object.setPrototypeOf(new Error('chain'), new Proxy(Error.prototype, traps));
class SneakyBytes extends Uint8Array { get length() { counted(); return 0; } get buffer() { counted(); return null; } }
const buffer = Buffer.from('hello');
Object.defineProperty(buffer, 'subarray', { value: counted });
Object.defineProperty(buffer, 'constructor', { get: counted });
class SneakyRegExp extends RegExp { get flags() { counted(); return ''; } get source() { counted(); return ''; } get global() { counted(); return false; } }
class SneakyView extends DataView { get byteLength() { counted(); return 0; } }
class SneakyMap extends Map { get size() { counted(); return 0; } entries() { counted(); return [][Symbol.iterator](); } }
const sparse = [];
sparse[2 ** 32 - 2] = 'last';
const accessorIndex = [1, 2];
Object.defineProperty(accessorIndex, 1, { get() { counted(); return 3; }, enumerable: true });
const longName = 'L'.repeat(5000);
const LongNamed = { [longName]: class {} }[longName];
const throwsToString = function thrower() {};
throwsToString.toString = () => { counted(); return 'replaced'; };
show('object on a proxy', onProxy);
show('object on a revoked proxy', Object.create(revocable.proxy));
show('revoked proxy', revocable.proxy);
show('error on a proxy', errorOnProxy);
show('typed array subclass with getters', new SneakyBytes([1, 2]));
show('Buffer with overrides', buffer);
show('RegExp subclass with getters', new SneakyRegExp('a+', 'gi'));
show('DataView subclass with getters', new SneakyView(new ArrayBuffer(4)));
show('Map subclass with overrides', new SneakyMap([[1, 2]]));
show('Symbol.toStringTag getter', { get [Symbol.toStringTag]() { counted(); return 'Tag'; }, b: 2 });
show('sparse', sparse);
show('accessor index', accessorIndex);
show('setter only', { set only(value) { counted(); }, undefinedData: undefined });
show('frozen', Object.freeze({ f: Object.freeze([1]) }));
show('null prototype', Object.assign(Object.create(null), { n: 1 }));
show('error with null prototype', Object.setPrototypeOf(new Error('orphan'), null));
show('SharedArrayBuffer', new SharedArrayBuffer(4));
show('WeakRef', new WeakRef(buffer));
show('long class name', new LongNamed());
show('long symbol description', Symbol('d'.repeat(5000)));
show('cross-realm', vm.runInNewContext(
  '({ plain: { a: 1 }, list: [1], map: new Map([[1, 2]]), weak: new WeakRef({}), date: new Date(0), re: /x/g, bytes: new Uint8Array([1]), boxed: new String("s"), error: new TypeError("vm") })',
));
failQuietly(onProxy);
failQuietly(errorOnProxy);
failQuietly(throwsToString);
failQuietly(revocable.proxy);
__observatory.flush().then(() => console.log(userCodeRuns));
`);
  const result = await run(prog);
  t.is(result.status, 0, result.stderr);
  t.is(result.stdout, '0\n');
  const values = shownValues(prog.dbPath);
  t.regex(values['error with null prototype'].stack, /^Error: orphan\n\s+at /);
  delete values['error with null prototype'].stack;
  t.regex(values['cross-realm'].error.stack, /^TypeError: vm\n\s+at /);
  delete values['cross-realm'].error.stack;
  const sparse = values.sparse;
  delete values.sparse;
  t.deepEqual(values, {
    'object on a proxy': { $type: 'object', class: 'Proxy', fields: { a: 1 } },
    'object on a revoked proxy': { $type: 'object', class: 'Proxy', fields: {} },
    'revoked proxy': { $type: 'Proxy' },
    'error on a proxy': { $type: 'Error', class: 'Proxy', name: 'Proxy', message: 'chain', stack: null },
    'typed array subclass with getters': { $type: 'Uint8Array', class: 'SneakyBytes', length: 2, values: [1, 2] },
    'Buffer with overrides': { $type: 'Buffer', length: 5, base64: 'aGVsbG8=' },
    'RegExp subclass with getters': { $type: 'RegExp', class: 'SneakyRegExp', value: '/a+/gi' },
    'DataView subclass with getters': { $type: 'DataView', class: 'SneakyView', byteLength: 4 },
    'Map subclass with overrides': { $type: 'Map', class: 'SneakyMap', entries: [[1, 2]] },
    'Symbol.toStringTag getter': { b: 2 },
    'accessor index': [1, { $type: 'accessor' }],
    'setter only': { only: { $type: 'accessor' }, undefinedData: { $type: 'undefined' } },
    frozen: { f: [1] },
    'null prototype': { n: 1 },
    'error with null prototype': { $type: 'Error', name: 'Error', message: 'orphan' },
    SharedArrayBuffer: { $type: 'SharedArrayBuffer', byteLength: 4 },
    WeakRef: { $type: 'WeakRef' },
    'long class name': { $type: 'object', class: 'L'.repeat(128), fields: {} },
    'long symbol description': {
      $type: 'symbol',
      description: { $type: 'truncated', reason: 'length', kind: 'string', length: 5000, value: 'd'.repeat(4096) },
    },
    'cross-realm': {
      plain: { a: 1 },
      list: [1],
      map: { $type: 'Map', entries: [[1, 2]] },
      weak: { $type: 'WeakRef' },
      date: { $type: 'Date', value: '1970-01-01T00:00:00.000Z' },
      re: { $type: 'RegExp', value: '/x/g' },
      bytes: { $type: 'Uint8Array', length: 1, values: [1] },
      boxed: { $type: 'String', value: 's' },
      error: { $type: 'Error', name: 'TypeError', message: 'vm' },
    },
  });
  t.like(sparse, { $type: 'truncated', reason: 'entries', kind: 'array', length: 2 ** 32 - 1 });
  t.deepEqual(
    sparse.value,
    Array.from({ length: 100 }, () => ({ $type: 'undefined' })),
  );
  t.deepEqual(
    failures(prog.dbPath).map(([type, message, stack]) => [type, message, stack]),
    [
      ['object', '', null],
      ['Proxy', 'chain', null],
      ['function', 'thrower', null],
      ['Proxy', '', null],
    ],
  );
});

test("a failed call keeps its error's fields, cause chain and an AggregateError's errors, read as values are: no getter runs, no proxy opens, depth is bounded", async t => {
  const prog = showProgram(`${FAIL_FUNCTION}
let getterCalls = 0;
class DeclinedError extends Error {
  constructor(amount, options) { super('declined ' + amount, options); this.name = 'DeclinedError'; this.amount = amount; this.code = 'card_declined'; this.password = 'hunter2'; }
  get lazy() { getterCalls++; return 1; }
}
const withGetter = new DeclinedError(5);
Object.defineProperty(withGetter, 'own', { enumerable: true, get() { getterCalls++; return 2; } });
const circular = new Error('loops');
circular.cause = circular;
let deep = new Error('level 0');
for (let level = 1; level <= 4; level++) deep = new Error('level ' + level, { cause: deep });
failQuietly(new DeclinedError(1240, { cause: new Error('socket hang up', { cause: 'ECONNRESET' }) }));
failQuietly(withGetter);
failQuietly(new Error('proxied', { cause: new Proxy({}, { get() { getterCalls++; return 1; }, ownKeys() { getterCalls++; return []; } }) }));
failQuietly(circular);
failQuietly(deep);
failQuietly(new AggregateError([new RangeError('one'), 'two'], 'both failed'));
failQuietly({ status: 404 });
failQuietly('just text');
failQuietly(new TypeError('nothing more'));
__observatory.flush().then(() => console.log(getterCalls));
`);
  const result = await run(prog, { env: { OBSERVATORY_MAX_DEPTH: '3' } });
  t.is(result.status, 0, result.stderr);
  t.is(result.stdout, '0\n', 'no getter or proxy trap ran');
  const rows = query(
    prog.dbPath,
    `SELECT c.error_detail AS detail, c.inputs FROM calls c JOIN functions f ON f.id = c.function_id
      WHERE f.name = 'fail' ORDER BY c.id`,
  );
  const details = rows.map(row => (row.detail === null ? null : JSON.parse(row.detail)));
  const [chained, getter, proxied, loop, deepest, aggregate, object, text, plain] = details;
  const stackless = form => {
    const { stack, ...rest } = form;
    t.true(stack === null || typeof stack === 'string');
    return { ...rest, ...(rest.cause && typeof rest.cause === 'object' ? { cause: stackless(rest.cause) } : {}) };
  };
  t.deepEqual(chained.fields, { amount: 1240, code: 'card_declined', password: { $type: 'redacted' } });
  t.deepEqual(stackless(chained.cause), {
    $type: 'Error',
    name: 'Error',
    message: 'socket hang up',
    cause: 'ECONNRESET',
  });
  t.deepEqual(getter.fields, {
    amount: 5,
    code: 'card_declined',
    password: { $type: 'redacted' },
    own: { $type: 'accessor' },
  });
  t.deepEqual(proxied, { cause: { $type: 'Proxy' } });
  t.deepEqual(loop, { cause: { $type: 'circular' } });
  // The detail is depth 0, so with a depth limit of 3 the chain holds two causes and marks where it was cut.
  t.is(deepest.cause.message, 'level 3');
  t.is(deepest.cause.cause.message, 'level 2');
  t.deepEqual(deepest.cause.cause.cause, { $type: 'truncated', reason: 'depth', kind: 'Error', length: 0 });
  t.deepEqual(
    aggregate.errors.map(error => (typeof error === 'string' ? error : [error.name, error.message])),
    [['RangeError', 'one'], 'two'],
  );
  t.deepEqual(object, { value: { status: 404 } });
  t.is(text, null, 'a primitive is all in its message');
  t.is(plain, null, 'an error with nothing beyond its message stores no detail');
  // The error as a recorded argument and as the call's error are read the same way.
  t.deepEqual(JSON.parse(rows[0].inputs)[0].cause, chained.cause);
});
