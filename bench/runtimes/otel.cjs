// A stand-in for ts-observatory/runtime that records every call as an OpenTelemetry span, with the arguments
// and the result as span attributes. It implements the contract of runtime/contract.ts, so it runs behind the
// very same emitted code as the real runtime. CommonJS because the emitted code `require`s it.
//
// The batch processor holds up to 2^17 spans and exports batches of 4096 every 50 ms, so that it drops nothing
// at the rates measured. The exporter does what any exporter must before sending: it serializes every span
// (ids, name, times, status, attributes) to JSON text and encodes it into a buffer, which is then discarded.
const { BasicTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { passThrough } = require('./outcome.cjs');

const EXPORT_SUCCESS = 0; // ExportResultCode.SUCCESS of @opentelemetry/core

function spanJson(span) {
  const context = span.spanContext();
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    name: span.name,
    kind: span.kind,
    startTime: span.startTime,
    endTime: span.endTime,
    status: span.status,
    attributes: span.attributes,
  };
}

/** Bytes serialized so far; read nowhere, kept so that the serialization cannot be optimized away. */
let exportedBytes = 0;

const serializingExporter = {
  export(spans, resultCallback) {
    exportedBytes += Buffer.from(JSON.stringify(spans.map(spanJson))).length;
    resultCallback({ code: EXPORT_SUCCESS });
  },
  shutdown() {
    return Promise.resolve();
  },
};

const provider = new BasicTracerProvider({
  spanProcessors: [
    new BatchSpanProcessor(serializingExporter, {
      maxQueueSize: 1 << 17,
      maxExportBatchSize: 4096,
      scheduledDelayMillis: 50,
    }),
  ],
});
const tracer = provider.getTracer('ts-observatory-bench');

// Span attributes take primitives and arrays of primitives; anything else is turned into JSON, as a user
// recording an object argument on a span has to.
function attributeValue(value) {
  const type = typeof value;
  return type === 'number' || type === 'string' || type === 'boolean' ? value : JSON.stringify(value);
}

function register(_contractVersion, meta) {
  return { name: `${meta.group}.${meta.name}`, argumentKeys: meta.params.map(name => `arg.${name}`) };
}

function enter(fn, args) {
  const attributes = {};
  for (let i = 0; i < args.length; i++) attributes[fn.argumentKeys[i]] = attributeValue(args[i]);
  return tracer.startSpan(fn.name, { attributes });
}

// Contract 2 (runtime/contract.ts): `exit` and `fail` say how the body is leaving, `done` ends the span.
function exit(span, value) {
  if (value !== undefined) span.setAttribute('result', attributeValue(value));
  return value;
}

function fail(span, error) {
  span.recordException(error);
  span.setStatus({ code: 2 }); // SpanStatusCode.ERROR
  return error;
}

function done(span) {
  span.end();
}

/** Drains the batch processor, so that the next measurement starts with an empty queue. */
function settle() {
  return provider.forceFlush();
}

function shutdown() {
  return provider.shutdown().then(() => exportedBytes);
}

module.exports = {
  register,
  enter,
  exit,
  fail,
  done,
  suspend: passThrough,
  pause: passThrough,
  resume: passThrough,
  delegate: passThrough,
  delegateAsync: passThrough,
  iterate: passThrough,
  settle,
  shutdown,
};
