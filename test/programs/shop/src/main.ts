/**
 * A small shop of three services, run as interleaved requests: some succeed, one runs out of stock, one has
 * its payment declined. The viewer's tests search, filter and sort what it records.
 */
import { Cart } from './cart';
import { placeOrder, shippingFor } from './orders';

const REQUESTS: [number, { sku: string; qty: number }[]][] = [
  [37, [{ sku: 'SKU-2001', qty: 2 }]],
  [
    44,
    [
      { sku: 'SKU-1054', qty: 1 },
      { sku: 'SKU-2001', qty: 3 },
    ],
  ],
  [51, [{ sku: 'SKU-7777', qty: 1 }]],
  [44, [{ sku: 'SKU-3300', qty: 4 }]],
  [62, [{ sku: 'SKU-2001', qty: 1 }]],
];

async function main(): Promise<void> {
  // A cart filled and changed before its order is placed.
  const cart = new Cart();
  cart.add('SKU-3300', 1);
  cart.add('SKU-2001', 5);
  cart.remove('SKU-3300');
  REQUESTS.push([70, cart.items]);
  console.log('shipping', shippingFor({ weight: 3, express: true }));
  // Started together, so their calls interleave across awaits.
  const results = await Promise.allSettled(REQUESTS.map(([userId, items]) => placeOrder(userId, items)));
  for (const result of results)
    console.log(result.status === 'fulfilled' ? `order ${result.value.orderId}` : `failed: ${result.reason.message}`);
}

void main();
