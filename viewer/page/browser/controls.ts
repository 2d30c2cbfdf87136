/** The filter controls several views share: the time range and the function. */
import { api, type FunctionList } from './api';
import { h } from './dom';
import { state } from './state';

const RANGES = [
  ['', 'All time'],
  ['5m', 'Last 5 minutes'],
  ['15m', 'Last 15 minutes'],
  ['1h', 'Last hour'],
  ['6h', 'Last 6 hours'],
  ['24h', 'Last 24 hours'],
  ['7d', 'Last 7 days'],
] as const;

/** A select of [value, label] options with `selected` chosen. */
export function choice(
  id: string,
  options: readonly (readonly [string, string])[],
  selected: string,
): HTMLSelectElement {
  return h(
    'select',
    { id },
    options.map(([value, text]) => h('option', { value, text, selected: value === selected })),
  );
}

export function rangeSelect(id: string, selected: string): HTMLSelectElement {
  return choice(id, RANGES, selected);
}

export function functionSelect(selected: string): HTMLSelectElement {
  return choice(
    'filter-fn',
    [['', 'All functions'], ...state.functions.map(fn => [fn.process, fn.process] as const)],
    selected,
  );
}

export async function loadFunctions(): Promise<void> {
  state.functions = (await api<FunctionList>('functions')).functions;
}
