/**
 * Committed calls as OpenTelemetry spans, sent from the writer thread by OpenTelemetry's own OTLP/HTTP
 * exporter (@opentelemetry/exporter-trace-otlp-proto for http/protobuf, -http for http/json), which encodes
 * the wire format, compresses, times out and retries (429, 502, 503, 504, honouring Retry-After) as
 * OpenTelemetry defines, configured by OpenTelemetry's variables.
 *
 *   ids         the `spans` view's: span id = the call's database id, parent = its caller's, trace id = the
 *               first half of the instance token then the root call's id (16 hex digits each); a trace that
 *               joined the program's OpenTelemetry span has that span's trace id, and its root that span as
 *               parent
 *   name        the function's process name, `group.name`
 *   attributes  code.function.name, code.file.path, code.line.number, code.column.number; one attribute per
 *               value, `observatory.input.<name>` and `observatory.output.<name>`, holding the JSON text
 *               calls.inputs and calls.outputs hold (same limits, same redaction: function-values.ts)
 *   failure     status ERROR with the message, and an `exception` event with type, message and stack
 *
 * One request per committed batch (drain.ts commits what the ring gathered over a flush interval), split at
 * MAX_SPANS_PER_REQUEST. The exporter keeps at most EXPORTS_IN_FLIGHT requests open; a batch past that, or
 * one the collector does not take within the timeout and retries, is counted per function as export_failed.
 * Nothing here waits for the collector: SQLite commits go on whatever it does.
 */
import { ExportResultCode, hrTimeDuration, millisToHrTime } from '@opentelemetry/core';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { defaultResource, detectResources, envDetector, type Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace';
import {
  ATTR_CODE_COLUMN_NUMBER,
  ATTR_CODE_FILE_PATH,
  ATTR_CODE_FUNCTION_NAME,
  ATTR_CODE_LINE_NUMBER,
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_EXCEPTION_TYPE,
} from '@opentelemetry/semantic-conventions';
import { diag, DiagLogLevel, type Attributes, type DiagLogger, type SpanContext } from '@opentelemetry/api';
import type { OtlpSettings, RecordingProcess } from '../ring';
import type { FunctionMeta } from '../contract';
import type { CallTexts, FunctionValues, PreparedCall } from './function-values';

/** The attribute prefixes of a call's values. */
export const INPUT_ATTRIBUTE_PREFIX = 'observatory.input.';
export const OUTPUT_ATTRIBUTE_PREFIX = 'observatory.output.';

/** A request this large encodes in a few milliseconds and stays well under collectors' 4 MB default limit. */
const MAX_SPANS_PER_REQUEST = 1024;
/** Requests open at once; a dead collector then holds at most this many batches in memory. */
const EXPORTS_IN_FLIGHT = 8;
/** OpenTelemetry's SpanKind.INTERNAL and SpanStatusCode.ERROR / UNSET (the api package's enums are not const). */
const SPAN_KIND_INTERNAL = 0;
const STATUS_UNSET = 0;
const STATUS_ERROR = 2;
/** W3C trace flags: sampled. */
const SAMPLED = 1;
const SCOPE = { name: 'ts-observatory' };

/** How a batch's calls are named and numbered: the database's ids, or the instance's own without one. */
export interface CallIds {
  /** The id of the instance's call number `n`, as the `spans` view prints it (below 2^53). */
  idOf(n: number): number;
}

/** What the spans of one function share. */
interface ExportedFunction {
  values: FunctionValues;
  /** `group.name`. */
  process: string;
  /** The code.* attributes, built once per function. */
  code: Attributes;
}

export class SpanExport {
  private readonly exporter: JsonExporter | ProtobufExporter;
  private readonly resource: Resource;
  private readonly tracePrefix: string;
  private readonly timeOrigin: number;
  /** Told, for each batch, the function index of each of its spans and, when the collector did not take it, why. */
  private readonly onAnswer: (functions: number[], failure: Error | null) => void;
  /** The values' text, as the SQLite rows have it. */
  private readonly texts: CallTexts;
  private readonly functions: ExportedFunction[] = [];

  constructor(
    settings: OtlpSettings,
    info: RecordingProcess,
    texts: CallTexts,
    onAnswer: (functions: number[], failure: Error | null) => void,
  ) {
    // OpenTelemetry reports a variable it cannot read (and then uses its default) through its diagnostic
    // logger, silent unless set; this thread's API instance is the exporter's alone, so setting it here
    // touches nothing of the program's.
    diag.setLogger(warningLogger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
    const config = {
      concurrencyLimit: EXPORTS_IN_FLIGHT,
      // gzip unless the deployment says otherwise through OpenTelemetry's own variables.
      compression:
        process.env.OTEL_EXPORTER_OTLP_TRACES_COMPRESSION || process.env.OTEL_EXPORTER_OTLP_COMPRESSION
          ? undefined
          : CompressionAlgorithm.GZIP,
    };
    this.exporter = settings.protocol === 'http/json' ? new JsonExporter(config) : new ProtobufExporter(config);
    // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES over the SDK's defaults, as an OpenTelemetry SDK does.
    this.resource = defaultResource().merge(detectResources({ detectors: [envDetector] }));
    this.tracePrefix = info.token.slice(0, 16);
    this.timeOrigin = info.timeOrigin;
    this.texts = texts;
    this.onAnswer = onAnswer;
  }

  /** Hands a committed batch to the exporter and returns; `meta` gives a function's FunctionMeta by index. */
  export(calls: readonly PreparedCall[], ids: CallIds, meta: (index: number) => FunctionMeta): void {
    for (let from = 0; from < calls.length; from += MAX_SPANS_PER_REQUEST) {
      const chunk = calls.slice(from, from + MAX_SPANS_PER_REQUEST);
      const spans = chunk.map(call => this.span(call, ids, this.exportedFunction(call.record.fn, meta)));
      this.exporter.export(spans, result => {
        const delivered = result.code === ExportResultCode.SUCCESS;
        this.onAnswer(
          chunk.map(call => call.record.fn),
          delivered ? null : (result.error ?? new Error('the exporter gave no reason')),
        );
      });
    }
  }

  private exportedFunction(index: number, meta: (index: number) => FunctionMeta): ExportedFunction {
    let fn = this.functions[index];
    if (fn === undefined) {
      const values = this.texts.of(index, meta);
      const process = `${values.meta.group}.${values.meta.name}`;
      fn = { values, process, code: codeAttributes(values, process) };
      this.functions[index] = fn;
    }
    return fn;
  }

  private span(prepared: PreparedCall, ids: CallIds, fn: ExportedFunction): ReadableSpan {
    const call = prepared.record;
    const link = call.link;
    const traceId = link === null ? this.tracePrefix + hex16(ids.idOf(call.root)) : link.traceId;
    const context: SpanContext = { traceId, spanId: hex16(ids.idOf(call.id)), traceFlags: SAMPLED };
    const parentSpanContext: SpanContext | undefined =
      call.parent !== 0
        ? { traceId, spanId: hex16(ids.idOf(call.parent)), traceFlags: SAMPLED }
        : link === null
          ? undefined
          : { traceId, spanId: link.parentSpanId, traceFlags: SAMPLED, isRemote: true };
    const startTime = millisToHrTime(this.timeOrigin + call.start);
    const endTime = millisToHrTime(this.timeOrigin + call.end);
    const error =
      call.error === null
        ? null
        : { type: call.error.type, message: prepared.errorMessage!, stack: prepared.errorStack };
    const events: TimedEvent[] =
      error === null
        ? []
        : [
            {
              name: 'exception',
              time: endTime,
              attributes: {
                [ATTR_EXCEPTION_TYPE]: error.type,
                [ATTR_EXCEPTION_MESSAGE]: error.message,
                ...(error.stack === null ? {} : { [ATTR_EXCEPTION_STACKTRACE]: error.stack }),
              },
            },
          ];
    return {
      name: fn.process,
      kind: SPAN_KIND_INTERNAL,
      spanContext: () => context,
      parentSpanContext,
      startTime,
      endTime,
      duration: hrTimeDuration(startTime, endTime),
      status: error === null ? { code: STATUS_UNSET } : { code: STATUS_ERROR, message: error.message },
      attributes: valueAttributes({ ...fn.code }, fn.values, prepared),
      links: [],
      events,
      ended: true,
      resource: this.resource,
      instrumentationScope: SCOPE,
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
    };
  }
}

/** OpenTelemetry's warnings and errors, as process warnings of the writer thread, each different one once. */
const warned = new Set<string>();
function warnOnce(message: string, ...args: unknown[]): void {
  const text = [message, ...args.map(String)].join(' ');
  if (warned.has(text)) return;
  warned.add(text);
  process.emitWarning(`OpenTelemetry: ${text}`, { code: 'OBSERVATORY_EXPORT' });
}
const warningLogger: DiagLogger = {
  error: warnOnce,
  warn: warnOnce,
  info: () => {},
  debug: () => {},
  verbose: () => {},
};

/** The code.* attributes of the current semantic conventions. */
function codeAttributes(values: FunctionValues, process: string): Attributes {
  const meta = values.meta;
  return {
    [ATTR_CODE_FUNCTION_NAME]: process,
    [ATTR_CODE_FILE_PATH]: meta.file,
    [ATTR_CODE_LINE_NUMBER]: meta.line,
    [ATTR_CODE_COLUMN_NUMBER]: meta.column,
  };
}

/**
 * Adds one attribute per value to `attributes`, named as the `call_values` view names it, holding the text
 * the SQLite row holds: `observatory.input.numbers[1]`, `observatory.output.result`, `observatory.output.yielded`.
 */
function valueAttributes(attributes: Attributes, values: FunctionValues, prepared: PreparedCall): Attributes {
  const call = prepared.record;
  const inputs = prepared.inputTexts;
  if (inputs !== null) {
    const restIndex = values.meta.rest ? values.meta.params.length - 1 : -1;
    for (let i = 0; i < inputs.length; i++) {
      const name = values.inputName(i);
      const shown = restIndex >= 0 && i >= restIndex ? `${name}[${i - restIndex}]` : name;
      attributes[INPUT_ATTRIBUTE_PREFIX + shown] = inputs[i]!;
    }
  }
  const outputs = prepared.outputTexts;
  if (outputs !== null) {
    if (call.outputFallback) {
      attributes[`${OUTPUT_ATTRIBUTE_PREFIX}result`] = outputs[0]!;
    } else {
      for (let i = 0; i < outputs.length; i++) attributes[OUTPUT_ATTRIBUTE_PREFIX + values.outputName(i)] = outputs[i]!;
    }
  }
  if (call.yielded >= 0) attributes[`${OUTPUT_ATTRIBUTE_PREFIX}yielded`] = call.yielded;
  return attributes;
}

/** As SQLite's printf('%016x'): ids are below 2^53. */
function hex16(id: number): string {
  return id.toString(16).padStart(16, '0');
}

/**
 * Call ids without a database (OBSERVATORY_DB=off): as the database would number them, with bits of the
 * instance token standing in for the `processes` row id, so that instances joining one trace do not collide.
 */
export class InstanceCallIds implements CallIds {
  private readonly base: number;

  constructor(token: string) {
    // 20 bits: the id stays below 2^53 for the first 2^32 calls of the instance, and far beyond.
    this.base = (parseInt(token.slice(16, 21), 16) + 1) * 2 ** 32;
  }

  idOf(n: number): number {
    return this.base + n;
  }
}
