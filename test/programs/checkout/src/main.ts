import { Cart } from './cart';

const cart = new Cart();
cart.add('pen', 3, 2);
cart.add('pad', 1, 5);
console.log(JSON.stringify(cart.total()));
