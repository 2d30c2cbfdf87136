/** ts-observatory/rspack: the rspack plugin (see unplugin.ts). */
import { observatory } from './unplugin';

export = observatory.rspack;
