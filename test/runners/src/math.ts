// The project the runners test (test/test-runners.test.mjs) instruments: a leaf called on its own, and a
// root whose every call makes a trace of SQUARES + SQUARES children.

/** @monitor */
export function add(a: number, b: number): number {
  return a + b;
}

/** @monitor */
export function square(x: number): number {
  return x * x;
}

/** @monitor */
export function sumOfSquares(values: number[]): number {
  let total = 0;
  for (const value of values) total = add(total, square(value));
  return total;
}
