/**
 * Instrumenting one TypeScript file for a bundler or for Node: the file is emitted by its project's program
 * (project-service.ts) with the transformer `tspc` runs, with a source map into the TypeScript source. Tag errors are thrown, all of a file's at once, as tsc prints them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as ts from 'typescript';
import { createTransformer } from '../index';
import { formatDiagnostics } from '../format-diagnostics';
import type { PluginOptions } from '../options';
import { findUp } from '../project';
import { projectPluginOptions } from '../project-plugin-options';
import { typescriptFor } from '../typescript-api';
import { ProjectService, type OutputFormat } from './project-service';

const TYPESCRIPT_FILE = /\.(?:[cm]?ts|tsx)$/;
const DECLARATION_FILE = /\.d\.(?:[cm]?ts|tsx)$/;

/** The files a plugin instruments: the project's TypeScript, never declarations or installed packages. */
export function isInstrumentable(id: string): boolean {
  const fileName = id.split('?')[0]!;
  return TYPESCRIPT_FILE.test(fileName) && !DECLARATION_FILE.test(fileName) && !fileName.includes('/node_modules/');
}

export interface Instrumented {
  code: string;
  map: { version: number; sources: string[]; mappings: string; sourcesContent?: string[]; names: string[] };
}

export class Instrumenter {
  private readonly services = new Map<string, ProjectService>();
  private readonly warned = new Set<string>();
  /** Shared by the services of every tsconfig.json a compiler builds: the standard library is parsed once. */
  private readonly documentRegistries = new Map<typeof ts, ts.DocumentRegistry>();

  constructor(private readonly config: Partial<PluginOptions> = {}) {}

  /** `code`, the text of `id` as the bundler (or loader) holds it, emitted as instrumented JavaScript. */
  transform(code: string, id: string, warn: (message: string) => void, format: OutputFormat = 'esm'): Instrumented {
    const fileName = path.resolve(id.split('?')[0]!);
    let service = this.serviceFor(fileName, format);
    let { program, sourceFile } = service.programWith(fileName, code);
    // ES module output has no `export =` or `import x = require(...)`: TypeScript would drop them (TS1202,
    // TS1203) and the program would fail at run time. Such a file is emitted as CommonJS, which bundlers take.
    if (format === 'esm' && usesCommonJsSyntax(service.tsInstance, sourceFile)) {
      service = this.serviceFor(fileName, 'cjs');
      ({ program, sourceFile } = service.programWith(fileName, code));
    }
    const errors: ts.Diagnostic[] = [];
    const transformer = createTransformer(
      program,
      { ...projectPluginOptions(program), ...this.config },
      {
        ts: service.tsInstance,
        addDiagnostic: diagnostic => void errors.push(diagnostic),
        warn: message => {
          // Once per build, not once per file.
          if (this.warned.has(message)) return;
          this.warned.add(message);
          warn(`ts-observatory: ${message}`);
        },
      },
    );
    let js: string | undefined;
    let map: string | undefined;
    const write = (name: string, text: string) => (name.endsWith('.map') ? (map = text) : (js = text));
    program.emit(sourceFile, write, undefined, false, { before: [transformer] });
    if (errors.length > 0) throw new Error(formatDiagnostics(service.tsInstance, errors));
    if (js === undefined || map === undefined)
      throw new Error(`ts-observatory: TypeScript emitted nothing for ${fileName}`);
    const parsedMap = JSON.parse(map) as Instrumented['map'];
    // TypeScript names the source relative to where it would have written the output; bundlers want the file.
    parsedMap.sources = [fileName];
    return { code: js.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'), map: parsedMap };
  }

  /** The service of the nearest tsconfig.json above `fileName` for `format`, made on first use. */
  private serviceFor(fileName: string, format: OutputFormat): ProjectService {
    const configDir = findUp(path.dirname(fileName), dir => fs.existsSync(path.join(dir, 'tsconfig.json')));
    const configFile = configDir && path.join(configDir, 'tsconfig.json');
    const key = `${format}:${configFile ?? ''}`;
    let service = this.services.get(key);
    if (!service) {
      const tsInstance = typescriptFor(configDir ?? path.dirname(fileName));
      let registry = this.documentRegistries.get(tsInstance);
      if (!registry) this.documentRegistries.set(tsInstance, (registry = tsInstance.createDocumentRegistry()));
      this.services.set(key, (service = new ProjectService(tsInstance, configFile, format, registry)));
    }
    return service;
  }
}

/** Whether `sourceFile` has `export = ...` or `import x = require(...)`, syntax only CommonJS output can express. */
function usesCommonJsSyntax(tsInstance: typeof ts, sourceFile: ts.SourceFile): boolean {
  return sourceFile.statements.some(
    statement =>
      (tsInstance.isExportAssignment(statement) && statement.isExportEquals === true) ||
      (tsInstance.isImportEqualsDeclaration(statement) &&
        tsInstance.isExternalModuleReference(statement.moduleReference)),
  );
}
