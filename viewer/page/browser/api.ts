/** The page's side of the JSON API (viewer/api.ts): requests, and the replies' types taken from the server's code. */
import type * as Api from '../../api';

type Reply<F extends (...args: never[]) => unknown> = NonNullable<ReturnType<F>>;

export type FunctionList = Reply<typeof Api.listFunctions>;
export type FunctionInfo = FunctionList['functions'][number];
export type CallPage = Reply<typeof Api.listCalls>;
export type ListedCall = CallPage['calls'][number];
export type CallDetail = Reply<typeof Api.callDetail>;
export type CallValue = CallDetail['call']['values'][number];
export type Jump = Reply<typeof Api.jump>;
export type ErrorList = Reply<typeof Api.errorList>;
export type TraceDetail = Reply<typeof Api.traceDetail>;
export type TraceCall = TraceDetail['calls'][number];
export type FunctionStats = Reply<typeof Api.functionStats>;
export type TimeSeries = Reply<typeof Api.timeSeries>;

export type Params = Record<string, string | number | null | undefined>;

/** `?a=1&b=2` from the parameters that have a value, or nothing when none has. */
export function query(params: Params): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (value !== '' && value !== undefined && value !== null) {
      parts.push(encodeURIComponent(key) + '=' + encodeURIComponent(value));
    }
  }
  return parts.length ? '?' + parts.join('&') : '';
}

/** An error the API answered with, carrying its HTTP status (404: what was asked for is not there). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export async function api<T>(path: string, params: Params = {}): Promise<T> {
  const response = await fetch('/api/' + path + query(params), { headers: { accept: 'application/json' } });
  const body = await response.json();
  if (!response.ok) throw new ApiError(body.error || 'HTTP ' + response.status, response.status);
  return body as T;
}
