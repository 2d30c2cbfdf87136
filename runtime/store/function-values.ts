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
  /** Each input's text, in order; null when not captured. */
  inputTexts: string[] | null;
  /** Each output's text (the one `result` when `record.outputFallback`); null when not captured. */
  outputTexts: string[] | null;
  /** calls.inputs and calls.outputs, made of the texts above. */
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

  /** The stored text of each call's values and error. */
  prepare(calls: readonly CallRecord[], meta: (index: number) => FunctionMeta): PreparedCall[] {
    return calls.map(record => {
      const values = this.of(record.fn, meta);
      const error = record.error;
      const inputTexts = record.inputs === null ? null : record.inputs.map((value, i) => values.input(i, value));
      const outputTexts = record.outputs === null ? null : outputTextsOf(values, record, record.outputs);
      return {
        record,
        inputTexts,
        outputTexts,
        inputs: inputTexts === null ? null : `[${inputTexts.join(',')}]`,
        outputs: outputsJson(outputTexts, record),
        errorMessage: error === null ? null : scrubSecrets(error.message),
        errorStack: error?.stack == null ? null : scrubSecrets(error.stack),
        errorDetail: error?.detail == null ? null : values.json('error', error.detail),
      };
    });
  }
}

function outputTextsOf(values: FunctionValues, call: CallRecord, outputs: unknown[]): string[] {
  if (call.outputFallback) return [values.json('result', outputs[0])];
  return outputs.map((value, i) => values.output(i, value));
}

/**
 * An array in the order of outputs_json; `{"result": ...}` for a value that did not fit its shape;
 * `{"yielded": n}` for a generator that failed after yielding; null when nothing was captured.
 */
function outputsJson(texts: string[] | null, call: CallRecord): string | null {
  const yielded = call.yielded >= 0 ? String(call.yielded) : null;
  if (texts === null) return yielded === null ? null : `{"yielded":${yielded}}`;
  if (call.outputFallback) {
    return yielded === null ? `{"result":${texts[0]}}` : `{"result":${texts[0]},"yielded":${yielded}}`;
  }
  return `[${yielded === null ? texts.join(',') : [...texts, yielded].join(',')}]`;
}
