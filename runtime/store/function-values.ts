/**
 * A function's values as the writer thread stores them: the name each input and output goes by, and that
 * value as JSON text, redacted and held to the value limits (json.ts). The SQLite rows (writer.ts) and the
 * OpenTelemetry spans (span-export.ts) both take their values from here, so they hold the same text.
 *
 * The text is made for a whole batch before its transaction begins (CallTexts.prepare): JSON, redaction and
 * credential scrubbing can take a while on large values, and the write lock, which other processes wait for,
 * must not wait on them.
 */
import type { FunctionMeta } from '../contract';
import type { RecordingProcess } from '../ring';
import type { CallRecord } from './writer';
import { REDACTED_JSON, valueToJson } from './json';
import { Redactor } from './redaction';
import { scrubSecrets } from './secret-text';

export class FunctionValues {
  readonly meta: FunctionMeta;
  private readonly redactor: Redactor;
  /** Where the rest parameter's elements begin among the inputs, -1 without one. */
  private readonly restIndex: number;
  private readonly maxValueSize: number;
  /**
   * By index in `params` and in `outputs`: stored as REDACTED_JSON, for its name or, for a parameter, for the
   * property path it was destructured from (FunctionMeta.paramKeys). Decided once per function rather than for
   * every value: asking the redactor, even from its cache, was about 1% of the writer thread's time on `add` calls.
   */
  private readonly hiddenParams: boolean[];
  private readonly hiddenOutputs: boolean[];

  /** `recording` gives the names redacted or allowed in every function, and the value size limit. */
  constructor(meta: FunctionMeta, recording: Pick<RecordingProcess, 'redact' | 'redactAllow' | 'maxValueSize'>) {
    this.meta = meta;
    const redactor = new Redactor([...recording.redact, ...(meta.redact ?? [])], recording.redactAllow ?? []);
    this.redactor = redactor;
    this.restIndex = meta.rest ? meta.params.length - 1 : -1;
    this.maxValueSize = recording.maxValueSize;
    const paramKeys = meta.paramKeys ?? [];
    this.hiddenParams = meta.params.map((name, i) => {
      const path = paramKeys[i] ?? '';
      return redactor.matches(name) || (path !== '' && path.split('.').some(key => redactor.matches(key)));
    });
    this.hiddenOutputs = meta.outputs.map(name => redactor.matches(name));
  }

  /**
   * The name input `i` is redacted by and stored under: its parameter's own name (each element of a rest
   * parameter is redacted by the parameter's name), or `arguments[i]` past the declared parameters.
   */
  inputName(i: number): string {
    const params = this.meta.params;
    return this.restIndex >= 0 && i >= this.restIndex ? params[this.restIndex]! : (params[i] ?? `arguments[${i}]`);
  }

  /** Input `i` as stored text: redacted by its name, or by the property it was destructured from. */
  input(i: number, value: unknown): string {
    const param = this.restIndex >= 0 && i >= this.restIndex ? this.restIndex : i;
    const hidden = this.hiddenParams[param];
    if (hidden === undefined) return this.json(this.inputName(i), value);
    return hidden ? REDACTED_JSON : this.text(value);
  }

  outputName(i: number): string {
    return this.meta.outputs[i] ?? `return_${i}`;
  }

  /** Output `i` (in outputs_json order) as stored text, redacted by its name. */
  output(i: number, value: unknown): string {
    const hidden = this.hiddenOutputs[i];
    if (hidden === undefined) return this.json(this.outputName(i), value);
    return hidden ? REDACTED_JSON : this.text(value);
  }

  /** `value`, named `name`, as the JSON text that is stored. */
  json(name: string, value: unknown): string {
    return this.redactor.matches(name) ? REDACTED_JSON : this.text(value);
  }

  /** `value` as JSON text, with json.ts's limits, redaction of what it holds and markers. */
  private text(value: unknown): string {
    // The common values need none of json.ts's limits and markers.
    if (typeof value === 'number' && Number.isFinite(value) && !Object.is(value, -0)) return String(value);
    if (typeof value === 'boolean') return value ? 'true' : 'false';
    if (value === null) return 'null';
    return valueToJson(value, this.redactor, this.maxValueSize);
  }
}

/** A call with its stored text made. */
export interface PreparedCall {
  record: CallRecord;
  /** Each input's text, in order; null when not captured, or not asked for (CallTexts.prepare). */
  inputTexts: string[] | null;
  /** Each output's text (the one `result` when `record.outputFallback`); null as inputTexts. */
  outputTexts: string[] | null;
  /** calls.inputs and calls.outputs: JSON made of each value's text, whether or not those are kept above. */
  inputs: string | null;
  outputs: string | null;
  errorMessage: string | null;
  errorStack: string | null;
  /** calls.error_detail: redacted and scrubbed like any value. */
  errorDetail: string | null;
}

/** The FunctionValues of every function of one recording instance, made once each. */
export class CallTexts {
  private readonly recording: Pick<RecordingProcess, 'redact' | 'redactAllow' | 'maxValueSize'>;
  private readonly functions: FunctionValues[] = [];

  constructor(recording: Pick<RecordingProcess, 'redact' | 'redactAllow' | 'maxValueSize'>) {
    this.recording = recording;
  }

  /** Function `index`'s values; `meta` gives its FunctionMeta the first time. */
  of(index: number, meta: (index: number) => FunctionMeta): FunctionValues {
    let values = this.functions[index];
    if (values === undefined) {
      values = new FunctionValues(meta(index), this.recording);
      this.functions[index] = values;
    }
    return values;
  }

  /**
   * The stored text of each call's values and error. Each value's own text is kept as well only with
   * `valueTexts` (span export names each value in an attribute of its own): SQLite needs only the arrays' text.
   * Two arrays of texts per call, joined and kept until the commit, cost the end-to-end run of `add` calls
   * about a seventh of its calls per second (bench/README.md, "Fewer objects per call on the writer thread").
   */
  prepare(calls: readonly CallRecord[], meta: (index: number) => FunctionMeta, valueTexts = false): PreparedCall[] {
    return calls.map(record => {
      const values = this.of(record.fn, meta);
      const error = record.error;
      const inputTexts = valueTexts && record.inputs !== null ? [] : null;
      const outputTexts = valueTexts && record.outputs !== null ? [] : null;
      return {
        record,
        inputTexts,
        outputTexts,
        inputs: record.inputs === null ? null : arrayJson(values, ValueSide.Input, record.inputs, inputTexts, null),
        outputs: outputsJson(values, record, outputTexts),
        errorMessage: error === null ? null : scrubSecrets(error.message),
        errorStack: error?.stack == null ? null : scrubSecrets(error.stack),
        errorDetail: error?.detail == null ? null : values.json('error', error.detail),
      };
    });
  }
}

const enum ValueSide {
  Input,
  Output,
}

/**
 * A JSON array of each value's text, then `last` when it is not null; each value's text also goes into `texts`
 * when that is not null. Made by concatenation: the texts are short, and V8 copies short concatenations flat.
 */
function arrayJson(
  values: FunctionValues,
  side: ValueSide,
  list: readonly unknown[],
  texts: string[] | null,
  last: string | null,
): string {
  let json = '[';
  for (let i = 0; i < list.length; i++) {
    const text = side === ValueSide.Input ? values.input(i, list[i]) : values.output(i, list[i]);
    texts?.push(text);
    json += i === 0 ? text : `,${text}`;
  }
  if (last !== null) json += list.length === 0 ? last : `,${last}`;
  return `${json}]`;
}

/**
 * An array in the order of outputs_json; `{"result": ...}` for a value that did not fit its shape;
 * `{"yielded": n}` for a generator that failed after yielding; null when nothing was captured.
 */
function outputsJson(values: FunctionValues, call: CallRecord, texts: string[] | null): string | null {
  const yielded = call.yielded >= 0 ? String(call.yielded) : null;
  const outputs = call.outputs;
  if (outputs === null) return yielded === null ? null : `{"yielded":${yielded}}`;
  if (!call.outputFallback) return arrayJson(values, ValueSide.Output, outputs, texts, yielded);
  const text = values.json('result', outputs[0]);
  texts?.push(text);
  return yielded === null ? `{"result":${text}}` : `{"result":${text},"yielded":${yielded}}`;
}
