/**
 * The TypeScript files an import written for the emitted JavaScript can mean: `./cart.js` → `./cart.ts` (and
 * `.tsx`), `./cart.mjs` → `./cart.mts`, `./cart.cjs` → `./cart.cts`, `./cart` → `./cart.ts`, `./cart.tsx`. The
 * Node loader and the bundler plugins resolve a relative import that names no file to the first that exists,
 * as TypeScript itself does under NodeNext and bundler resolution.
 */
export function typeScriptNamesFor(specifier: string): string[] {
  const match = /\.([cm]?)js$/.exec(specifier);
  if (match)
    return [
      `${specifier.slice(0, -match[0].length)}.${match[1]}ts`,
      ...(match[1] ? [] : [`${specifier.slice(0, -3)}.tsx`]),
    ];
  return /\.[a-z]+$/i.test(specifier) ? [] : [`${specifier}.ts`, `${specifier}.tsx`];
}

/** A relative specifier: the only kind that can name one of the project's own files. */
export function isRelativeSpecifier(specifier: string): boolean {
  return /^\.{1,2}\//.test(specifier);
}
