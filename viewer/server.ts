/**
 * The dashboard's HTTP server: the page, its two assets, and the JSON API, on node:http.
 *
 * It binds to 127.0.0.1 unless told otherwise, because recorded values can hold anything the traced program
 * handled; and on a loopback address it answers only requests addressed to a loopback host name, so a web page
 * elsewhere cannot reach it through DNS rebinding.
 */
import * as http from 'node:http';
import { BlockList, isIP, type AddressInfo } from 'node:net';
import * as api from './api';
import { UsageError } from './errors';
import { PAGE_HTML } from './page/html';
import { pageScript } from './page/script';
import { PAGE_STYLE } from './page/style';
import type { TraceQueries } from './queries';
import type { TraceStatistics } from './statistics';

export interface ServerOptions {
  queries: TraceQueries;
  statistics: TraceStatistics;
  sourceRoot: string;
  /** Shown in the page header, so several dashboards can be told apart. */
  databasePath: string;
}

type Json = object | undefined;

const ASSETS: Record<string, { type: string; body: () => string }> = {
  '/': { type: 'text/html; charset=utf-8', body: () => PAGE_HTML },
  '/assets/app.js': { type: 'text/javascript; charset=utf-8', body: pageScript },
  '/assets/style.css': { type: 'text/css; charset=utf-8', body: () => PAGE_STYLE },
};

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export function createDashboardServer(options: ServerOptions): http.Server {
  const context: api.ApiContext = {
    queries: options.queries,
    statistics: options.statistics,
    sourceRoot: options.sourceRoot,
  };
  const server = http.createServer((request, response) => {
    try {
      handle(server, context, options, request, response);
    } catch (error) {
      sendError(response, error);
    }
  });
  return server;
}

function handle(
  server: http.Server,
  context: api.ApiContext,
  options: ServerOptions,
  request: http.IncomingMessage,
  response: http.ServerResponse,
): void {
  if (!hostAllowed(server, request.headers.host)) return send(response, 421, 'text/plain', 'Misdirected request\n');
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('allow', 'GET, HEAD');
    return send(response, 405, 'text/plain', 'Method not allowed\n');
  }
  const url = new URL(request.url ?? '/', 'http://localhost');
  const asset = ASSETS[url.pathname];
  if (asset) return send(response, 200, asset.type, asset.body());

  const params = url.searchParams;
  const [, prefix, resource, id, ...rest] = url.pathname.split('/');
  if (prefix !== 'api' || rest.length > 0) return sendJson(response, 404, { error: 'not found' });
  const ref = id === undefined ? undefined : decodePathSegment(id);
  switch (resource) {
    case 'info':
      return sendJson(response, 200, { databasePath: options.databasePath, sourceRoot: options.sourceRoot });
    case 'functions':
      return sendJson(response, 200, api.listFunctions(context));
    case 'calls':
      return ref === undefined
        ? sendJson(response, 200, api.listCalls(context, params))
        : sendFound(response, api.callDetail(context, ref), `no call ${JSON.stringify(ref)} in this database`);
    case 'calls.csv':
      return sendCsv(response, api.exportCsv(context, params));
    case 'traces':
      return sendFound(
        response,
        ref === undefined ? undefined : api.traceDetail(context, ref),
        `no trace or call ${JSON.stringify(ref ?? '')} in this database`,
      );
    case 'errors':
      return sendJson(response, 200, api.errorList(context, params));
    case 'jump':
      return sendFound(
        response,
        api.jump(context, params),
        `no call, span, trace or function matches ${JSON.stringify(params.get('q') ?? '')}`,
      );
    case 'stats':
      return sendJson(response, 200, api.functionStats(context, params));
    case 'timeseries':
      return sendJson(response, 200, api.timeSeries(context, params));
    default:
      return sendJson(response, 404, { error: 'not found' });
  }
}

/** `%2F` and the like in a call or trace reference; a malformed escape is the client's mistake, not ours. */
function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new UsageError(`malformed percent-encoding in ${JSON.stringify(segment)}`);
  }
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** On loopback, only loopback host names; bound to another address on purpose, any host. */
function hostAllowed(server: http.Server, host: string | undefined): boolean {
  const address = server.address() as AddressInfo | null;
  if (!address || !isLoopback(address.address)) return true;
  if (!host) return false;
  // `name:port` or `[v6 address]:port`, the port optional.
  const name = /^\[([^\]]*)\](?::\d+)?$/.exec(host)?.[1] ?? host.replace(/:\d+$/, '');
  return name.toLowerCase() === 'localhost' || isLoopback(name);
}

/**
 * Only a literal address can be trusted to be loopback: a name such as `127.0.0.1.attacker.example` is resolved
 * by whoever controls its domain, which is exactly what DNS rebinding exploits.
 */
function isLoopback(address: string): boolean {
  const family = isIP(address);
  return family !== 0 && LOOPBACK.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** `body`, or a 404 whose message says what was looked for. */
function sendFound(response: http.ServerResponse, body: Json, missing: string): void {
  if (body === undefined) sendJson(response, 404, { error: missing });
  else sendJson(response, 200, body);
}

function sendJson(response: http.ServerResponse, status: number, body: Json): void {
  send(response, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

function send(response: http.ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, 'cache-control': 'no-store' });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}

/** Streams the export; the first chunk is computed before the headers so a bad filter still gets a 400. */
function sendCsv(response: http.ServerResponse, chunks: Generator<string>): void {
  const first = chunks.next();
  response.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': 'attachment; filename="calls.csv"',
    'cache-control': 'no-store',
  });
  if (response.req.method === 'HEAD') return void response.end();
  if (!first.done) response.write(first.value);
  // One page per turn of the event loop, and none while the client is behind (backpressure): an export of any
  // size then neither buffers in memory nor holds up the dashboard's other requests. The turn is taken even
  // after 'drain', because a socket that took a page at once emits it from process.nextTick, and a fast local
  // client would then keep the whole export in one turn.
  const pump = (): void => {
    if (response.destroyed) return;
    try {
      const chunk = chunks.next();
      if (chunk.done) return void response.end();
      if (response.write(chunk.value)) setImmediate(pump);
      else response.once('drain', () => setImmediate(pump));
    } catch (error) {
      response.destroy(error as Error);
    }
  };
  response.on('close', () => chunks.return(undefined));
  pump();
}

function sendError(response: http.ServerResponse, error: unknown): void {
  if (response.headersSent) return void response.destroy();
  if (error instanceof UsageError) return sendJson(response, 400, { error: error.message });
  console.error(error);
  sendJson(response, 500, { error: (error as Error).message ?? String(error) });
}
