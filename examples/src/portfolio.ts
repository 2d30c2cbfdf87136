import { analyzeTrade, calculatePrice } from './pricing';

export interface Position {
  symbol: string;
  quantity: number;
}

export class Portfolio {
  private readonly positions: Position[] = [];

  /** @monitor */
  add(symbol: string, quantity: number): number {
    this.positions.push({ symbol, quantity });
    return this.positions.length;
  }

  /** @monitor */
  value(prices: Record<string, number>): { total: number; largest: string } {
    let total = 0;
    let largest = '';
    let largestValue = -Infinity;
    for (const { symbol, quantity } of this.positions) {
      const trade = analyzeTrade(symbol, quantity, prices[symbol] ?? 0);
      total += trade.notional;
      if (trade.notional > largestValue) [largest, largestValue] = [symbol, trade.notional];
    }
    return { total, largest };
  }
}

/** @monitor */
export async function fetchQuote(symbol: string): Promise<{ bid: number; ask: number }> {
  await new Promise(resolve => setTimeout(resolve, 10));
  const mid = calculatePrice(100 + symbol.length, 100, 0.2);
  return { bid: mid - 0.05, ask: mid + 0.05 };
}
