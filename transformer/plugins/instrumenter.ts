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

  constructor(private readonly config: Partial<PluginOptions> = {}) {}

  /** `code`, the text of `id` as the bundler (or loader) holds it, emitted as instrumented JavaScript. */
  transform(code: string, id: string, warn: (message: string) => void, format: OutputFormat = 'esm'): Instrumented {
    const fileName = path.resolve(id.split('?')[0]!);
    const service = this.serviceFor(fileName, format);
    const { program, sourceFile } = service.programWith(fileName, code);
    const errors: ts.Diagnostic[] = [];
    const transformer = createTransformer(program, this.config, {
      ts: service.tsInstance,
      addDiagnostic: diagnostic => void errors.push(diagnostic),
      warn: message => {
        // Once per build, not once per file.
        if (this.warned.has(message)) return;
        this.warned.add(message);
        warn(`ts-observatory: ${message}`);
      },
    });
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
      this.services.set(key, (service = new ProjectService(tsInstance, configFile, format)));
    }
    return service;
  }
}
