// A short program, as a command-line tool or one test file's process is: it loads, makes 100 monitored calls and
// exits. bench/startup runs it whole, from spawn to exit, beside the same program uninstrumented.
import { add } from './shapes';

let sum = 0;
for (let i = 0; i < 100; i++) sum += add(i, 1);
if (sum !== 5050) throw new Error(`the short program summed ${sum}`);
