// ts-patch 3.3's live compiler (`ts-patch/compiler`: the tests' in-process builds, ts-node's and ts-jest's
// `compiler` option) keeps TypeScript patched in a cache, but takes the cache as present only when a patched
// typescript.d.ts is in it too, which the live compiler never writes: so every process that loads it patches
// TypeScript again, about 1.7 s of CPU (ts-patch 4 fixes this, and needs Node 22). `npm test` runs this first:
// it asks ts-patch for the patched module with its declarations once, which writes both, and from then on each
// load reads the cache (0.7 s instead of 2.4 here). Run again after TypeScript changes: the cache is keyed by
// TypeScript's own hash.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { getTsPackage } = require('ts-patch/ts-package');
const { getTsModule } = require('ts-patch/module/ts-module');
const { getPatchedSource } = require('ts-patch/patch/get-patched-source');

const tsPackage = getTsPackage(require.resolve('typescript'));
getPatchedSource(getTsModule(tsPackage, 'typescript.js'));
