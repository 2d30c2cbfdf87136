/** The order service: prices the items, reserves them, charges the user. */
import { reserve } from './inventory';
import { charge } from './payments';

export interface Item {
  sku: string;
  qty: number;
}

const PRICES: Record<string, number> = { 'SKU-1054': 19.5, 'SKU-2001': 4.25, 'SKU-3300': 310, 'SKU-7777': 1 };

let nextOrder = 5000;

/** @monitor */
export function priceOf(items: Item[]): number {
  return items.reduce((total, item) => total + (PRICES[item.sku] ?? 0) * item.qty, 0);
}

/** @monitor */
export function shippingFor({ weight, express }: { weight: number; express: boolean }): number {
  if (express) return weight * 2;
  return weight;
}

/** @monitor */
export async function placeOrder(userId: number, items: Item[]): Promise<{ orderId: number; total: number }> {
  const total = priceOf(items);
  for (const item of items) await reserve(item.sku, item.qty);
  await charge(userId, total);
  return { orderId: ++nextOrder, total };
}
