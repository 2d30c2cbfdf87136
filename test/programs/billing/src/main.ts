/**
 * The billing program the tests of errors as issues record: declined cards (expected), a gateway failure
 * wrapped with its cause chain, and a batch of refunds that fails as an AggregateError.
 */
import { checkout } from './orders';
import { refundAll } from './payments';

const ORDERS: [number, number][] = [
  [7, 20],
  [8, 1500],
  [13, 40],
  [9, 2400],
  [10, 35],
];

async function main(): Promise<void> {
  for (const [userId, amount] of ORDERS) {
    try {
      console.log(await checkout(userId, amount));
    } catch (error) {
      console.log(`failed: ${(error as Error).message}`);
    }
  }
  await refundAll([13, 7, 13]).catch((error: Error) => console.log(`failed: ${error.message}`));
}

void main();
