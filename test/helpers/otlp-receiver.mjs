// A loopback OTLP/HTTP trace receiver: decodes what the exporter sends, protobuf and JSON, with the message
// definitions OpenTelemetry generated from opentelemetry-proto (the otlp-generated-proto dev dependency, an
// earlier @opentelemetry/otlp-transformer that ships them), and answers as a test tells it to.
import * as http from 'node:http';
import { createRequire } from 'node:module';
import * as zlib from 'node:zlib';

const require = createRequire(import.meta.url);
const { opentelemetry } = require('otlp-generated-proto/build/src/generated/root');
const { ExportTraceServiceRequest } = opentelemetry.proto.collector.trace.v1;

/** OTLP/JSON writes trace and span ids as hex; protobuf's JSON mapping, which fromObject reads, as base64. */
const ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);

/**
 * Starts a receiver on 127.0.0.1. `answer(request, attempt)` decides each response: a status and headers
 * (default 200), or `'hold'` to never answer. Returns { url, requests, spans(), waitFor(predicate), close() }:
 * requests are { contentType, contentEncoding, status, body } with body the decoded ExportTraceServiceRequest
 * as a plain object (ids as hex strings, 64-bit numbers as strings).
 */
export async function startReceiver(answer = () => ({ status: 200 })) {
  const requests = [];
  const listeners = new Set();
  const held = new Set();
  const server = http.createServer((request, response) => {
    const chunks = [];
    request.on('data', chunk => chunks.push(chunk));
    request.on('end', () => {
      let bytes = Buffer.concat(chunks);
      if (request.headers['content-encoding'] === 'gzip') bytes = zlib.gunzipSync(bytes);
      const contentType = request.headers['content-type'];
      const decision = answer(request, requests.length + 1);
      const status = decision === 'hold' ? null : (decision.status ?? 200);
      requests.push({
        contentType,
        contentEncoding: request.headers['content-encoding'],
        headers: request.headers,
        status,
        body: decode(bytes, contentType),
      });
      if (decision === 'hold') {
        held.add(response);
      } else {
        // A success is an empty ExportTraceServiceResponse, in the request's own encoding.
        response.writeHead(status, { 'content-type': contentType, ...decision.headers });
        response.end(status === 200 && contentType === 'application/json' ? '{}' : '');
      }
      for (const listener of listeners) listener();
    });
  });
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  const spans = () => requests.filter(request => request.status === 200).flatMap(request => spansOf(request.body));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    spans,
    /** Resolves once `predicate(requests)` holds, checked at each request. */
    waitFor(predicate) {
      return new Promise(resolve => {
        const check = () => {
          if (!predicate(requests)) return;
          listeners.delete(check);
          resolve();
        };
        listeners.add(check);
        check();
      });
    },
    close() {
      for (const response of held) response.destroy();
      server.closeAllConnections();
      return new Promise(resolve => server.close(resolve));
    },
  };
}

function decode(bytes, contentType) {
  const message =
    contentType === 'application/json'
      ? ExportTraceServiceRequest.fromObject(idsToBase64(JSON.parse(bytes.toString('utf8'))))
      : ExportTraceServiceRequest.decode(bytes);
  return idsToHex(ExportTraceServiceRequest.toObject(message, { longs: String, bytes: String, defaults: false }));
}

function idsToBase64(value) {
  return mapIds(value, hex => Buffer.from(hex, 'hex').toString('base64'));
}

function idsToHex(value) {
  return mapIds(value, base64 => Buffer.from(base64, 'base64').toString('hex'));
}

function mapIds(value, convert) {
  if (Array.isArray(value)) return value.map(item => mapIds(item, convert));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => [
      key,
      ID_FIELDS.has(key) && typeof field === 'string' ? convert(field) : mapIds(field, convert),
    ]),
  );
}

/** Every span of a request, with its resource's attributes and its own attributes as plain objects. */
export function spansOf(body) {
  return (body.resourceSpans ?? []).flatMap(resourceSpans =>
    (resourceSpans.scopeSpans ?? []).flatMap(scopeSpans =>
      (scopeSpans.spans ?? []).map(span => ({
        ...span,
        scope: scopeSpans.scope?.name,
        resource: attributeObject(resourceSpans.resource?.attributes),
        attributes: attributeObject(span.attributes),
        events: (span.events ?? []).map(event => ({ ...event, attributes: attributeObject(event.attributes) })),
      })),
    ),
  );
}

function attributeObject(attributes = []) {
  return Object.fromEntries(attributes.map(({ key, value }) => [key, anyValue(value)]));
}

function anyValue(value) {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.boolValue !== undefined) return value.boolValue;
  return value;
}
