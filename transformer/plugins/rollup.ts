/** ts-observatory/rollup: the rollup plugin (see unplugin.ts). */
import { observatory } from './unplugin';

export = observatory.rollup;
