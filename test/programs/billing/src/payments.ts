/** Payments: a declined card is an everyday outcome; a gateway failure is not, and is wrapped with the user. */
import { GatewayError, PaymentFailedError } from './errors';
import { authorize } from './gateway';

/** @monitor expected=CardDeclinedError */
export async function charge(userId: number, amount: number): Promise<string> {
  try {
    return await authorize(userId, amount);
  } catch (error) {
    if (error instanceof GatewayError) throw new PaymentFailedError(userId, { cause: error });
    throw error;
  }
}

/** @monitor */
export async function refundAll(userIds: number[]): Promise<number> {
  const results = await Promise.allSettled(userIds.map(userId => authorize(userId, -1)));
  const failures = results.flatMap(result => (result.status === 'rejected' ? [result.reason] : []));
  if (failures.length > 0) throw new AggregateError(failures, `${failures.length} refunds failed`);
  return results.length;
}
