// How long `observatory tag` and `untag` take on a large tree, measured side by side in one run.
//
//   node bench/tagging/measure.mjs [files=200] [rounds=3]
//
// Two trees, each copied fresh into bench/.build/tagging for every round:
//   generated  `files` files of 21 functions to tag each (and 4 to skip), in the shapes tag handles (declarations with and without doc
//              comments, methods, accessors, constructors, arrows held by variables, properties and callbacks,
//              object literal methods, overloads, abstract members), every fourth file CRLF and tab-indented
//   own source this repository's transformer/, runtime/, viewer/ and tagging/, real code
// For each tree and round: `tag --all`, `tag --all` again (nothing to do), `untag --all`, and `tag --exported`
// (which builds a type checker for the exports), each a fresh `observatory` process timed from spawn to exit
// (wall) and by the CPU time it used (cpu-on-exit.cjs), so the figures include loading ts-morph and the
// compiler it carries. The loading alone is measured as `tag --dry-run` on a one-function file. Every round
// checks that untag gave back every byte.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildDir, repoRoot } from '../paths.mjs';

const files = Number(process.argv[2] ?? 200);
const rounds = Number(process.argv[3] ?? 3);
const cli = path.join(repoRoot, 'dist', 'viewer', 'cli.js');
const work = path.join(buildDir, 'tagging');

/** One file of 25 functions; `crlf` files also indent with tabs. */
function generatedFile(index, crlf) {
  const text = `/**
 * Module ${index}.
 */
import { helper } from './helper';

export function plain${index}(a: number, b: number): number {
  return a + b;
}

/** Documented on one line. */
export function documented${index}(text: string): string {
  return text.trim();
}

/**
 * Documented on several lines.
 * @param items what to sum
 */
export async function loadAll${index}(items: number[]): Promise<number> {
  return items.reduce((sum, item) => sum + item, 0);
}

export const arrow${index} = (value: number) => value * 2;

export const handler${index} = async (event: { id: string }) => {
  const parts = event.id.split('-').map(part => part.toUpperCase());
  return parts.filter(part => part.length > 0).join('/');
};

export abstract class Shape${index} {
  abstract area(): number;
  describe(): string {
    return \`area \${this.area()}\`;
  }
}

export class Account${index} {
  private readonly entries: number[] = [];
  onChange = (delta: number) => this.entries.push(delta);

  constructor(private balance: number) {}

  /** Deposits. */
  deposit(amount: number): number {
    this.balance += amount;
    return this.balance;
  }

  get total(): number {
    return this.balance;
  }

  set total(value: number) {
    this.balance = value;
  }

  static open(initial: number): Account${index} {
    return new Account${index}(initial);
  }
}

export function parse${index}(input: string): number;
export function parse${index}(input: number): number;
export function parse${index}(input: string | number): number {
  return Number(input);
}

export const api${index} = {
  get(id: string) {
    return helper(id);
  },
  list: (limit: number) => [limit],
  async remove(id: string) {
    return id.length;
  },
};

function internal${index}(n: number): number {
  return n < 2 ? n : internal${index}(n - 1) + internal${index}(n - 2);
}

export default function (value: number): number {
  return internal${index}(value);
}
`;
  return crlf ? text.replace(/^( {2})+/gm, spaces => '\t'.repeat(spaces.length / 2)).replace(/\n/g, '\r\n') : text;
}

function writeGenerated(root) {
  fs.mkdirSync(root, { recursive: true });
  fs.writeFileSync(path.join(root, 'helper.ts'), 'export function helper(id: string): string {\n  return id;\n}\n');
  for (let index = 0; index < files; index++) {
    const dir = path.join(root, `area${index % 10}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `module${index}.ts`), generatedFile(index, index % 4 === 3));
  }
}

function copyOwnSource(root) {
  for (const folder of ['transformer', 'runtime', 'viewer', 'tagging']) {
    fs.cpSync(path.join(repoRoot, folder), path.join(root, folder), {
      recursive: true,
      filter: source => !source.endsWith('.d.ts'),
    });
  }
}

function snapshot(root) {
  return fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile())
    .map(entry => fs.readFileSync(path.join(entry.parentPath, entry.name)).toString('latin1'))
    .join('\0');
}

const cpuOnExit = path.join(import.meta.dirname, 'cpu-on-exit.cjs');

/** Runs `observatory ...args`; returns its wall and CPU seconds and the summary's first line. */
function timed(...args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--require', cpuOnExit, cli, ...args], {
    encoding: 'utf8',
    timeout: 600_000,
  });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) throw new Error(`observatory ${args.join(' ')}: ${result.stderr}`);
  const cpu = Number(/cpu-us (\d+)\n$/.exec(result.stderr)[1]) / 1e6;
  return { wall, cpu, summary: result.stdout.split('\n')[0] };
}

const median = values => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const trees = { generated: writeGenerated, 'own source': copyOwnSource };
const steps = [
  ['tag --all', root => timed('tag', root, '--all')],
  ['tag --all again', root => timed('tag', root, '--all')],
  ['untag --all', root => timed('untag', root, '--all')],
  ['tag --exported', root => timed('tag', root, '--exported')],
];

fs.rmSync(work, { recursive: true, force: true });
const one = path.join(work, 'one');
fs.mkdirSync(one, { recursive: true });
fs.writeFileSync(path.join(one, 'one.ts'), 'export function one() {}\n');

const results = {};
const record = (step, { wall, cpu }) => (results[step] ??= []).push({ wall, cpu });
for (let round = 0; round < rounds; round++) {
  record('load (one function, --dry-run)', timed('tag', one, '--dry-run'));
  for (const [tree, write] of Object.entries(trees)) {
    const root = path.join(work, tree.replace(' ', '-'));
    fs.rmSync(root, { recursive: true, force: true });
    write(root);
    const original = snapshot(root);
    for (const [step, run] of steps) {
      const measured = run(root);
      record(`${tree}: ${step}`, measured);
      if (round === 0) console.error(`${tree}: ${step}: ${measured.summary}`);
      if (step === 'untag --all' && snapshot(root) !== original)
        throw new Error(`${tree}: untag did not give back the original bytes`);
    }
  }
}

console.log(
  `Node ${process.version}, ${rounds} rounds, load average ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}`,
);
console.log('| step | wall s, median | CPU s, median | CPU s, min |');
console.log('|---|---|---|---|');
for (const [step, values] of Object.entries(results)) {
  const cpu = values.map(value => value.cpu);
  console.log(
    `| ${step} | ${median(values.map(value => value.wall)).toFixed(2)} | ${median(cpu).toFixed(2)} | ${Math.min(...cpu).toFixed(2)} |`,
  );
}
