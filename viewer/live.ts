/**
 * The dashboard's live tail: the calls committed after a page began to listen that match its filter, handed
 * over as they come (server.ts sends them as server-sent events), each look's newest first at most `limit`.
 */
import { type ApiContext, filterFrom, listedCall } from './api';
import { CallTail, TAIL_POLL_MS } from './call-tail';
import { readInteger } from './filter';

/** Calls one event carries unless the page asks for fewer; a burst beyond it is counted, not sent. */
const DEFAULT_LIMIT = 200;

export interface LiveListener {
  /** The newest new matching calls, oldest first, and how many matched in all (more than sent after a burst). */
  calls(event: { calls: ReturnType<typeof listedCall>[]; count: number }): void;
  failed(error: unknown): void;
}

/**
 * Follows the database for `listener` until the returned function is called. The filter is read first, so a
 * bad one throws here, before anything is sent.
 */
export function followCalls({ queries }: ApiContext, params: URLSearchParams, listener: LiveListener): () => void {
  const filter = filterFrom(queries, params);
  const limit = readInteger(params.get('limit'), 'limit', DEFAULT_LIMIT, 0, DEFAULT_LIMIT);
  const tail = new CallTail(queries.db);
  const timer = setInterval(() => {
    try {
      const { calls, count } = queries.callsAmong(tail.look(), filter, limit);
      if (count > 0) listener.calls({ calls: calls.map(listedCall), count });
    } catch (error) {
      clearInterval(timer);
      listener.failed(error);
    }
  }, TAIL_POLL_MS);
  return () => clearInterval(timer);
}
