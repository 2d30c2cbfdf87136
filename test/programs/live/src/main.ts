/**
 * A till that takes its requests from stdin, one per line, and answers each on stdout once its calls are
 * committed (`flush()`): the program the live tests record while they follow the database. (Answered when the
 * calls had returned, a test could open the dashboard before the writer thread had created the file.) `hold`
 * leaves an order running (its callee already returned) until `release`, so the caller's row is written after
 * rows with higher ids.
 *
 *   order USER SKU QTY   an order, which prices its line
 *   decline USER         an order whose payment is declined
 *   hold USER            an order that waits for `release` after pricing
 *   release              lets the held order return
 *
 * The program ends when stdin does.
 */
import * as readline from 'node:readline';
import { flush } from 'ts-observatory/runtime';

class PaymentDeclinedError extends Error {
  constructor(readonly amount: number) {
    super(`payment of ${amount} declined`);
    this.name = 'PaymentDeclinedError';
  }
}

/** @monitor */
function price(sku: string, qty: number): number {
  return qty * (sku.length * 100 + 5);
}

/** @monitor */
function charge(userId: number, amount: number): string {
  if (amount > 5000) throw new PaymentDeclinedError(amount);
  return `R-${userId}-${amount}`;
}

/** @monitor */
async function placeOrder(userId: number, sku: string, qty: number): Promise<{ total: number; receipt: string }> {
  const total = price(sku, qty);
  await new Promise(resolve => setImmediate(resolve));
  return { total, receipt: charge(userId, total) };
}

let release: () => void = () => {};

/** @monitor */
async function holdOrder(userId: number): Promise<number> {
  const total = price('SKU-HOLD', 1);
  const released = new Promise<void>(resolve => (release = resolve));
  console.log('held');
  await released;
  return total + userId;
}

const lines = readline.createInterface({ input: process.stdin });
let held: Promise<number> | undefined;
lines.on('line', async line => {
  const [command, ...args] = line.trim().split(' ');
  if (command === 'order') await placeOrder(Number(args[0]), args[1]!, Number(args[2]));
  else if (command === 'decline') await placeOrder(Number(args[0]), 'SKU-EXPENSIVE', 9).catch(() => undefined);
  else if (command === 'hold') held = holdOrder(Number(args[0]));
  else if (command === 'release') {
    release();
    await held;
  }
  if (command === 'hold') return;
  await flush();
  console.log(`done ${command}`);
});
