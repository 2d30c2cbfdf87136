// TypeScript for ts-jest's `compiler` option in the fixture sweep under jest (helpers/jest-fixtures.mjs): the
// same module, but every language service ts-jest makes shares one document registry. The sweep gives each
// fixture a jest project of its own, and ts-jest makes a language service with a registry of its own for each
// project, so each would parse the standard library and @types/node again: about two seconds of CPU per
// fixture. A registry hands a parsed file only to services whose settings parse it the same way, so what each
// fixture compiles is unchanged; a project with one ts-jest config, as users write it, has one registry anyway.
const ts = require('typescript');

const registry = ts.createDocumentRegistry(ts.sys.useCaseSensitiveFileNames);

module.exports = { ...ts, createDocumentRegistry: () => registry };
