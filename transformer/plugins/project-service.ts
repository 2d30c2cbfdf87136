/**
 * The TypeScript program a bundler plugin or the Node loader instruments with: one language service per tsconfig.json, so that
 * the transformer sees the same types, names and return shapes as under `tspc`, and a rebuild in watch or
 * dev mode re-checks only what changed.
 *
 * A file's text is what the bundler handed to the plugin when it has done so, and the disk's otherwise; a
 * new text handed is a new version, and a file read from disk takes its version from its modification time,
 * so a type-only dependency the bundler never loads is still read again when it changes. A file first handed
 * as it is on disk keeps the version the program read it at: the program then stays the same from one file
 * to the next, and so does its type checker, which has already worked out the types the files share.
 *
 * TypeScript lists a union's members in the order their types were made (`A | B` or `B | A`). A checker shared
 * by files emitted in the bundler's order, which varies from build to build, would print one order in one build
 * and the other in the next. So the project's files are type-checked in the program's own order, up to the
 * file being emitted, before it is emitted: the order `tspc` checks them in before it emits, whatever order the
 * bundler asks for them in. A file the project's program does not hold (a test outside its `include`) goes to
 * a second program, made again as each such file is added, and is typed as it comes; so is every file emitted
 * once an edit has changed the project's program (watch or dev mode), so that an edit costs what its own file
 * needs and not the project's whole check.
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
  private readonly handed = new Map<string, { text: string; version: string }>();
  private handedTexts = 0;
  private readonly projectFiles: string[];
  private readonly outsideFiles = new Set<string>();
  private readonly options: ts.CompilerOptions;
  /** The project's files, as its tsconfig.json lists them. */
  private readonly project: ts.LanguageService;
  /** The project's files and every file handed that the project's program does not hold. */
  private readonly outside: ts.LanguageService;
  /** The project's first program, and how many of its files are checked, in its order (see the top). */
  private firstProgram: ts.Program | undefined;
  private checkedFiles = 0;

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
    this.projectFiles = parsed.fileNames;
    this.project = tsInstance.createLanguageService(
      this.host(() => this.projectFiles),
      documentRegistry,
    );
    this.outside = tsInstance.createLanguageService(
      this.host(() => [...this.projectFiles, ...this.outsideFiles]),
      documentRegistry,
    );
  }

  /** The program with `fileName` holding `text`, as the bundler sees it now. */
  programWith(fileName: string, text: string): { program: ts.Program; sourceFile: ts.SourceFile } {
    const known = this.handed.get(fileName);
    if (known?.text !== text) {
      const asOnDisk = known === undefined && text === this.tsInstance.sys.readFile(fileName);
      this.handed.set(fileName, { text, version: asOnDisk ? diskVersion(fileName) : `handed:${++this.handedTexts}` });
    }
    const program = this.project.getProgram()!;
    const sourceFile = program.getSourceFile(fileName);
    if (sourceFile && !sourceFile.isDeclarationFile) {
      this.firstProgram ??= program;
      if (program === this.firstProgram) this.checkThrough(program, sourceFile);
      return { program, sourceFile };
    }
    this.outsideFiles.add(fileName);
    const outsideProgram = this.outside.getProgram()!;
    return { program: outsideProgram, sourceFile: outsideProgram.getSourceFile(fileName)! };
  }

  /** Type-checks the files of `program` in its own order, up to and including `sourceFile`. */
  private checkThrough(program: ts.Program, sourceFile: ts.SourceFile): void {
    const files = program.getSourceFiles();
    const last = files.indexOf(sourceFile);
    for (; this.checkedFiles <= last; this.checkedFiles++) program.getSemanticDiagnostics(files[this.checkedFiles]);
  }

  private host(getScriptFileNames: () => string[]): ts.LanguageServiceHost {
    const tsInstance = this.tsInstance;
    const configFile = this.configFile;
    return {
      getCompilationSettings: () => this.options,
      getScriptFileNames,
      getScriptVersion: fileName => this.handed.get(fileName)?.version ?? diskVersion(fileName),
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
  }
}

/** The version of a file read from disk. Libraries and the standard library do not change during a build. */
function diskVersion(fileName: string): string {
  if (fileName.includes('/node_modules/')) return 'library';
  try {
    return `disk:${fs.statSync(fileName).mtimeMs}`;
  } catch {
    return 'missing';
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
