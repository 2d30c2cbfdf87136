/**
 * The writer's view of the function registry (ring.ts): the FunctionMeta of every function the recording
 * thread registered, read as they are published. A writer that replaces one that died reads them all again
 * from the start, which is why the registry, unlike the ring, is never consumed.
 */
import type { FunctionMeta } from '../contract';
import { Control } from '../ring';

export class RegistryReader {
  private readonly control: Int32Array;
  private readonly registry: SharedArrayBuffer;
  private readonly metas: FunctionMeta[] = [];
  private readAt = 0;

  constructor(control: Int32Array, registry: SharedArrayBuffer) {
    this.control = control;
    this.registry = registry;
  }

  /** The meta of function `index`; reads newly published entries when it is one of them. */
  meta(index: number): FunctionMeta {
    if (index >= this.metas.length) this.readPublished();
    const meta = this.metas[index];
    if (meta === undefined)
      throw new Error(`ts-observatory: the ring refers to function ${index}, which was never registered`);
    return meta;
  }

  private readPublished(): void {
    const count = Atomics.load(this.control, Control.Functions);
    const view = new DataView(this.registry);
    const bytes = Buffer.from(this.registry);
    while (this.metas.length < count) {
      const length = view.getUint32(this.readAt, true);
      this.metas.push(JSON.parse(bytes.toString('utf8', this.readAt + 4, this.readAt + 4 + length)) as FunctionMeta);
      this.readAt += 4 + length;
    }
  }
}
