/** The card gateway: declines large amounts, and fails for one user whose network is down. */
import { CardDeclinedError, GatewayError } from './errors';

/** @monitor */
export async function authorize(userId: number, amount: number): Promise<string> {
  await new Promise(resolve => setImmediate(resolve));
  if (amount > 1000) throw new CardDeclinedError(amount, 'insufficient_funds');
  if (userId === 13) {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    throw new GatewayError(502, 'sk-live-123', { cause: reset });
  }
  return `auth-${userId}-${amount}`;
}
