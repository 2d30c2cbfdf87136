/**
 * A failed call's error detail (runtime/store/json.ts, "error detail") as lines of text, for the command line
 * and the report: the error's own fields, then each error of its cause chain and an AggregateError's errors,
 * each with its fields, indented by how far down the chain it is.
 *
 *   fields: amount=1500, code="insufficient_funds"
 *   caused by GatewayError: gateway answered 502
 *     fields: status=502, apiKey=[redacted]
 *     caused by Error: socket hang up
 *       fields: code="ECONNRESET"
 */
import { formatValue } from './format';

type Form = Record<string, unknown>;

export function errorDetailLines(detail: unknown): string[] {
  const lines: string[] = [];
  describeParts(unwrap(detail), '', lines);
  return lines;
}

/** `GatewayError: gateway answered 502` for an Error form; any other value in its display form. */
export function errorHeadline(value: unknown): string {
  const form = unwrap(value);
  if (form?.$type !== 'Error') return formatValue(JSON.stringify(value));
  return `${String(form.class ?? form.name)}: ${String(form.message)}`;
}

function describeParts(form: Form | null, indent: string, lines: string[]): void {
  if (form === null) return;
  if ('value' in form && form.$type === undefined)
    lines.push(`${indent}thrown: ${formatValue(JSON.stringify(form.value))}`);
  const fields = unwrap(form.fields);
  if (fields !== null) {
    const text = Object.entries(fields).map(([key, value]) => `${key}=${formatValue(JSON.stringify(value))}`);
    lines.push(`${indent}fields: ${text.join(', ')}`);
  }
  if ('cause' in form) {
    lines.push(`${indent}caused by ${errorHeadline(form.cause)}`);
    describeParts(unwrap(form.cause), `${indent}  `, lines);
  }
  const errors = form.errors;
  if (Array.isArray(errors)) {
    errors.forEach((error, i) => {
      lines.push(`${indent}error ${i + 1} of ${errors.length}: ${errorHeadline(error)}`);
      describeParts(unwrap(error), `${indent}  `, lines);
    });
  }
}

/** The object a form stands for: a truncated marker's kept part, or the form itself; null for anything else. */
function unwrap(value: unknown): Form | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const form = value as Form;
  return form.$type === 'truncated' ? unwrap(form.value) : form;
}
