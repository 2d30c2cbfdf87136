// The hot path is read, not timed: every function that `enter`, `exit`, `fail`, `done`, `suspend`, `pause`
// and `resume` can reach inside runtime/ is parsed with ts-morph and checked for the things it must never do:
// serialize (JSON, structured clone), allocate a closure or anything but the call record, spread, read
// `arguments`, or touch SQLite or a message port. Copying values into the ring is what `done` is for, and is
// checked the same way. (`delegate`, `delegateAsync` and `iterate` run once per `yield*` or `for await` loop,
// not per call, and allocate their wrapper iterator by design.)
import test from 'ava';
import * as path from 'node:path';
import { Node, Project, SyntaxKind } from 'ts-morph';
import { repoRoot } from './helpers/compile.mjs';

const HOT_PATH = ['enter', 'exit', 'fail', 'done', 'suspend', 'pause', 'resume'];
/**
 * Reached only off the common path, and documented as such where they are: copying arguments at entry for
 * functions tagged `snapshot`, waiting for a promise returned by an async function, starting the writer
 * thread (once, with the first record), waiting for room in a full ring, a record larger than the ring, and
 * putting drop counts into the ring (at most once per flush interval).
 */
const OPT_IN = new Set([
  'snapshot',
  'encodeSnapshot',
  'settleLater',
  'start',
  'waitForRoom',
  'writeWithoutValues',
  'writeDrops',
  'warn',
]);
const FORBIDDEN_NAMES = /^(JSON|Database|stringify|structuredClone|postMessage|arguments)$/;

const project = new Project({
  tsConfigFilePath: path.join(repoRoot, 'tsconfig.json'),
  skipAddingFilesFromTsConfig: false,
});
const runtimeDir = path.join(repoRoot, 'runtime');
const recorder = project.getSourceFileOrThrow(path.join(runtimeDir, 'record', 'recorder.ts'));

/** Every function or method declared in runtime/ that `root` can call, `root` included. */
function reachable(root) {
  const found = new Set([root]);
  const queue = [root];
  while (queue.length > 0) {
    const fn = queue.pop();
    for (const call of fn.getDescendantsOfKind(SyntaxKind.CallExpression)) {
      const callee = call.getExpression();
      const nameNode = Node.isPropertyAccessExpression(callee) ? callee.getNameNode() : callee;
      for (const declaration of nameNode.getSymbol()?.getDeclarations() ?? []) {
        const isFunction = Node.isFunctionDeclaration(declaration) || Node.isMethodDeclaration(declaration);
        const inRuntime = declaration.getSourceFile().getFilePath().startsWith(runtimeDir);
        const name = declaration.getName?.();
        if (!isFunction || !inRuntime || OPT_IN.has(name) || found.has(declaration)) continue;
        found.add(declaration);
        queue.push(declaration);
      }
    }
  }
  return [...found];
}

for (const name of HOT_PATH) {
  test(`${name} serializes nothing, allocates no closure and touches no SQLite`, t => {
    const functions = reachable(recorder.getFunctionOrThrow(name));
    for (const fn of functions) {
      const where = `${fn.getName()} (${path.relative(repoRoot, fn.getSourceFile().getFilePath())}:${fn.getStartLineNumber()})`;
      t.deepEqual(
        fn.getDescendantsOfKind(SyntaxKind.ArrowFunction).map(node => node.getText()),
        [],
        `${where} allocates a closure`,
      );
      t.deepEqual(
        fn.getDescendantsOfKind(SyntaxKind.FunctionExpression).map(node => node.getText()),
        [],
        `${where} allocates a closure`,
      );
      t.deepEqual(
        fn.getDescendantsOfKind(SyntaxKind.SpreadElement).map(node => node.getText()),
        [],
        `${where} spreads`,
      );
      const forbidden = fn.getDescendantsOfKind(SyntaxKind.Identifier).filter(id => FORBIDDEN_NAMES.test(id.getText()));
      t.deepEqual(
        forbidden.map(id => id.getText()),
        [],
        `${where} serializes or touches SQLite`,
      );
      const allocations = fn.getDescendantsOfKind(SyntaxKind.NewExpression).map(node => node.getExpression().getText());
      t.true(
        allocations.every(constructor => constructor === 'Call'),
        `${where} allocates only the call record: ${allocations}`,
      );
    }
    const imports = new Set(
      functions.flatMap(fn =>
        fn
          .getSourceFile()
          .getImportDeclarations()
          .map(d => d.getModuleSpecifierValue()),
      ),
    );
    t.false(
      [...imports].some(specifier => /better-sqlite3|\/store\//.test(specifier)),
      [...imports].join(', '),
    );
  });
}

test('the walk follows calls across files: enter reaches the ring check, done the ring and every value copy', t => {
  const names = name => new Set(reachable(recorder.getFunctionOrThrow(name)).map(fn => fn.getName()));
  const enter = names('enter');
  t.true(enter.has('tooFull'), [...enter].join(' '));
  const done = names('done');
  for (const reached of ['publish', 'encodeInputs', 'copyObject', 'copyArray', 'copyMap', 'copyError', 'copyString']) {
    t.true(done.has(reached), `done reaches ${reached}: ${[...done].join(' ')}`);
  }
});
