// `observatory tag --all` over a tree holding every fixture, so every function shape the transformer supports:
// built with `select: "tagged"`, the tagged tree must monitor and record exactly what the untagged tree records
// when built with `select: "all"`. The same tree checks that tagging twice changes nothing the second time,
// and that `untag` gives back every byte, CRLF, byte order mark and tab indentation included. Both trees are
// built and run the same way, all their fixtures in one go (helpers/fixture-batch.mjs).
import test from 'ava';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fixtureNames, fixturesDir, readFixtureOptions, repoRoot, scratchDir } from './helpers/compile.mjs';
import { buildAndRunFixtures } from './helpers/fixture-batch.mjs';
import { summarize } from './helpers/fixture-run.mjs';

const cli = path.join(repoRoot, 'dist', 'viewer', 'cli.js');

/** Fixtures a build accepts with the default tag; the others test diagnostics or a renamed tag. */
const fixtures = fixtureNames().filter(name => {
  if (fs.existsSync(path.join(fixturesDir, name, 'diagnostics.txt'))) return false;
  return !['tag', 'enabled', 'include', 'exclude'].some(key => key in (readFixtureOptions(name).plugin ?? {}));
});

/** Copies of some fixtures in other encodings, which tag and untag must keep byte for byte. */
const variants = [
  { name: 'class-methods', as: 'crlf', convert: text => text.replace(/\n/g, '\r\n') },
  { name: 'tag-description', as: 'crlf', convert: text => text.replace(/\n/g, '\r\n') },
  { name: 'arrow-block-body', as: 'bom', convert: text => `\uFEFF${text}` },
  {
    name: 'object-literal-methods',
    as: 'tabs',
    convert: text => text.replace(/^( {2})+/gm, spaces => '\t'.repeat(spaces.length / 2)),
  },
];

const scratch = scratchDir('tagging-shapes');
const tree = { untagged: path.join(scratch, 'untagged'), tagged: path.join(scratch, 'tagged') };
const cases = [
  ...fixtures.map(name => ({ name, dir: name })),
  ...variants.map(v => ({ name: v.name, dir: `${v.name}~${v.as}` })),
];

function observatory(...args) {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: scratch, encoding: 'utf8', timeout: 300_000 });
  if (result.status !== 0) throw new Error(`observatory ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}

/** Every file of a tree, by path relative to it, as bytes. */
function snapshot(root) {
  return Object.fromEntries(
    fs
      .readdirSync(root, { recursive: true, withFileTypes: true })
      .filter(entry => entry.isFile())
      .map(entry => {
        const file = path.join(entry.parentPath, entry.name);
        return [path.relative(root, file), fs.readFileSync(file)];
      }),
  );
}

function copyTree(from, to) {
  fs.cpSync(from, to, { recursive: true });
  return to;
}

test.before(() => {
  for (const name of fixtures) {
    fs.cpSync(path.join(fixturesDir, name), path.join(tree.untagged, name), {
      recursive: true,
      filter: source => !/\.(js|mjs|cjs|txt)$/.test(source),
    });
  }
  for (const { name, as, convert } of variants) {
    const dir = path.join(tree.untagged, `${name}~${as}`);
    fs.cpSync(path.join(tree.untagged, name), dir, { recursive: true });
    for (const file of fs.readdirSync(dir).filter(file => /\.[cm]?ts$/.test(file))) {
      fs.writeFileSync(path.join(dir, file), convert(fs.readFileSync(path.join(dir, file), 'utf8')));
    }
  }
  // The fixtures' own bare tags go first, so that every function `select: "all"` picks is `tag`'s to tag.
  observatory('untag', tree.untagged, '--all');
  copyTree(tree.untagged, tree.tagged);
  observatory('tag', tree.tagged, '--all');
});

test('tag changes the tree, and tagging again changes nothing', t => {
  t.notDeepEqual(snapshot(tree.tagged), snapshot(tree.untagged));
  const again = copyTree(tree.tagged, path.join(scratch, 'tagged-again'));
  t.regex(observatory('tag', again, '--all'), /^Tagged 0 functions in 0 files/);
  t.deepEqual(snapshot(again), snapshot(tree.tagged));
});

test('untag after tag gives back every byte, in CRLF, BOM and tab-indented files too', t => {
  const back = copyTree(tree.tagged, path.join(scratch, 'untagged-again'));
  observatory('untag', back, '--all');
  const original = snapshot(tree.untagged);
  t.deepEqual(snapshot(back), original);
  // The variants really are in their encodings, and were tagged.
  const tagged = snapshot(tree.tagged);
  t.true(original['class-methods~crlf/input.ts'].includes('\r\n'));
  t.false(/[^\r]\n/.test(tagged['class-methods~crlf/input.ts'].toString()));
  t.deepEqual([...tagged['arrow-block-body~bom/input.ts'].subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  t.regex(tagged['object-literal-methods~tabs/input.ts'].toString(), /\n\t\/\*\* @monitor \*\/\n\t[a-z]/);
});

/** The registrations a build emitted, without line and column, which the added tags move. */
function registrations(emitted) {
  const found = [];
  for (const text of emitted.values()) {
    for (const match of text.matchAll(/\.register\(\d+, (\{[\s\S]*?\n\})\)/g))
      found.push(match[1].replace(/\n\s*line: \d+,\n\s*column: \d+,/, ''));
  }
  return found.sort();
}

/**
 * Text with what the two builds may differ in masked: places in stack traces (the tags move lines and columns,
 * and each build has its own output folder), the frames of Node's own timer and task queues (whether a timer
 * fired with ticks pending is up to the clock), and the clock readings inside Node's timer objects.
 */
function masked(text) {
  return text
    .replace(/(\\n|\n)\s*at [^\\\n"]*?\(node:internal\/[^)]*\)/g, '')
    .replace(/[^\s"(]*\.test-out\/[^/]+\//g, '')
    .replace(/:\d+:\d+\b/g, ':line:column')
    .replace(/"(expiry|_idleStart)":\d+/g, '"$1":"time"');
}

const comparable = calls => JSON.parse(masked(JSON.stringify(summarize(calls))));

let all;
let tagged;
test.before(() => {
  ({ fixtures: all } = buildAndRunFixtures(cases, {
    root: tree.untagged,
    plugin: { select: 'all' },
    label: 'tagging-shapes-all',
  }));
  ({ fixtures: tagged } = buildAndRunFixtures(cases, {
    root: tree.tagged,
    plugin: { select: 'tagged' },
    label: 'tagging-shapes-tagged',
  }));
});

for (const { dir } of cases) {
  test(`${dir}: built with select "tagged" after tag --all, it records what select "all" records`, t => {
    const [fromAll, fromTagged] = [all.get(dir), tagged.get(dir)];
    t.true(registrations(fromAll.emitted).length > 0);
    t.deepEqual(registrations(fromTagged.emitted), registrations(fromAll.emitted));
    t.is(fromTagged.exitCode, fromAll.exitCode);
    t.is(masked(fromTagged.stdout), masked(fromAll.stdout));
    t.deepEqual(comparable(fromTagged.calls), comparable(fromAll.calls));
  });
}
