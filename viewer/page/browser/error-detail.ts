/**
 * An error's fields and cause chain on the page: the lines the command line prints (viewer/error-detail.ts),
 * indented as there, so both read the same.
 */
import { errorDetailLines } from '../../error-detail';
import { h } from './dom';

/** A block of the detail's lines, or null when the error carried nothing beyond its message. */
export function errorDetail(detail: unknown, id?: string): HTMLElement | null {
  const lines = errorDetailLines(detail);
  if (lines.length === 0) return null;
  return h('div', { class: 'error-detail', id: id ?? null, text: lines.join('\n') });
}

/** Marks a failure that was expected: shown, but not counted among the errors. */
export function expectedBadge(expected: boolean): HTMLElement | null {
  return expected
    ? h('span', { class: 'badge expected', title: 'Expected (expected=): not counted as an error', text: 'expected' })
    : null;
}
