import { quote, type Quote } from './pricing';

export class Cart {
  private readonly lines: Array<[item: string, units: number, unitPrice: number]> = [];

  /** @monitor */
  add(item: string, units: number, unitPrice: number): number {
    this.lines.push([item, units, unitPrice]);
    return this.lines.length;
  }

  /** @monitor */
  total(): Quote {
    let net = 0;
    let tax = 0;
    for (const [, units, unitPrice] of this.lines) {
      const line = quote(units, unitPrice);
      net += line.net;
      tax += line.tax;
    }
    return { net, tax };
  }
}
