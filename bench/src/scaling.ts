// Functions for the growth curves: cost against parameter count and against argument size.

/** @monitor */
export function params0(): number {
  return 1;
}

/** @monitor */
export function params1(a: number): number {
  return a;
}

/** @monitor */
export function params4(a: number, b: number, c: number, d: number): number {
  return a + b + c + d;
}

/** @monitor */
export function params16(
  a: number,
  b: number,
  c: number,
  d: number,
  e: number,
  f: number,
  g: number,
  h: number,
  i: number,
  j: number,
  k: number,
  l: number,
  m: number,
  n: number,
  o: number,
  p: number,
): number {
  return a + b + c + d + e + f + g + h + i + j + k + l + m + n + o + p;
}

export interface Item {
  id: number;
  name: string;
}

export interface Payload {
  id: number;
  items: Item[] | null;
}

/** @monitor */
export function countItems(payload: Payload): number {
  return payload.id + (payload.items?.length ?? 0);
}

/** @monitor */
export function textLength(text: string): number {
  return text.length;
}
