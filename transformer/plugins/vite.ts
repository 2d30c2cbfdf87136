/** ts-observatory/vite: the vite plugin (see unplugin.ts). */
import { observatory } from './unplugin';

export = observatory.vite;
