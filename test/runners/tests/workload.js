// The calls every test file makes, the same under jest and vitest (both with `test` and `expect` as
// globals). test/test-runners.test.mjs reads the constants to know how many calls each file made.
'use strict';

/**
 * Per test file: ROOTS traces of sumOfSquares([1, 2, 3]) (the root, 3 square and 3 add calls each) and LEAVES
 * add calls on their own, spread over TESTS tests. Each test makes its calls in CHUNKS bursts with a short
 * pause between them, so that under a tiny ring the writer empties it now and then: traces are shed, then
 * recorded again, many times in one file.
 */
const ROOTS = 2000;
const LEAVES = 6000;
const TESTS = 4;
const CHUNKS = 5;

function defineTests(file) {
  const { add, sumOfSquares } = require('../dist/math.js');
  const pause = () => new Promise(resolve => setTimeout(resolve, 10));
  for (let part = 0; part < TESTS; part++) {
    test(`${file}: part ${part}`, async () => {
      let sums = 0;
      let leaves = 0;
      for (let chunk = 0; chunk < CHUNKS; chunk++) {
        for (let i = 0; i < ROOTS / TESTS / CHUNKS; i++) sums += sumOfSquares([1, 2, 3]);
        for (let i = 0; i < LEAVES / TESTS / CHUNKS; i++) leaves = add(leaves, 1);
        await pause();
      }
      expect(sums).toBe((ROOTS / TESTS) * 14);
      expect(leaves).toBe(LEAVES / TESTS);
    });
  }
}

module.exports = { ROOTS, LEAVES, defineTests };
