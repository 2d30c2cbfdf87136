/** A small trading desk: the functions people want to see the inputs and outputs of. */

/** Price of a call option from a toy model; monitored with its real parameter names. */
/** @monitor */
export function calculatePrice(spotPrice: number, strike: number, volatility: number): number {
  const intrinsic = Math.max(spotPrice - strike, 0);
  const timeValue = spotPrice * volatility * 0.4;
  return Math.round((intrinsic + timeValue) * 100) / 100;
}

/** @monitor */
export function analyzeTrade(symbol: string, quantity: number, price: number) {
  const notional = quantity * price;
  return { symbol, notional, risk: notional > 50_000 ? 'high' : 'normal' };
}

/** @monitor */
export function divmod(dividend: number, divisor: number): [quotient: number, remainder: number] {
  return [Math.floor(dividend / divisor), dividend % divisor];
}

/** @monitor */
export function validateOrder(symbol: string, quantity: number): void {
  if (quantity <= 0) throw new RangeError(`quantity must be positive, got ${quantity} for ${symbol}`);
}
