'use strict';
// Two copies of the runtime in one plain node process, as a test runner that clears the module registry
// between files makes: the whole require cache is cleared, so the second require of the instrumented module
// loads ts-observatory/runtime again.
const CALLS = 1000;
for (let copy = 0; copy < 2; copy++) {
  for (const id of Object.keys(require.cache)) delete require.cache[id];
  const { add } = require('./dist/math.js');
  let total = 0;
  for (let i = 0; i < CALLS; i++) total = add(total, 1);
  if (total !== CALLS) throw new Error(`copy ${copy} summed ${total}`);
}
