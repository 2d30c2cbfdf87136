/**
 * The TypeScript program a bundler plugin or the Node loader instruments with: one language service per tsconfig.json, so that
 * the transformer sees the same types, names and return shapes as under `tspc`, and a rebuild in watch or
 * dev mode re-checks only what changed.
 *
 * A file's text is what the bundler handed to the plugin when it has done so, and the disk's otherwise;
 * versions are counted per text and, for files read from disk, taken from their modification time, so a
 * type-only dependency the bundler never loads is still read again when it changes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as ts from 'typescript';

/** The module format a file is emitted in: ES modules for bundlers, and for Node the format Node runs it in. */
export type OutputFormat = 'esm' | 'cjs';

/**
 * Options that make the output fit its consumer whatever the project's tsconfig says: the module format
 * asked for (bundlers and dev servers read imports, not `require`), and bundler-style resolution, which
 * finds `./cart` and `./cart.js` as `cart.ts` the way bundlers, tsx and the Node loader do, so imported types
 * are known. Always a source map per file, no declarations, written nowhere.
 */
function emitOptions(tsInstance: typeof ts, options: ts.CompilerOptions, format: OutputFormat): ts.CompilerOptions {
  return {
    ...options,
    module: format === 'esm' ? tsInstance.ModuleKind.ESNext : tsInstance.ModuleKind.CommonJS,
    moduleResolution: tsInstance.ModuleResolutionKind.Bundler,
    noEmit: false,
    emitDeclarationOnly: false,
    declaration: false,
    declarationMap: false,
    composite: false,
    incremental: false,
    tsBuildInfoFile: undefined,
    sourceMap: true,
    inlineSourceMap: false,
    inlineSources: true,
    sourceRoot: undefined,
    mapRoot: undefined,
    outDir: undefined,
    outFile: undefined,
    noEmitOnError: false,
  };
}

export class ProjectService {
  private readonly handed = new Map<string, { text: string; version: number }>();
  private readonly rootNames: Set<string>;
  private readonly options: ts.CompilerOptions;
  private readonly service: ts.LanguageService;

  constructor(
    /** The compiler API this project is built with (typescript-api.ts). */
    readonly tsInstance: typeof ts,
    /** The project's tsconfig.json, or undefined for a file that has none above it. */
    readonly configFile: string | undefined,
    format: OutputFormat,
    documentRegistry: ts.DocumentRegistry,
  ) {
    const parsed = configFile ? readConfig(tsInstance, configFile) : { options: {}, fileNames: [] };
    this.options = emitOptions(tsInstance, parsed.options, format);
    this.rootNames = new Set(parsed.fileNames);
    const host: ts.LanguageServiceHost = {
      getCompilationSettings: () => this.options,
      getScriptFileNames: () => [...this.rootNames],
      getScriptVersion: fileName => this.versionOf(fileName),
      getScriptSnapshot: fileName => {
        const text = this.handed.get(fileName)?.text ?? tsInstance.sys.readFile(fileName);
        return text === undefined ? undefined : tsInstance.ScriptSnapshot.fromString(text);
      },
      getCurrentDirectory: () => (configFile ? path.dirname(configFile) : process.cwd()),
      getDefaultLibFileName: options => tsInstance.getDefaultLibFilePath(options),
      fileExists: tsInstance.sys.fileExists,
      readFile: tsInstance.sys.readFile,
      readDirectory: tsInstance.sys.readDirectory,
      directoryExists: tsInstance.sys.directoryExists,
      getDirectories: tsInstance.sys.getDirectories,
      realpath: tsInstance.sys.realpath,
      useCaseSensitiveFileNames: () => tsInstance.sys.useCaseSensitiveFileNames,
    };
    this.service = tsInstance.createLanguageService(host, documentRegistry);
  }

  /** The program with `fileName` holding `text`, as the bundler sees it now. */
  programWith(fileName: string, text: string): { program: ts.Program; sourceFile: ts.SourceFile } {
    const known = this.handed.get(fileName);
    if (known?.text !== text) this.handed.set(fileName, { text, version: (known?.version ?? 0) + 1 });
    this.rootNames.add(fileName);
    const program = this.service.getProgram()!;
    return { program, sourceFile: program.getSourceFile(fileName)! };
  }

  private versionOf(fileName: string): string {
    const handed = this.handed.get(fileName);
    if (handed) return `handed:${handed.version}`;
    // Libraries and the standard library do not change during a build.
    if (fileName.includes('/node_modules/')) return 'library';
    try {
      return `disk:${fs.statSync(fileName).mtimeMs}`;
    } catch {
      return 'missing';
    }
  }
}

function readConfig(tsInstance: typeof ts, configFile: string): ts.ParsedCommandLine {
  const parsed = tsInstance.getParsedCommandLineOfConfigFile(configFile, undefined, {
    ...tsInstance.sys,
    onUnRecoverableConfigFileDiagnostic: diagnostic => {
      throw new Error(
        `ts-observatory: cannot read ${configFile}: ${tsInstance.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`,
      );
    },
  });
  return parsed!;
}
