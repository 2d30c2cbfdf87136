/**
 * Hash routing and refresh: `#/name/arg?params` picks a view, whose loader fetches and draws; Refresh and
 * new calls arriving live (live.ts) run the loader again.
 */
import { ApiError, query, type Params } from './api';
import { h } from './dom';
import { fmtClock } from './format';
import { stamp, state, view } from './state';

export interface Route {
  name: string;
  arg: string;
  params: URLSearchParams;
}

/** A view draws its frame and returns the loader that fills it, which refresh calls again. */
export type View = (route: Route) => () => Promise<void>;

function parseHash(): Route {
  const hash = location.hash.replace(/^#\/?/, '');
  const queryAt = hash.indexOf('?');
  const path = queryAt < 0 ? hash : hash.slice(0, queryAt);
  const params = new URLSearchParams(queryAt < 0 ? '' : hash.slice(queryAt + 1));
  const parts = path.split('/');
  return { name: parts[0] || 'calls', arg: parts.slice(1).map(decodeURIComponent).join('/'), params };
}

/** Draws the view the address names; a name no view has shows the calls. */
export function route(views: Record<string, View>, fallback: View): void {
  const current = parseHash();
  // A call, a trace or a search belongs under Calls; Functions and Errors are their own tabs.
  const tab = current.name === 'functions' || current.name === 'errors' ? current.name : 'calls';
  document.querySelectorAll('header nav a').forEach(link => {
    link.classList.toggle('active', link.getAttribute('data-view') === tab);
  });
  view.textContent = '';
  // What the last page loaded says nothing about this one.
  state.lastUpdated = null;
  stamp.textContent = 'Loading…';
  state.load = (views[current.name] ?? fallback)(current);
  refresh();
}

export function refresh(): void {
  const load = state.load;
  if (!load) return;
  // A load that ends after the page has moved to another view says nothing about the view shown now: its
  // "Last updated", or its error banner, would be about a page that is gone.
  const current = () => state.load === load;
  load().then(
    () => {
      if (!current()) return;
      state.lastUpdated = new Date();
      updateStamp();
    },
    error => {
      if (current()) showError(error);
    },
  );
}

export function showError(error: unknown): void {
  state.lastUpdated = null;
  const notFound = error instanceof ApiError && error.status === 404;
  const message = error instanceof Error ? error.message : String(error);
  stamp.textContent = notFound ? 'Not found' : 'Update failed at ' + fmtClock(new Date());
  if (notFound) {
    // A page about something that is not there: say what was looked for, and leave nothing of the old page.
    view.textContent = '';
    view.appendChild(
      h(
        'div',
        { class: 'panel empty not-found', id: 'not-found', role: 'alert' },
        h('h1', { text: 'Not found' }),
        h('div', { text: message }),
      ),
    );
    return;
  }
  clearError();
  view.insertBefore(h('div', { class: 'error-banner', role: 'alert', text: message }), view.firstChild);
}

export function clearError(): void {
  view.querySelector('.error-banner')?.remove();
}

export function updateStamp(): void {
  if (!state.lastUpdated) return;
  const seconds = Math.max(0, Math.round((Date.now() - state.lastUpdated.getTime()) / 1000));
  stamp.textContent =
    'Last updated ' + fmtClock(state.lastUpdated) + ' (' + seconds + (seconds === 1 ? ' second' : ' seconds') + ' ago)';
}

export function setHash(name: string, params: Params): void {
  location.hash = '#/' + name + query(params);
}

/**
 * For a view's loader: changed(content) is false when a refresh brought the same content the view last drew,
 * which the view then leaves alone, keeping the scroll position, a text selection and every opened value.
 */
export function changeDetector(): (content: unknown) => boolean {
  let drawn: string | null = null;
  return content => {
    const text = JSON.stringify(content);
    if (text === drawn) return false;
    drawn = text;
    return true;
  };
}
