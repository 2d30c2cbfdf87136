// The function shapes whose per-call cost the benchmark compares. Each body is deliberately tiny, so what is
// measured is the instrumentation around it, and each returns a number the caller folds into a checksum.

/** @monitor */
export function add(x: number, y: number): number {
  return x + y;
}

export interface Rect {
  width: number;
  height: number;
}

/** @monitor */
export function area(rect: Rect): number {
  return rect.width * rect.height;
}

/** @monitor */
export function measure(text: string): number {
  return text.length + text.charCodeAt(0);
}

/** @monitor */
export async function addAsync(x: number, y: number): Promise<number> {
  // One await, so the instrumented version also pays for bracketing a suspension.
  return x + (await y);
}

export class Counter {
  total = 0;

  /** @monitor */
  increment(step: number): number {
    this.total += step;
    return this.total;
  }
}

/** @monitor */
export function sum8(a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number): number {
  return a + b + c + d + e + f + g + h;
}

export interface Order {
  id: number;
  items: number[];
}

/** @monitor */
export function itemCount(order: Order): number {
  return order.id + order.items.length;
}

/** A node of a parsed document, as a parser's functions hand them around: the end-to-end case of large values. */
export interface SyntaxNode {
  type: string;
  offset: number;
  source: string;
  range: [number, number, number];
  items: SyntaxNode[];
}

/** @monitor */
export function nodeEnd(node: SyntaxNode): number {
  return node.range[2];
}
