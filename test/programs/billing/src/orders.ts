/** Orders: each is charged through payments; whatever payments throws passes up through here. */
import { charge } from './payments';

/** @monitor */
export async function checkout(userId: number, amount: number): Promise<string> {
  const authorization = await charge(userId, amount);
  return `order for ${userId}: ${authorization}`;
}
