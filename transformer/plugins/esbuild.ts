/** ts-observatory/esbuild: the esbuild plugin (see unplugin.ts). */
import { observatory } from './unplugin';

export = observatory.esbuild;
