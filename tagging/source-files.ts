/**
 * The files `tag` and `untag` work on: found from the paths, folders and globs on the command line, read as
 * bytes and written back as bytes, so that a byte order mark survives, and a file that is not UTF-8 text is
 * refused before any file is written.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FileSystemHost } from 'ts-morph';
import { UsageError } from '../viewer/errors';

export interface SourceText {
  path: string;
  /** The file starts with a UTF-8 byte order mark, which `text` leaves out. */
  bom: boolean;
  text: string;
}

/** What a folder on the command line stands for. */
const FOLDER_FILES = '**/*.{ts,tsx,mts,cts}';
const DECLARATION_FILE = /\.d(\.[\w-]+)?\.[cm]?ts$/;

/** The absolute paths of the source files `args` name, in order; a path or glob that names none is an error. */
export function findSourceFiles(fileSystem: FileSystemHost, args: readonly string[]): string[] {
  const found = new Set<string>();
  for (const arg of args) {
    const stat = fs.statSync(arg, { throwIfNoEntry: false });
    const matches = stat?.isFile()
      ? [path.resolve(arg)]
      : fileSystem.globSync([stat?.isDirectory() ? `${toGlobPath(arg)}/${FOLDER_FILES}` : arg, '!**/node_modules/**']);
    const sources = matches.filter(file => !DECLARATION_FILE.test(file));
    if (sources.length === 0)
      throw new UsageError(`no TypeScript or JavaScript source file matches ${JSON.stringify(arg)}`);
    for (const file of sources) found.add(path.resolve(file));
  }
  return [...found].sort();
}

/** A folder path as a glob, with the characters that globs give a meaning escaped. */
function toGlobPath(folder: string): string {
  return folder
    .split(path.sep)
    .join('/')
    .replace(/[*?[\]{}()!]/g, '\\$&')
    .replace(/\/$/, '');
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function readSourceText(filePath: string): SourceText {
  let text: string;
  try {
    text = utf8.decode(fs.readFileSync(filePath));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_ENCODING_INVALID_ENCODED_DATA') throw error;
    throw new UsageError(`${filePath} is not UTF-8 text; no file was changed`);
  }
  const bom = text.charCodeAt(0) === 0xfeff;
  return { path: filePath, bom, text: bom ? text.slice(1) : text };
}

export function writeSourceText(file: SourceText, text: string): void {
  fs.writeFileSync(file.path, file.bom ? `\uFEFF${text}` : text);
}
