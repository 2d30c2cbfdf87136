/**
 * The dashboard's HTTP server: the page, its two assets, and the JSON API, on node:http.
 *
 * It binds to 127.0.0.1 unless told otherwise, because recorded values can hold anything the traced program
 * handled; and on a loopback address it answers only requests addressed to a loopback host name, so a web page
 * elsewhere cannot reach it through DNS rebinding.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as api from './api';
import { UsageError } from './errors';
import { PAGE_HTML } from './page/html';
import { PAGE_SCRIPT } from './page/script';
import { PAGE_STYLE } from './page/style';
import type { TraceQueries } from './queries';

export interface ServerOptions {
  queries: TraceQueries;
  sourceRoot: string;
  /** Shown in the page header, so several dashboards can be told apart. */
  databasePath: string;
}

type Json = object | undefined;

const ASSETS: Record<string, { type: string; body: () => string }> = {
  '/': { type: 'text/html; charset=utf-8', body: () => PAGE_HTML },
  '/assets/app.js': { type: 'text/javascript; charset=utf-8', body: () => PAGE_SCRIPT },
  '/assets/style.css': { type: 'text/css; charset=utf-8', body: () => PAGE_STYLE },
};

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export function createDashboardServer(options: ServerOptions): http.Server {
  const context: api.ApiContext = { queries: options.queries, sourceRoot: options.sourceRoot };
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
  const ref = id === undefined ? undefined : decodeURIComponent(id);
  switch (resource) {
    case 'info':
      return sendJson(response, 200, { databasePath: options.databasePath, sourceRoot: options.sourceRoot });
    case 'functions':
      return sendJson(response, 200, api.listFunctions(context));
    case 'calls':
      return ref === undefined ? sendJson(response, 200, api.listCalls(context, params)) : sendFound(response, api.callDetail(context, ref));
    case 'calls.csv':
      return sendCsv(response, api.exportCsv(context, params));
    case 'traces':
      return sendFound(response, ref === undefined ? undefined : api.traceDetail(context, ref));
    case 'stats':
      return sendJson(response, 200, api.functionStats(context, params));
    case 'timeseries':
      return sendJson(response, 200, api.timeSeries(context, params));
    default:
      return sendJson(response, 404, { error: 'not found' });
  }
}

/** On loopback, only loopback host names; bound to another address on purpose, any host. */
function hostAllowed(server: http.Server, host: string | undefined): boolean {
  const address = server.address() as AddressInfo | null;
  if (!address || !isLoopback(address.address)) return true;
  if (!host) return false;
  const name = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return name === 'localhost' || isLoopback(name);
}

function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address === '::ffff:127.0.0.1';
}

function sendFound(response: http.ServerResponse, body: Json): void {
  if (body === undefined) sendJson(response, 404, { error: 'not found' });
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
  // Writing page by page with backpressure keeps a 100,000-call export from buffering in memory.
  const pump = (): void => {
    try {
      for (let chunk = chunks.next(); !chunk.done; chunk = chunks.next()) {
        if (!response.write(chunk.value)) return void response.once('drain', pump);
      }
      response.end();
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
