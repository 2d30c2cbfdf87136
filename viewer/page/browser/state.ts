/** What the page keeps between views and refreshes, and the elements of its shell (page/html.ts). */
import type { FunctionInfo } from './api';

export interface Pager {
  /** The filter the pages belong to; another filter starts at the first page. */
  key: string;
  /** The cursors of the pages before this one, for "← Newer". */
  stack: string[];
  after: string;
}

export const state = {
  load: null as (() => Promise<void>) | null,
  lastUpdated: null as Date | null,
  timer: null as ReturnType<typeof setInterval> | null,
  functions: [] as FunctionInfo[],
  pager: { key: '', stack: [], after: '' } as Pager,
  // What the user opened in each value (see renderValue), kept across the refreshes that rebuild it.
  opened: {} as Record<string, { open: boolean; all: boolean }>,
  utc: localStorage.getItem('observatory.utc') === '1',
};

export function element<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return found as T;
}

export const view = element('view');
export const stamp = element('last-updated');
