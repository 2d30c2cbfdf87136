import { fetchQuote, Portfolio } from './portfolio';
import { calculatePrice, divmod, validateOrder } from './pricing';

async function main(): Promise<void> {
  console.log('price', calculatePrice(105, 100, 0.25));
  console.log('divmod', divmod(17, 5));

  const portfolio = new Portfolio();
  portfolio.add('ACME', 300);
  portfolio.add('INIT', 1200);
  console.log('portfolio', portfolio.value({ ACME: 61.5, INIT: 48.25 }));

  console.log('quote', await fetchQuote('ACME'));

  try {
    validateOrder('ACME', -5);
  } catch (error) {
    console.log('rejected', (error as Error).message);
  }
}

void main();
