// Values cross from the user's heap to SQLite as JSON text: special values keep their identity through
// `$type` forms, big values are bounded, nothing of the user's runs while they are read (no getters, no proxy
// traps), and sensitive names are redacted. The forms are documented in runtime/json.ts.
import test from 'ava';
import { program, readCalls, removePrograms, run, valuesOf } from './runtime-harness.mjs';

test.after(removePrograms);

/** A program that defines `show(label, value)` in emitted form; `body` calls it. */
function showProgram(body, files) {
  return program(
    `
const __show = __observatory.register(1, meta('show', { params: ['label', 'value'], paramTypes: ['string', 'unknown'], outputShape: 'none', outputs: [] }));
function show(label, value) {
  const __call = __observatory.enter(__show, [label, value]);
  try { __observatory.exit(__call, undefined); } catch (__error) { throw __observatory.fail(__call, __error); }
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
    Map: { $type: 'Map', entries: [['a', 1], [{ k: 1 }, [{ $type: 'bigint', value: '2' }]]] },
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
  t.deepEqual(values.deep, { l1: { l2: { l3: { l4: { l5: { $type: 'truncated', reason: 'depth', kind: 'object' } } } } } });
  t.deepEqual(values['array'], {
    $type: 'truncated', reason: 'entries', kind: 'array', length: 150, value: Array.from({ length: 100 }, (_, i) => i),
  });
  t.like(values['map'], { $type: 'truncated', reason: 'entries', kind: 'Map', length: 120, value: { $type: 'Map' } });
  t.is(values['map'].value.entries.length, 100);
  t.like(values['object'], { $type: 'truncated', reason: 'entries', kind: 'object', length: 101 });
  t.is(Object.keys(values['object'].value).length, 100);
  t.deepEqual(values['string'], { $type: 'truncated', reason: 'length', kind: 'string', length: 5000, value: 'x'.repeat(4096) });
  const many = values['strings'];
  t.like(many, { $type: 'truncated', reason: 'size', kind: 'array', length: 10 });
  t.true(many.value.length < 10);
  t.true(JSON.stringify(many).length < 17_000, 'one value stays within about 16 KiB');

  const tight = showProgram(body);
  const tightResult = await run(tight, {
    env: { OBSERVATORY_MAX_DEPTH: '2', OBSERVATORY_MAX_ENTRIES: '3', OBSERVATORY_MAX_STRING: '10', OBSERVATORY_MAX_VALUE_SIZE: '100000' },
  });
  t.is(tightResult.status, 0, tightResult.stderr);
  const tightValues = shown(tight.dbPath);
  t.deepEqual(tightValues.deep, { l1: { l2: { $type: 'truncated', reason: 'depth', kind: 'object' } } });
  t.deepEqual(tightValues['array'], { $type: 'truncated', reason: 'entries', kind: 'array', length: 150, value: [0, 1, 2] });
  t.deepEqual(tightValues['string'], { $type: 'truncated', reason: 'length', kind: 'string', length: 5000, value: 'x'.repeat(10) });
});

test('a value that throws while it is read becomes an unreadable placeholder', async t => {
  // An ES module namespace read before the module has run throws ReferenceError for its `let` bindings.
  // `snapshot` copies the argument at entry, while the binding is still uninitialized.
  const prog = program(`import('./a.mjs').then(() => console.log('done'));\n`, {
    'a.mjs': `import './b.mjs';\nexport let late = 1;\n`,
    'b.mjs': `import * as a from './a.mjs';
import { createRequire } from 'node:module';
const __observatory = createRequire(import.meta.url)('ts-observatory/runtime');
const __inspect = __observatory.register(1, { name: 'inspect', group: 'prog', file: 'b.ts', line: 1, column: 1,
  kind: 'function', async: false, generator: false, params: ['namespace'], paramTypes: ['object'], rest: false,
  outputShape: 'none', outputs: [], outputTypes: [], returnType: 'void', sample: 1, capture: 'all', redact: [], snapshot: true });
function inspect(namespace) {
  const __call = __observatory.enter(__inspect, [namespace]);
  try { __observatory.exit(__call, undefined); } catch (__error) { throw __observatory.fail(__call, __error); }
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
const __login = __observatory.register(1, meta('login', {
  params: ['username', 'password', 'options', 'internal_id', 'creds'],
  paramTypes: ['string', 'string', 'Options', 'number', 'Credentials'],
  outputShape: 'object', outputs: ['accessToken', 'expires'], outputTypes: ['string', 'number'],
  redact: ['pin'],
}));
function login(username, password, options, internal_id, creds) {
  const __call = __observatory.enter(__login, [username, password, options, internal_id, creds]);
  try { return __observatory.exit(__call, { accessToken: 'tok', expires: 60 }); } catch (__error) { throw __observatory.fail(__call, __error); }
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
      apiKey: redacted, api_key: redacted, 'X-Api-Key': redacted, author: 'Ada', className: 'admin', pinCode: redacted,
      headers: { Authorization: redacted, Cookie: redacted, 'x-request-id': 'r1' },
      session_token: redacted, credentials: redacted, creditCardNumber: redacted, ssn: redacted, privateKey: redacted,
      internalId: redacted,
      lookup: { $type: 'Map', entries: [['token', redacted], ['count', 2]] },
    },
    internal_id: redacted,
    creds: { $type: 'object', class: 'Credentials', fields: { user: 'ada', secret: redacted } },
    accessToken: redacted,
    expires: 60,
  });
});

test('pwd, passphrase, jwt, bearer and otp are redacted as words, not as parts of other words', async t => {
  const prog = program(`
const __signIn = __observatory.register(1, meta('signIn', {
  params: ['pwd', 'passphrase', 'jwt', 'bearer', 'otp', 'settings'], paramTypes: ['string', 'string', 'string', 'string', 'string', 'object'],
  outputShape: 'none', outputs: [],
}));
function signIn(pwd, passphrase, jwt, bearer, otp, settings) {
  const __call = __observatory.enter(__signIn, [pwd, passphrase, jwt, bearer, otp, settings]);
  try { __observatory.exit(__call, undefined); } catch (__error) { throw __observatory.fail(__call, __error); }
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
    pwd: redacted, passphrase: redacted, jwt: redacted, bearer: redacted, otp: redacted,
    settings: {
      userPwd: redacted, OTP_CODE: redacted, jwtClaims: redacted, bearerHeader: redacted, otps: redacted, passphrases: redacted,
      author: 'Ada', opt: 7, option: 8, options: 9, opts: 10, topic: 11, bearing: 12, jwtLike: redacted,
    },
  });
});
