// `observatory tag`, `untag` and `ls` as a user runs them, on a small project: where the tags go, what the
// summary says, --dry-run, --match, the default scope, bad input, and the list with its counts.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compile, repoRoot, scratchDir } from './helpers/compile.mjs';
import { runNode, readCalls } from './helpers/trace.mjs';

const cli = path.join(repoRoot, 'dist', 'viewer', 'cli.js');

const SHAPES = `/**
 * The file's header, which is no function's doc.
 */

export function plain(a: number): number {
  return a + 1;
}

/** One line of doc. */
export function documented(a: number): number {
  return a * 2;
}

/**
 * Several lines of doc.
 * @param a a number
 */
export const arrow = (a: number) => a - 1;

/** @deprecated use arrow */
export function legacy(): string {
  return 'legacy';
}

export abstract class Base {
  abstract area(): number;
}

export class Square extends Base {
  constructor(private readonly side: number) {
    super();
  }
  area(): number {
    return [this.side].map(side => side * side)[0]!;
  }
}

export function over(a: string): string;
export function over(a: number): number;
export function over(a: string | number) {
  return a;
}

export declare function ambient(): void;

/** @monitor-ignore */
export function quiet() {}

/** @monitor sample=1 */
export function configured(): number {
  return 7;
}

function internal(): number {
  return plain(1);
}

console.log(plain(1), documented(2), arrow(3), legacy(), new Square(2).area(), over(4), configured(), internal());
`;

/** What `tag src` (exported functions) makes of SHAPES: each replacement adds one tag. */
const TAGGING = [
  ['\nexport function plain', '\n/** @monitor */\nexport function plain'],
  ['/** One line of doc. */', '/** One line of doc.\n * @monitor */'],
  [' * @param a a number\n */', ' * @param a a number\n * @monitor\n */'],
  ['/** @deprecated use arrow */', '/** @deprecated use arrow\n * @monitor */'],
  ['  constructor(', '  /** @monitor */\n  constructor('],
  ['  area(): number {', '  /** @monitor */\n  area(): number {'],
  ['export function over(a: string | number)', '/** @monitor */\nexport function over(a: string | number)'],
];
const TAGGED = TAGGING.reduce((text, [from, to]) => text.replace(from, to), SHAPES);

function observatory(cwd, ...args) {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A project folder with `files` ({ relative path: text or bytes }) under src/. */
function project(label, files) {
  const root = scratchDir(label);
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, 'src', file)), { recursive: true });
    fs.writeFileSync(path.join(root, 'src', file), content);
  }
  return root;
}

/** The 1-based line of the first line of `text` that starts with `start`. */
const lineOf = (text, start) => text.split('\n').findIndex(line => line.startsWith(start)) + 1;

const read = (root, file) => fs.readFileSync(path.join(root, 'src', file));

test('tag puts each tag where the transformer reads it and says what it skipped and why', t => {
  const root = project('tag-shapes', { 'shapes.ts': SHAPES });
  const { status, stdout } = observatory(root, 'tag', 'src');
  t.is(status, 0);
  t.is(read(root, 'shapes.ts').toString(), TAGGED);
  t.regex(stdout, /^Tagged 7 functions in 1 file \(of 1 file read\)\.\n {2}src\/shapes\.ts: 7\n/);
  t.regex(stdout, /1 function already had its own tag\./);
  t.regex(stdout, /Skipped 5 functions .*\(1 abstract, 2 overload, 1 no body, 1 @monitor-ignore\):/);
  const skipped = [
    `src/shapes.ts:${lineOf(SHAPES, '  abstract area')}:3 Base.area (abstract)`,
    `src/shapes.ts:${lineOf(SHAPES, 'export function over(a: string)')}:1 over (overload)`,
    `src/shapes.ts:${lineOf(SHAPES, 'export function over(a: number)')}:1 over (overload)`,
    `src/shapes.ts:${lineOf(SHAPES, 'export declare')}:1 ambient (no body)`,
    `src/shapes.ts:${lineOf(SHAPES, 'export function quiet')}:1 quiet (@monitor-ignore)`,
  ];
  for (const line of skipped) t.true(stdout.includes(`  ${line}\n`), line);
  // Not exported, and an arrow inside a method: outside the default scope.
  t.regex(read(root, 'shapes.ts').toString(), /\n\nfunction internal\(\)/);
  t.regex(read(root, 'shapes.ts').toString(), /\.map\(side => /);

  // Built through the plugin and run, the tagged functions are the ones recorded.
  const outDir = path.join(root, 'out');
  const build = compile({ rootDir: path.join(root, 'src'), files: [path.join(root, 'src', 'shapes.ts')], outDir });
  t.is(build.diagnostics, '');
  const dbPath = path.join(root, 'traces.db');
  const run = runNode(path.join(outDir, 'shapes.js'), { dbPath });
  t.is(run.status, 0, run.stderr);
  t.deepEqual([...new Set(readCalls(dbPath).map(call => call.fn))].sort(), [
    'Square.area',
    'Square.constructor',
    'arrow',
    'configured',
    'documented',
    'legacy',
    'over',
    'plain',
  ]);
});

test('--dry-run prints the same summary and writes nothing', t => {
  const root = project('tag-dry-run', {
    'shapes.ts': SHAPES,
    'more/crlf.ts': 'export function f() {\r\n\treturn 1;\r\n}\r\n',
  });
  const before = fs.statSync(path.join(root, 'src', 'shapes.ts')).mtimeMs;
  const dry = observatory(root, 'tag', 'src', '--dry-run');
  t.is(dry.status, 0);
  t.regex(dry.stdout, /^Would have tagged 8 functions in 2 files \(of 2 files read\); dry run, no file written\./);
  t.is(read(root, 'shapes.ts').toString(), SHAPES);
  t.is(read(root, 'more/crlf.ts').toString(), 'export function f() {\r\n\treturn 1;\r\n}\r\n');
  t.is(fs.statSync(path.join(root, 'src', 'shapes.ts')).mtimeMs, before);
  const real = observatory(root, 'tag', 'src');
  t.is(real.stdout.replace(/^.*\n/, ''), dry.stdout.replace(/^.*\n/, ''));
  t.is(read(root, 'more/crlf.ts').toString(), '/** @monitor */\r\nexport function f() {\r\n\treturn 1;\r\n}\r\n');
});

test('untag takes out the bare tags, keeps one with options, and gives back the original bytes', t => {
  const root = project('untag', { 'shapes.ts': SHAPES });
  observatory(root, 'tag', 'src', '--all');
  t.regex(read(root, 'shapes.ts').toString(), /\/\*\* @monitor \*\/ side => /);
  const tagged = read(root, 'shapes.ts').toString();
  const { status, stdout } = observatory(root, 'untag', 'src', '--all');
  t.is(status, 0);
  t.is(read(root, 'shapes.ts').toString(), SHAPES);
  t.regex(stdout, /^Untagged 9 functions in 1 file/);
  // Places are those of the file as the command read it.
  t.true(
    stdout.includes(
      `Kept 1 tag with options (remove them by hand if meant):\n  src/shapes.ts:${lineOf(tagged, 'export function configured')}:1 configured\n`,
    ),
  );
});

test('untag deletes a hand-written comment that held only the tag, and only the tag line from one that says more', t => {
  const text =
    '/** @monitor */\nexport function a() {}\n\n/**\n * Doc.\n * @monitor\n */\nexport function b() {}\n\n/** @internal @monitor */\nexport function c() {}\n';
  const root = project('untag-hand-written', { 'hand.ts': text });
  t.is(observatory(root, 'untag', 'src').status, 0);
  t.is(
    read(root, 'hand.ts').toString(),
    'export function a() {}\n\n/**\n * Doc.\n */\nexport function b() {}\n\n/** @internal */\nexport function c() {}\n',
  );
});

test('--match picks functions by recorded name, exported or not; a scope takes one of --all and --exported', t => {
  const root = project('tag-match', { 'shapes.ts': SHAPES });
  const { stdout } = observatory(root, 'tag', 'src', '--match', '^(Square\\.|internal$)');
  t.regex(stdout, /^Tagged 3 functions/);
  const tagged = read(root, 'shapes.ts').toString();
  t.regex(tagged, /\/\*\* @monitor \*\/\nfunction internal/);
  t.regex(tagged, / {2}\/\*\* @monitor \*\/\n {2}area\(\)/);
  t.regex(tagged, /\n\nexport function plain/);
  const both = observatory(root, 'tag', 'src', '--all', '--exported');
  t.is(both.status, 2);
  t.regex(both.stderr, /choose one of --exported and --all/);
  const badRegExp = observatory(root, 'tag', 'src', '--match', '(');
  t.is(badRegExp.status, 2);
  t.regex(badRegExp.stderr, /--match: Invalid regular expression/);
});

test('a file that is not UTF-8 stops the run before any file is written; a path that names nothing is an error', t => {
  const latin1 = Buffer.from('export function caf\xe9() {}\n', 'latin1');
  const root = project('tag-bad-input', { 'a.ts': 'export function a() {}\n', 'b.ts': latin1 });
  const { status, stderr } = observatory(root, 'tag', 'src');
  t.is(status, 2);
  t.regex(stderr, /b\.ts is not UTF-8 text; no file was changed/);
  t.is(read(root, 'a.ts').toString(), 'export function a() {}\n');
  t.deepEqual(read(root, 'b.ts'), latin1);
  const missing = observatory(root, 'tag', 'nowhere/**/*.ts');
  t.is(missing.status, 2);
  t.regex(missing.stderr, /no TypeScript or JavaScript source file matches "nowhere\/\*\*\/\*\.ts"/);
  t.is(observatory(root, 'tag').status, 2);
});

test('ls lists each monitored function with its reason, and counts per file and group', t => {
  const root = project('ls', {
    'pricing.ts':
      '/** @monitor group=trading */\nexport function quote() {}\n\n/** @monitor */\nexport class Book {\n  add() {}\n}\n',
    'util.ts': 'export const round = (n: number) => Math.round(n);\nfunction hidden() {}\n',
  });
  const plugins = [{ transform: 'ts-observatory/transformer', select: 'exported' }];
  fs.writeFileSync(
    path.join(root, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { strict: true, plugins }, include: ['src'] }),
  );
  const listing = JSON.parse(observatory(root, 'ls', '--json').stdout);
  t.deepEqual(
    listing.functions.map(fn => [fn.name, fn.kind, fn.group, `${fn.file}:${fn.line}`, fn.reason]),
    [
      ['quote', 'function', 'trading', 'src/pricing.ts:2', 'tag'],
      ['Book.add', 'method', 'src/pricing', 'src/pricing.ts:6', 'container'],
      ['round', 'arrow', 'src/util', 'src/util.ts:1', 'select'],
    ],
  );
  t.deepEqual(listing.perFile, { 'src/pricing.ts': 2, 'src/util.ts': 1 });
  t.deepEqual(listing.perGroup, { trading: 1, 'src/pricing': 1, 'src/util': 1 });
  const text = observatory(root, 'ls', '-p', 'tsconfig.json').stdout;
  t.regex(text, /src\/pricing\.ts:6:3 +\| Book\.add +\| method +\| src\/pricing +\| class or object tag/);
  t.regex(text, /3 monitored functions in 2 files \(select: exported\)\./);
  const missing = observatory(root, 'ls', '-p', 'nope.json');
  t.is(missing.status, 2);
  t.regex(missing.stderr, /ls: no nope\.json; name one with -p/);
});

test('ts-morph stays out of the runtime and of the commands that do not tag', t => {
  const script = `
    require(${JSON.stringify(path.join(repoRoot, 'dist', 'runtime', 'index.js'))});
    require(${JSON.stringify(path.join(repoRoot, 'dist', 'transformer', 'index.js'))});
    process.argv = [process.argv[0], 'observatory', 'help'];
    require(${JSON.stringify(cli)});
    process.on('exit', () => {
      const loaded = Object.keys(require.cache).filter(file => file.includes('ts-morph'));
      if (loaded.length > 0) { console.error(loaded.join('\\n')); process.exitCode = 3; }
    });`;
  const result = spawnSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    env: { ...process.env, OBSERVATORY: 'off' },
  });
  t.is(result.status, 0, result.stderr);
  t.regex(result.stdout, /tag +add @monitor/);
});
