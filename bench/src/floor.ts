// The floor: the shapes of shapes.ts with the least any call recorder must do written out by hand, two
// `performance.now()` reads and two writes into a preallocated array. Nothing here is tagged, so the
// transformer leaves this file alone.

const TIMES_MASK = (1 << 16) - 1;
const times = new Float64Array(TIMES_MASK + 1);
let cursor = 0;

export function add(x: number, y: number): number {
  const start = performance.now();
  const result = x + y;
  times[cursor] = start;
  times[cursor + 1] = performance.now();
  cursor = (cursor + 2) & TIMES_MASK;
  return result;
}

export interface Rect {
  width: number;
  height: number;
}

export function area(rect: Rect): number {
  const start = performance.now();
  const result = rect.width * rect.height;
  times[cursor] = start;
  times[cursor + 1] = performance.now();
  cursor = (cursor + 2) & TIMES_MASK;
  return result;
}

export function measure(text: string): number {
  const start = performance.now();
  const result = text.length + text.charCodeAt(0);
  times[cursor] = start;
  times[cursor + 1] = performance.now();
  cursor = (cursor + 2) & TIMES_MASK;
  return result;
}

export async function addAsync(x: number, y: number): Promise<number> {
  const start = performance.now();
  const result = x + (await y);
  times[cursor] = start;
  times[cursor + 1] = performance.now();
  cursor = (cursor + 2) & TIMES_MASK;
  return result;
}

export class Counter {
  total = 0;

  increment(step: number): number {
    const start = performance.now();
    this.total += step;
    const result = this.total;
    times[cursor] = start;
    times[cursor + 1] = performance.now();
    cursor = (cursor + 2) & TIMES_MASK;
    return result;
  }
}

export function sum8(a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number): number {
  const start = performance.now();
  const result = a + b + c + d + e + f + g + h;
  times[cursor] = start;
  times[cursor + 1] = performance.now();
  cursor = (cursor + 2) & TIMES_MASK;
  return result;
}
