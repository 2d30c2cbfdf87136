// The least a run-time on/off switch can cost when it is off: the shapes of shapes.ts, each with one check of
// a module-level flag that nothing turns on, written by hand. An instrumented function with OBSERVATORY=off
// cannot cost less than this, so this, not the bare function, is what its overhead is compared with. Nothing
// here is tagged, so the transformer leaves this file alone.

let recording = false;
let recorded = 0;

/** Exported so that no compiler can prove the flag constant. */
export function setRecording(on: boolean): void {
  recording = on;
}

export function add(x: number, y: number): number {
  if (recording) recorded++;
  return x + y;
}

export interface Rect {
  width: number;
  height: number;
}

export function area(rect: Rect): number {
  if (recording) recorded++;
  return rect.width * rect.height;
}

export function measure(text: string): number {
  if (recording) recorded++;
  return text.length + text.charCodeAt(0);
}

export async function addAsync(x: number, y: number): Promise<number> {
  if (recording) recorded++;
  return x + (await y);
}

export class Counter {
  total = 0;

  increment(step: number): number {
    if (recording) recorded++;
    this.total += step;
    return this.total;
  }
}

export function sum8(a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number): number {
  if (recording) recorded++;
  return a + b + c + d + e + f + g + h;
}

export function recordedCount(): number {
  return recorded;
}
