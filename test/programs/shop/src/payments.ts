/** The payment service: charges a user's card, declining large amounts. */
export class PaymentDeclinedError extends Error {
  readonly code = 'card_declined';
  constructor(readonly amount: number) {
    super(`payment of ${amount} declined`);
    this.name = 'PaymentDeclinedError';
  }
}

/** Every receipt, in order. */
export class Ledger {
  readonly receipts: string[] = [];

  /** @monitor */
  add(receipt: string): number {
    return this.receipts.push(receipt);
  }
}

export const ledger = new Ledger();

/** @monitor */
export async function charge(userId: number, amount: number): Promise<{ receipt: string }> {
  await new Promise(resolve => setImmediate(resolve));
  if (amount > 1000) throw new PaymentDeclinedError(amount);
  const receipt = `R-${userId}-${Math.round(amount * 100)}`;
  ledger.add(receipt);
  return { receipt };
}
