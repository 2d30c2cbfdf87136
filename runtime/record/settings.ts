/** This thread's run-time settings, read once from the environment when the runtime loads. */
import { readConfig } from './config';

export const settings = readConfig();
