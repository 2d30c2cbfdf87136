/**
 * A function's values as the writer thread stores them: the name each input and output goes by, and that
 * value as JSON text, redacted and held to the value limits (json.ts). The SQLite rows (writer.ts) and the
 * OpenTelemetry spans (span-export.ts) both take their values from here, so they hold the same text.
 */
import type { FunctionMeta } from '../contract';
import { REDACTED_JSON, valueToJson } from './json';
import { Redactor } from './redaction';

export class FunctionValues {
  readonly meta: FunctionMeta;
  private readonly redactor: Redactor;
  /** Where the rest parameter's elements begin among the inputs, -1 without one. */
  private readonly restIndex: number;
  private readonly maxValueSize: number;

  /** `redact`: the names redacted in every function (OBSERVATORY_REDACT). */
  constructor(meta: FunctionMeta, redact: readonly string[], maxValueSize: number) {
    this.meta = meta;
    this.redactor = new Redactor([...redact, ...(meta.redact ?? [])]);
    this.restIndex = meta.rest ? meta.params.length - 1 : -1;
    this.maxValueSize = maxValueSize;
  }

  /**
   * The name input `i` is redacted by and stored under: its parameter's own name (each element of a rest
   * parameter is redacted by the parameter's name), or `arguments[i]` past the declared parameters.
   */
  inputName(i: number): string {
    const params = this.meta.params;
    return this.restIndex >= 0 && i >= this.restIndex ? params[this.restIndex]! : (params[i] ?? `arguments[${i}]`);
  }

  outputName(i: number): string {
    return this.meta.outputs[i] ?? `return_${i}`;
  }

  /** `value`, named `name`, as the JSON text that is stored. */
  json(name: string, value: unknown): string {
    if (this.redactor.matches(name)) return REDACTED_JSON;
    // The common values need none of json.ts's limits and markers.
    if (typeof value === 'number' && Number.isFinite(value) && !Object.is(value, -0)) return String(value);
    if (typeof value === 'boolean') return value ? 'true' : 'false';
    if (value === null) return 'null';
    return valueToJson(value, this.redactor, this.maxValueSize);
  }
}
