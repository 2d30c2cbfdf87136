/**
 * The dashboard's browser code, as the one script the page loads: viewer/page/browser/*.ts, type-checked with
 * the DOM's types and bundled by esbuild next to this file (`npm run build`), with no runtime dependencies.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

let script: string | undefined;

export function pageScript(): string {
  script ??= readFileSync(join(__dirname, 'app.js'), 'utf8');
  return script;
}
