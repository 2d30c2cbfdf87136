/**
 * `observatory check [-p tsconfig.json]`: which functions the tags and `select` ask for, and whether the built
 * output instruments each. It compiles the project in memory with the plugin to learn what should be there,
 * then reads the files the build wrote. When the output instruments none of them, it exits 1 and names the
 * likely cause: no build or a stale one, an unpatched `tsc`, or a tool that strips types without the plugin.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as ts from 'typescript';
import type { Command } from '../../viewer/commands/command';
import { UsageError } from '../../viewer/errors';
import { projectOption, tsconfigOf } from './project-option';
import { createTransformer } from '../index';
import { typescriptFor } from '../typescript-api';

/** A registration as the transformer prints it: `register(2, { name: "quote", group: …, file: "src/pricing.ts", line: 7,`. */
const REGISTRATION =
  /\.register\(\d+, \{\s*name: "((?:[^"\\]|\\.)*)",[\s\S]*?file: "((?:[^"\\]|\\.)*)",\s*line: (\d+),/g;

interface Expected {
  key: string;
  output: string | undefined;
  source: string;
}

export const checkCommand: Command = {
  name: 'check',
  summary: 'list the functions tags and select ask for, and whether the built output instruments each',
  ...projectOption,
  run({ values, out }) {
    const tsconfigPath = tsconfigOf(values, 'check');
    const tsInstance = typescriptFor(path.dirname(tsconfigPath));
    const parsed = tsInstance.getParsedCommandLineOfConfigFile(tsconfigPath, undefined, {
      ...tsInstance.sys,
      onUnRecoverableConfigFileDiagnostic: diagnostic => {
        throw new UsageError(`check: ${tsInstance.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`);
      },
    })!;
    const expected = expectedFunctions(tsInstance, parsed);
    if (expected.length === 0) {
      out.write('No function is tagged or selected: nothing to check.\n');
      return;
    }
    const built = new Map<string, string | undefined>();
    const outputText = (file: string) => {
      if (!built.has(file)) built.set(file, fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined);
      return built.get(file);
    };
    let instrumented = 0;
    const stale = new Set<string>();
    for (const fn of expected) {
      const text = fn.output && outputText(fn.output);
      const found = text !== undefined && registrations(text).has(fn.key);
      if (found) instrumented++;
      if (!fn.output || text === undefined || fs.statSync(fn.output).mtimeMs < fs.statSync(fn.source).mtimeMs)
        stale.add(fn.source);
      out.write(`${found ? 'instrumented    ' : 'NOT instrumented'}  ${fn.key}\n`);
    }
    out.write(`${instrumented} of ${expected.length} functions instrumented in the built output.\n`);
    if (instrumented > 0) return;
    process.exitCode = 1;
    out.write(`Likely cause: ${likelyCause(stale, [...built.values()])}\n`);
  },
};

/** What a build with the plugin registers, by `name @ file:line`, with the output file each lands in. */
function expectedFunctions(tsInstance: typeof ts, parsed: ts.ParsedCommandLine): Expected[] {
  const program = tsInstance.createProgram({
    rootNames: parsed.fileNames,
    options: parsed.options,
    projectReferences: parsed.projectReferences,
  });
  const plugin = (parsed.options.plugins as Array<Record<string, unknown>> | undefined)?.find(
    entry => entry.transform === 'ts-observatory/transformer',
  );
  const { transform: _transform, ...config } = plugin ?? {};
  const expected: Expected[] = [];
  for (const sourceFile of program.getSourceFiles()) {
    if (sourceFile.isDeclarationFile || !parsed.fileNames.includes(sourceFile.fileName)) continue;
    const output = tsInstance
      .getOutputFileNames(parsed, sourceFile.fileName, !tsInstance.sys.useCaseSensitiveFileNames)
      .find(file => /\.[cm]?js$/.test(file));
    const transformer = createTransformer(program, config, {
      ts: tsInstance,
      addDiagnostic: () => undefined,
      warn: () => undefined,
    });
    program.emit(
      sourceFile,
      (name, text) => {
        if (!/\.[cm]?js$/.test(name)) return;
        for (const key of registrations(text)) expected.push({ key, output, source: sourceFile.fileName });
      },
      undefined,
      false,
      { before: [transformer] },
    );
  }
  return expected;
}

function registrations(text: string): Set<string> {
  return new Set([...text.matchAll(REGISTRATION)].map(([, name, file, line]) => `${name} @ ${file}:${line}`));
}

function likelyCause(stale: Set<string>, outputs: Array<string | undefined>): string {
  if (outputs.every(text => text === undefined))
    return 'no built output: build the project (npx tspc, or tsc with ts-patch installed).';
  if (stale.size > 0)
    return `a stale build: ${[...stale].map(file => path.relative(process.cwd(), file)).join(', ')} changed after the build; build again.`;
  return (
    'the output was built without the plugin: by an unpatched tsc (use npx tspc, or ts-patch install with a prepare ' +
    "script so npm ci keeps it), or by a tool that strips types (tsx, esbuild, swc, babel) without ts-observatory's " +
    'plugin or loader.'
  );
}
