/** The inventory service: stock per SKU, reserved by orders. */
export class OutOfStockError extends Error {
  constructor(
    readonly sku: string,
    readonly wanted: number,
  ) {
    super(`not enough ${sku}: wanted ${wanted}`);
    this.name = 'OutOfStockError';
  }
}

const stock = new Map<string, number>([
  ['SKU-1054', 3],
  ['SKU-2001', 100],
  ['SKU-3300', 40],
  ['SKU-7777', 0],
]);

/** @monitor */
export async function reserve(sku: string, qty: number): Promise<{ sku: string; left: number }> {
  await new Promise(resolve => setImmediate(resolve));
  const have = stock.get(sku) ?? 0;
  if (have < qty) throw new OutOfStockError(sku, qty);
  stock.set(sku, have - qty);
  return { sku, left: have - qty };
}
