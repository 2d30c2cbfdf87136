/** A user's cart: the items of an order before it is placed. */
import type { Item } from './orders';

export class Cart {
  readonly items: Item[] = [];

  /** @monitor */
  add(sku: string, qty: number): number {
    this.items.push({ sku, qty });
    return this.items.length;
  }

  /** @monitor */
  remove(sku: string): boolean {
    const index = this.items.findIndex(item => item.sku === sku);
    if (index >= 0) this.items.splice(index, 1);
    return index >= 0;
  }
}
