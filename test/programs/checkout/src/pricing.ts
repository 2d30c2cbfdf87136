export interface Quote {
  net: number;
  tax: number;
}

/** @monitor */
export function quote(units: number, unitPrice: number): Quote {
  const net = units * unitPrice;
  return { net, tax: Math.round(net * 0.2) };
}
