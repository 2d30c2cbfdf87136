/** ts-observatory/webpack: the webpack plugin (see unplugin.ts). */
import { observatory } from './unplugin';

export = observatory.webpack;
