// Each fixture is compiled through ts-patch, run, and the rows it wrote to SQLite compared with what the
// function was called with and returned. Instrumented or not, the program must print the same thing: what it
// prints compiled with the plugin disabled is kept in fixtures/<case>/stdout.txt, written by
// `UPDATE_FIXTURES=1 npm test` from a run of that build (helpers/expected-files.mjs), so a test run compiles
// and runs each fixture once: all of them in one go (helpers/fixture-batch.mjs), but for the source-map
// fixtures, which run with Node's --enable-source-maps. That a disabled build is plain tsc's output, recording
// nothing, is compiler-options.test.mjs's check, for every fixture.
import test from 'ava';
import * as path from 'node:path';
import { fixtureNames, fixturesDir } from './helpers/compile.mjs';
import { expectedText } from './helpers/expected-files.mjs';
import { buildAndRunFixtures } from './helpers/fixture-batch.mjs';
import { runFixture, summarize } from './helpers/fixture-run.mjs';

/** What fixtures/<name> prints when compiled with the plugin disabled. */
function plainStdout(t, name, nodeArgs = []) {
  return expectedText(t, path.join(fixturesDir, name, 'stdout.txt'), () => {
    const plain = runFixture(name, { nodeArgs, plugin: { enabled: false } });
    if (plain.status !== 0 || plain.calls.length > 0)
      throw new Error(`plain ${name}: status ${plain.status}, ${plain.calls.length} calls\n${plain.stderr}`);
    return plain.stdout;
  });
}

const undef = { $type: 'undefined' };
const ok = (fn, values, parent = null) => ({ fn, status: 'OK', error: null, parent, values });
const err = (fn, error, values, parent = null) => ({ fn, status: 'ERR', error, parent, values });
const input = (name, type, value) => [name, 'INPUT', type, value];
const output = (name, type, value) => [name, 'OUTPUT', type, value];

/** What each fixture's own driver code records, in call order. */
const expectations = {
  'function-declaration': [
    ok('divmod', [
      input('dividend', 'number', 17),
      input('divisor', 'number', 5),
      output('quotient', 'number', 3),
      output('remainder', 'number', 2),
    ]),
  ],
  'arrow-expression-body': [
    ok('add', [input('x', 'number', 2), input('y', 'number', 3), output('result', 'number', 5)]),
  ],
  'arrow-block-body': [ok('greet', [input('name', 'string', 'Ada'), output('result', 'string', 'Hello, Ada!')])],
  'function-expression': [ok('square', [input('n', 'number', 7), output('result', 'number', 49)])],
  'async-function': [
    ok('fetchUser', [input('id', 'number', 2), output('id', 'number', 2), output('name', 'string', 'Grace')]),
    err('fetchUser', 'RangeError: no user 9', [input('id', 'number', 9)]),
  ],
  'throwing-function': [
    ok('parseAmount', [input('text', 'string', '12.5'), output('result', 'number', 12.5)]),
    err('parseAmount', 'TypeError: not a number: abc', [input('text', 'string', 'abc')]),
  ],
  'void-function': [ok('remember', [input('entry', 'string', 'first')])],
  'inferred-object-return': [
    ok('analyzeTrade', [
      input('symbol', 'string', 'ACME'),
      input('quantity', 'number', 200),
      input('price', 'number', 61.5),
      output('symbol', 'string', 'ACME'),
      output('notional', 'number', 12300),
      output('large', 'boolean', true),
    ]),
  ],
  'this-parameter': [ok('describePoint', [input('label', 'string', 'P'), output('result', 'string', 'P(1, 2)')])],
  'nested-calls': [
    ok('outer', [input('value', 'number', 10), output('result', 'number', 42)]),
    ok('inner', [input('value', 'number', 10), output('result', 'number', 20)], 'outer'),
    ok('inner', [input('value', 'number', 11), output('result', 'number', 22)], 'outer'),
  ],
  'esm-output': [
    ok('clamp', [
      input('value', 'number', 15),
      input('min', 'number', 0),
      input('max', 'number', 10),
      output('result', 'number', 10),
    ]),
  ],
  'destructured-parameters': [
    ok('connect', [
      input('host', 'string', 'example.test'),
      input('portNumber', 'number', 8080),
      input('enabled', 'boolean', false),
      input('first', 'string', 'a'),
      input('third', 'string', 'c'),
      output('result', 'string', 'http://example.test:8080/a/c'),
    ]),
  ],
  'rest-parameters': [
    ok('sum', [
      input('label', 'string', 'three'),
      input('numbers[0]', 'number', 1),
      input('numbers[1]', 'number', 2),
      input('numbers[2]', 'number', 3),
      output('result', 'number', 6),
    ]),
  ],
  'default-and-optional-parameters': [
    ok('greet', [
      input('name', 'string', 'Ada'),
      input('greeting', 'string', 'Hello'),
      input('suffix', 'string', undef),
      output('result', 'string', 'Hello, Ada'),
    ]),
    ok('greet', [
      input('name', 'string', 'Grace'),
      input('greeting', 'string', 'Hi'),
      input('suffix', 'string', '!'),
      output('result', 'string', 'Hi, Grace!'),
    ]),
  ],
  'unlabeled-tuple': [
    ok('minMax', [
      input('values', 'number[]', [3, 1, 4, 1, 5]),
      output('return_0', 'number', 1),
      output('return_1', 'number', 5),
    ]),
  ],
  'interface-return': [
    ok('quote', [
      input('mid', 'number', 100),
      input('spread', 'number', 2),
      output('bid', 'number', 99),
      output('ask', 'number', 101),
    ]),
  ],
  'class-tag': [
    ok('Counter.increment', [input('by', 'number', 2), output('result', 'number', 2)]),
    ok('Counter.value', [input('next', 'number', 10)]),
    ok('Counter.value', [output('result', 'number', 10)]),
  ],
  'constructor-parameter-properties': [
    ok('Circle.constructor', [input('radius', 'number', 3), input('unit', 'string', 'cm')]),
  ],
  'private-and-computed-methods': [
    ok('Vault.#open', [input('code', 'number', 1234), output('result', 'boolean', true)]),
    ok('Vault[key]', [input('times', 'number', 3), output('result', 'string', 'xxx')]),
  ],
  overloads: [
    ok('format', [input('value', 'number | string', 3.14159), output('result', 'string', '3.14')]),
    ok('format', [input('value', 'number | string', '  padded  '), output('result', 'string', 'padded')]),
  ],
  recursion: [
    ok('factorial', [input('n', 'number', 4), output('result', 'number', 24)]),
    ok('factorial', [input('n', 'number', 3), output('result', 'number', 6)], 'factorial'),
    ok('factorial', [input('n', 'number', 2), output('result', 'number', 2)], 'factorial'),
    ok('factorial', [input('n', 'number', 1), output('result', 'number', 1)], 'factorial'),
  ],
  'this-super-arguments-new-target': [
    ok('Derived.constructor', [input('tag', 'string', '!')]),
    ok('Derived.greet', [input('name', 'string', 'ada'), output('result', 'string', 'HELLO ADA !')]),
    ok('countArguments', [input('a', 'number', 1), input('b', 'number', undef), output('result', 'number', 2)]),
    ok('countArguments', [input('a', 'number', 1), input('b', 'number', 2), output('result', 'number', 5)]),
  ],
  'object-literal-methods': [
    ok('api.get', [input('path', 'string', '/users'), output('result', 'string', 'GET /users')]),
    ok('api.post', [
      input('path', 'string', '/users'),
      input('body', 'unknown', { name: 'Ada' }),
      output('result', 'string', 'POST /users {"name":"Ada"}'),
    ]),
  ],
  'class-property-arrow': [
    ok('Button.onClick', [input('times', 'number', 2), output('result', 'number', 2)]),
    ok('Button.onClick', [input('times', 'number', 3), output('result', 'number', 5)]),
    ok('Button.label', [input('prefix', 'string', 'clicks:'), output('result', 'string', 'clicks: 5')]),
  ],
  'use-strict-prologue': [ok('strictThis', [output('result', 'string', 'undefined')])],
  'async-arrow': [
    ok('relay', [input('n', 'number', 21), output('result', 'number', 42)]),
    ok('double', [input('n', 'number', 21), output('result', 'number', 42)], 'relay'),
  ],
  'return-in-finally': [
    ok('withCleanup', [input('value', 'number', 1), output('result', 'number', 2)]),
    ok('overridden', [input('value', 'number', 5), output('result', 'number', -1)]),
  ],
  'class-methods': [
    // Values are copied when the call completes: the balance before the deposit below.
    ok('Account.open', [input('initial', 'number', 100), output('balance', 'number', 100)]),
    ok('Account.deposit', [input('amount', 'number', 25), output('result', 'number', 125)]),
  ],
  'class-instance-return': [
    ok('midpoint', [
      input('a', 'Point', { $type: 'object', class: 'Point', fields: { x: 0, y: 0 } }),
      input('b', 'Point', { $type: 'object', class: 'Point', fields: { x: 4, y: 6 } }),
      output('x', 'number', 2),
      output('y', 'number', 3),
    ]),
  ],
  generators: [
    ok('countdown', [
      input('from', 'number', 3),
      output('result', 'string', 'liftoff'),
      output('yielded', 'number', 3),
    ]),
    ok('ticks', [input('count', 'number', 2), output('result', 'number', 2), output('yielded', 'number', 2)]),
  ],
  'nested-functions': [
    ok('scale', [
      input('values', 'number[]', [1, 2]),
      input('factor', 'number', 10),
      output('result', 'number[]', [10, 20]),
    ]),
    ok('one', [input('value', 'number', 1), output('result', 'number', 10)], 'scale'),
    ok('one', [input('value', 'number', 2), output('result', 'number', 20)], 'scale'),
  ],
  'large-object-return': [
    ok('wide', [
      input('seed', 'number', 1),
      output('result', 'Wide', Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`f${i}`, 1 + i]))),
    ]),
  ],
  'shape-mismatch-fallback': [
    ok('pair', [input('raw', 'unknown', [1, 2]), output('left', 'number', 1), output('right', 'number', 2)]),
    ok('pair', [
      input('raw', 'unknown', 'not a pair'),
      output('result', '[left: number, right: number]', 'not a pair'),
    ]),
  ],
  'never-return': [err('fail', 'Error: stop', [input('message', 'string', 'stop')])],
  'export-default-anonymous': [ok('input', [input('celsius', 'number', 100), output('result', 'number', 212)])],
  'export-default-arrow': [
    ok('input', [input('a', 'number', 10), input('b', 'number', 4), output('result', 'number', 6)]),
  ],
  'select-exported': [
    ok('exported', [input('a', 'number', 1), output('result', 'number', 3)]),
    ok('Service.run', [input('input', 'string', 'ok'), output('result', 'string', 'OK')]),
  ],
  'select-all': [
    ok('twice', [input('a', 'number', 3), output('result', 'number', 12)]),
    ok('helper', [input('a', 'number', 3), output('result', 'number', 6)], 'twice'),
    ok('helper', [input('a', 'number', 6), output('result', 'number', 12)], 'twice'),
  ],
  'custom-tag-and-runtime': [ok('Pricing.quote', [input('mid', 'number', 10), output('result', 'number', 10.5)])],
  'decorators-legacy': [
    ok('Calculator.multiply', [input('a', 'number', 6), input('b', 'number', 7), output('result', 'number', 42)]),
    ok('Calculator.divide', [input('a', 'number', 9), input('b', 'number', 3), output('result', 'number', 3)]),
  ],
  'decorators-standard': [
    ok('Greeter.greet', [input('name', 'string', 'Ada'), output('result', 'string', 'Hello, Ada')]),
  ],
  'nodenext-esm': [ok('slug', [input('title', 'string', 'Hello World'), output('result', 'string', 'hello-world')])],
  'nodenext-commonjs': [ok('initials', [input('name', 'string', 'Ada Lovelace'), output('result', 'string', 'AL')])],
  'tag-options': [
    ok('Pricing.quote', [input('mid', 'number', 100), input('spread', 'number', 2)]),
    ok('token', [output('result', 'string', 'ada:4')]),
    ok('pay', [
      input('card', '{ number: string; cvv: string }', { number: '4111', cvv: { $type: 'redacted' } }),
      input('pin', 'string', { $type: 'redacted' }),
      input('amount', 'number', 5),
      output('result', 'boolean', true),
    ]),
    ok('silent', []),
    ok('check', [input('amount', 'number', 3), output('result', 'number', 3)]),
  ],
  // CommonJS: the registrations run before the file's own requires, so the call made during the cycle counts.
  'import-cycle': [
    ok('double', [input('n', 'number', 1), output('result', 'number', 2)]),
    ok('double', [input('n', 'number', 4), output('result', 'number', 8)]),
  ],
  // ES modules run their dependencies first: the early call runs unrecorded, and unharmed.
  'import-cycle-esm': [ok('double', [input('n', 'number', 4), output('result', 'number', 8)])],
  // Not sampled: only the failing call is recorded, and a sampled-out trace takes its children with it.
  sampling: [err('risky', 'RangeError: negative: -1', [input('n', 'number', -1)])],
  // Each value passed through `yield*` counts as yielded by the delegating generator, whose child the
  // delegate is; a generator that throws back what `.throw()` sent it fails with that error.
  'generator-delegation': [
    ok('sequence', [output('result', 'number', 11), output('yielded', 'number', 6)]),
    ok(
      'digits',
      [input('count', 'number', 3), output('result', 'string', 'digits done'), output('yielded', 'number', 3)],
      'sequence',
    ),
    err('guarded', 'Error: stop', [output('yielded', 'number', 1)]),
    ok('relay', [output('result', 'string', 'relayed'), output('yielded', 'number', 4)]),
    ok('source', [input('count', 'number', 2), output('yielded', 'number', 2)], 'relay'),
  ],
  // Two `for await` loops and a bystander interleave at every await: each note belongs to its own caller, and
  // a loop left by `break` closes its generator.
  'for-await-loops': [
    ok('spell', [input('word', 'string', 'ab'), output('result', 'string', 'AB')]),
    ok('letters', [input('word', 'string', 'ab'), output('yielded', 'number', 2)], 'spell'),
    ok('bystander', [output('result', 'string', 'BYSTANDER')]),
    ok('spell', [input('word', 'string', 'xyz'), output('result', 'string', 'X')]),
    ok('letters', [input('word', 'string', 'xyz'), output('yielded', 'number', 1)], 'spell'),
    ok('note', [input('label', 'string', 'bystander'), output('result', 'string', 'BYSTANDER')], 'bystander'),
    ok('note', [input('label', 'string', 'a'), output('result', 'string', 'A')], 'spell'),
    ok('note', [input('label', 'string', 'x'), output('result', 'string', 'X')], 'spell'),
    ok('note', [input('label', 'string', 'X'), output('result', 'string', 'X')], 'spell'),
    ok('note', [input('label', 'string', 'b'), output('result', 'string', 'B')], 'spell'),
    ok('note', [input('label', 'string', 'AB'), output('result', 'string', 'AB')], 'spell'),
    ok('sum', [input('values', 'number[]', [1, 2, 3]), output('result', 'number', 6)]),
  ],
  // A call ends after its own finally blocks: what they call are its children, and what they return wins.
  'async-finally': [
    ok('withCleanup', [input('value', 'number', 4), output('result', 'number', 8)]),
    ok('audit', [input('value', 'number', 4), output('result', 'number', 4)], 'withCleanup'),
    ok('fallback', [output('result', 'string', 'fallback')]),
    err('failing', 'Error: network', [], 'fallback'),
    ok('work', [input('value', 'number', 1), output('result', 'number', 2)]),
    ok('note', [input('value', 'number', 1)], 'work'),
  ],
  'name-collision': [
    ok('shadow', [
      input('__call', 'number', 1),
      input('__observatory', 'string', 'kept'),
      output('result', 'string', 'kept:1'),
    ]),
  ],
  // Exported by export list, by alias, by each declarator, by class and object, from a namespace, as default;
  // `internal` and the namespace's own `round` are not exported.
  'select-exported-symbols': [
    ok('main', []),
    ok('helper', [input('a', 'number', 1), output('result', 'number', 3)], 'main'),
    ok('inner', [input('a', 'number', 2), output('result', 'number', 6)], 'main'),
    ok('first', [input('a', 'number', 1), output('result', 'number', 11)], 'main'),
    ok('second', [input('a', 'number', 1), output('result', 'number', 21)], 'main'),
    ok('Service.run', [input('input', 'string', 'ok'), output('result', 'string', 'OK')], 'main'),
    ok('Service.version', [output('result', 'number', 1)], 'main'),
    ok('api.get', [input('path', 'string', '/a'), output('result', 'string', 'GET /a')], 'main'),
    ok('api.post', [input('path', 'string', '/b'), output('result', 'string', 'POST /b')], 'main'),
    ok('Units.toCm', [input('inches', 'number', 2), output('result', 'number', 5.1)], 'main'),
  ],
  // Nothing written inside an ignored class, function or object is recorded, unless tagged.
  'ignore-scope': [
    ok('run', [output('result', 'string', 'undefined 10 1234 ready')]),
    ok('checksum', [input('total', 'number', 5), output('result', 'number', 5)], 'run'),
    ok('ready', [output('result', 'string', 'ready')], 'run'),
  ],
  'class-expression-tag': [
    ok('Widget.sized', [input('width', 'number', 3), output('result', 'string', '3 9')]),
    ok('Widget.resize', [input('width', 'number', 3), output('result', 'number', 3)], 'Widget.sized'),
    ok('Widget.area', [output('result', 'number', 9)], 'Widget.sized'),
    ok('Widget.describe', [input('label', 'string', 'w'), output('result', 'string', 'w: 1')]),
    ok('Tagged.thrice', [input('n', 'number', 1), output('result', 'number', 3)]),
  ],
  'export-default-class': [ok('input.run', [input('steps', 'number', 2), output('result', 'string', 'ran 2')])],
  namespaces: [
    ok('Geometry.Solid.volume', [input('side', 'number', 2), output('result', 'number', 8)]),
    ok(
      'Geometry.area',
      [input('width', 'number', 2), input('height', 'number', 2), output('result', 'number', 4)],
      'Geometry.Solid.volume',
    ),
    ok('Geometry.Circle.circumference', [output('result', 'number', 6)]),
    ok('Units.Length.toCm', [input('inches', 'number', 10), output('result', 'number', 25.4)]),
  ],
  'tag-description': [
    ok('price', [input('quantity', 'number', 2), input('unit', 'number', 3), output('result', 'number', 6)]),
    ok('Pricing.legacy', [input('quantity', 'number', 4), output('result', 'number', 4)]),
    ok(
      'price',
      [input('quantity', 'number', 4), input('unit', 'number', 1), output('result', 'number', 4)],
      'Pricing.legacy',
    ),
  ],
  'overloaded-methods': [
    ok('Formatter.constructor', [input('digits', 'number | string', '2')]),
    ok('Formatter.format', [input('value', 'number | string', 3.14159), output('result', 'string', '3.14')]),
    ok('Formatter.format', [input('value', 'number | string', '  padded  '), output('result', 'string', 'padded')]),
  ],
  'overload-implementation-tag': [
    ok('parse', [input('text', 'string', 'ff'), input('radix', 'number', 16), output('result', 'number', 255)]),
    ok('parse', [input('text', 'string', '12'), input('radix', 'number', 10), output('result', 'number', 12)]),
    ok('Scale.apply', [input('value', 'number | number[]', [1, 2]), output('result', 'number | number[]', [2, 4])]),
  ],
  'object-literal-accessors': [
    ok('thermometer.fahrenheit', [input('value', 'number', 212)]),
    ok('thermometer.fahrenheit', [output('result', 'number', 212)]),
  ],
  'object-literal-async-methods': [
    ok('store.keys', [input('count', 'number', 2), output('result', 'number', 2), output('yielded', 'number', 2)]),
    ok('store.load', [input('key', 'string', 'a'), output('result', 'string', 'value of a')]),
  ],
  // Of the nested `admin` object, only the method tagged on its own.
  'object-literal-tag': [
    ok('api.get', [input('path', 'string', '/users'), output('result', 'string', 'GET /v1/users')]),
    ok('api.post', [input('path', 'string', '/users'), output('result', 'string', 'POST /users')]),
    ok('api.version', [output('result', 'number', 1)]),
    ok('api.admin.audit', [output('result', 'string', 'audited')]),
  ],
  // The constructor has no tag of its own; a class tag leaves it out.
  'class-tag-static-methods': [
    ok('Temperature.toCelsius', [input('fahrenheit', 'number', 212), output('result', 'number', 100)]),
    ok('Temperature.warmer', [input('by', 'number', 1), output('result', 'number', 101)]),
    ok('Temperature.isValid', [input('celsius', 'number', 100), output('result', 'boolean', true)]),
    ok('Temperature.toKelvin', [output('result', 'number', 373.15)]),
  ],
  'private-methods-and-accessors': [
    ok('Ledger.#nextId', [output('result', 'number', 1)]),
    ok('Ledger.#record', [input('value', 'number', -5), output('result', 'boolean', true)]),
    ok('Ledger.#amount', [input('value', 'number', -5)], 'Ledger.#record'),
    ok('Ledger.#overdrawn', [output('result', 'boolean', true)], 'Ledger.#record'),
  ],
  'export-equals': [
    ok('Calculator.add', [input('a', 'number', 2), input('b', 'number', 3), output('result', 'number', 5)]),
  ],
  'accessor-pair-one-tag': [ok('Dial.level', [output('result', 'number', 10)])],
  'abstract-class-tag': [
    ok('Shape.describe', [input('label', 'string', 'square'), output('result', 'string', 'square: 9')]),
  ],
  'accessor-fields': [
    ok('Counter.step', [input('by', 'number', 2), output('result', 'number', 2)]),
    ok('Counter.step', [input('by', 'number', 3), output('result', 'number', 5)]),
    ok('Counter.reset', [output('result', 'number', 1)]),
  ],
  // A default that was replaced by an argument is never called.
  'default-parameter-functions': [
    ok('round', [input('value', 'number', 3.75), output('result', 'number', 4)]),
    ok('format', [input('value', 'number', 4), output('result', 'string', '$4')]),
    ok('format', [input('value', 'number', 10), output('result', 'string', '$10')]),
  ],
  iife: [ok('setup', []), ok('<anonymous>', [output('result', 'string', 'done')])],
  'callback-tag': [
    ok('<anonymous>', [input('price', 'number', 1.5), output('result', 'number', 3)]),
    ok('<anonymous>', [input('price', 'number', 2), output('result', 'number', 4)]),
    ok('label', [input('price', 'number', 1.5), output('result', 'string', '$1.5')]),
    ok('label', [input('price', 'number', 2), output('result', 'string', '$2')]),
  ],
  'assigned-functions': [
    ok('handlers.shout', [input('input', 'string', 'hey'), output('result', 'string', 'HEY')]),
    ok('Greeter.prototype.greet', [input('name', 'string', 'Ada'), output('result', 'string', 'Hello, Ada')]),
  ],
};

let built;
let runnerStderr;
test.before(() => {
  const cases = Object.keys(expectations).map(name => ({ name, dir: name }));
  ({ fixtures: built, stderr: runnerStderr } = buildAndRunFixtures(cases, { root: fixturesDir, label: 'execution' }));
});

for (const [name, expected] of Object.entries(expectations)) {
  test(`execution ${name}: rows and program output`, t => {
    const traced = built.get(name);
    t.is(traced.exitCode, 0, runnerStderr);
    t.deepEqual(summarize(traced.calls), expected);
    t.is(traced.stdout, plainStdout(t, name), 'the instrumented program prints what the plain one prints');
  });
}

for (const [name, line, column] of [
  ['source-map', 4, 11],
  ['inline-source-map', 3, 24],
  ['source-map-esm', 4, 11],
]) {
  test(`execution ${name}: stack lines point at the original source`, t => {
    const nodeArgs = ['--enable-source-maps'];
    const traced = runFixture(name, { nodeArgs });
    t.is(traced.stdout, plainStdout(t, name, nodeArgs));
    t.is(traced.stdout, `input.ts:${line}:${column})\n`);
    t.deepEqual(summarize(traced.calls), [err('risky', 'Error: too big: 5', [input('input', 'number', 5)])]);
    t.regex(traced.calls[0].stack, new RegExp(`input\\.ts:${line}:${column}\\)`));
  });
}

test('execution async-finally: a call lasts until its own finally blocks are done', t => {
  const { calls } = built.get('async-finally');
  const byName = name => calls.find(call => call.fn === name);
  t.true(byName('withCleanup').durationUs >= byName('audit').durationUs, 'the awaited cleanup is inside the call');
});

test('OBSERVATORY_SAMPLE=0 records only failures', t => {
  const { calls, status } = runFixture('throwing-function', { env: { OBSERVATORY_SAMPLE: '0' } });
  t.is(status, 0);
  t.deepEqual(summarize(calls), [err('parseAmount', 'TypeError: not a number: abc', [input('text', 'string', 'abc')])]);
});

// Built alone: a fixture's default group is its file's path from the project's root, which a build of all
// fixtures at once moves.
test('tag options name= and group= set the recorded process name', t => {
  const { calls } = runFixture('tag-options');
  t.deepEqual(calls.map(call => `${call.group}.${call.fn}`).slice(0, 2), ['trading.Pricing.quote', 'input.token']);
});

test('every runnable fixture has an execution test', t => {
  const notRunnable = new Set([
    'invalid-tag-options',
    'misplaced-tags',
    'source-map',
    'inline-source-map',
    'source-map-esm',
  ]);
  const missing = fixtureNames().filter(name => !notRunnable.has(name) && !(name in expectations));
  t.deepEqual(missing, []);
});
