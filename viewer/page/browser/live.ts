/**
 * The live tail: new calls from /api/live (server-sent events) reach the page as they are recorded. The calls
 * list puts them in place at the top; any other view is drawn again. Reading pauses it: while the page is
 * scrolled down, the pointer is over the content or text in it is selected, new calls wait, the header says
 * how many, and they come in when the reading ends or on Resume.
 */
import { query, type ListedCall, type Params } from './api';
import { fmtCount } from './format';
import { refresh } from './router';
import { element, view } from './state';

/** What a view does with new calls. */
export interface LiveFeed {
  /** The calls filter the view shows, in the API's words; the stream sends only the calls it matches. */
  params: Params;
  /** Puts new calls (oldest first) in place. */
  show(calls: ListedCall[]): void;
  /** Why the view cannot put new calls in place at all (an older page, another order), or null. */
  blocked(): string | null;
  /** What Resume does when the view is blocked: goes where new calls show. */
  unblock(): void;
}

/**
 * Any view but the calls list is drawn again when calls arrive (its loader leaves unchanged content be), at most
 * once in REDRAW_MS: the Functions page recomputes its statistics over every call in its range, and a busy
 * program commits several times a second.
 */
const REDRAW: LiveFeed = { params: { limit: 0 }, show: redraw, blocked: () => null, unblock: () => {} };
const REDRAW_MS = 2000;
/** New calls kept while paused; a longer pause keeps the newest. */
const MAX_WAITING = 500;

const toggle = element<HTMLInputElement>('live');
const status = element('live-status');
const resume = element<HTMLButtonElement>('live-resume');
let feed = REDRAW;
let source: EventSource | null = null;
/** Whether the stream is open: calls committed before it opened are the view's to load, not the stream's. */
let connected = false;
let waiting: ListedCall[] = [];
/** How many new calls arrived while paused, including those beyond MAX_WAITING and those a redraw shows. */
let missed = 0;
let lastRedraw = 0;
let pendingRedraw: ReturnType<typeof setTimeout> | null = null;

function redraw(): void {
  if (pendingRedraw !== null) return;
  pendingRedraw = setTimeout(
    () => {
      pendingRedraw = null;
      lastRedraw = Date.now();
      refresh();
    },
    Math.max(0, lastRedraw + REDRAW_MS - Date.now()),
  );
}

/** Called by a view as it is drawn; views that do not call it are drawn again on new calls. */
export function useFeed(next: LiveFeed | null): void {
  feed = next ?? REDRAW;
}

/** Listens for the current view's feed (after each route), or stops listening when Live is off. */
export function listen(): void {
  source?.close();
  source = null;
  waiting = [];
  missed = 0;
  connected = false;
  if (toggle.checked) {
    const opened = new EventSource('/api/live' + query(feed.params));
    let broken = false;
    opened.addEventListener('calls', event => arrived(JSON.parse((event as MessageEvent<string>).data)));
    // The browser reconnects a broken stream by itself; what was committed in between is read by a refresh.
    opened.addEventListener('error', () => {
      broken = true;
      connected = false;
      showStatus();
    });
    opened.addEventListener('open', () => {
      if (broken) refresh();
      broken = false;
      connected = true;
      showStatus();
    });
    source = opened;
  }
  showStatus();
}

function arrived(event: { calls: ListedCall[]; count: number }): void {
  missed += event.count;
  waiting = [...waiting, ...event.calls].slice(-MAX_WAITING);
  settle();
}

/** Why new calls wait now, or null when they can come in. */
function pause(): string | null {
  const blocked = feed.blocked();
  if (blocked) return blocked;
  if (window.scrollY > 0) return 'scrolled';
  if (view.matches(':hover')) return 'reading';
  const selection = document.getSelection();
  if (selection && !selection.isCollapsed && view.contains(selection.anchorNode)) return 'text selected';
  return null;
}

/** Lets waiting calls in unless the user is reading; says which in the header. */
function settle(): void {
  if (missed > 0 && pause() === null) letIn();
  showStatus();
}

function letIn(): void {
  const calls = waiting;
  waiting = [];
  missed = 0;
  feed.show(calls);
}

function showStatus(): void {
  const reason = toggle.checked && missed > 0 ? pause() : null;
  status.textContent = !toggle.checked
    ? 'Live off'
    : !connected
      ? 'Connecting…'
      : reason
        ? `Paused (${reason}): ${fmtCount(missed)} new ${missed === 1 ? 'call' : 'calls'}`
        : 'Live';
  status.classList.toggle('paused', reason !== null);
  resume.hidden = reason === null;
}

toggle.addEventListener('change', listen);
resume.addEventListener('click', () => {
  if (feed.blocked()) {
    // Where the view goes, the waiting calls are loaded with the rest.
    waiting = [];
    missed = 0;
    feed.unblock();
  } else {
    document.getSelection()?.removeAllRanges();
    window.scrollTo(0, 0);
    // Resuming is a choice to see them now, pointer over the content or not.
    letIn();
  }
  showStatus();
});
// The end of a reading: back at the top, the pointer gone, the selection cleared.
window.addEventListener('scroll', settle, { passive: true });
view.addEventListener('mouseleave', settle);
document.addEventListener('selectionchange', settle);
