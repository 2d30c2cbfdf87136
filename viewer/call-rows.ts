/**
 * The calls table as users see it: one row per recorded variable, newest call first.
 *
 * A call that recorded no variables (a `void` function without parameters) still gets one row, so that every
 * call is visible; its data columns are empty.
 */
import { formatTimestamp, formatValue, parseValue } from './format';
import type { CallWithValues, Value } from './queries';

export interface CallTableRow {
  time: string;
  process: string;
  data: string;
  dataType: string;
  dataValue: unknown;
  direction: string;
  status: string;
  error: string | null;
  callId: number;
}

export const TABLE_HEADERS = ['Time', 'Process', 'Data', 'Data Type', 'Data Value', 'Status'];
export const CSV_HEADERS = ['Time', 'Process', 'Data', 'Data Type', 'Data Value', 'Direction', 'Status', 'Error', 'Call'];

/** The rows with each value parsed, for `--json` and the text table. */
export function callRows(calls: CallWithValues[]): CallTableRow[] {
  return eachRow(calls, (call, value) => ({
    time: formatTimestamp(call.startUs),
    process: call.process,
    data: value?.name ?? '',
    dataType: value?.declaredType ?? '',
    dataValue: value ? parseValue(value.valueJson) : null,
    direction: value?.direction ?? '',
    status: call.status,
    error: errorText(call),
    callId: call.id,
  }));
}

/**
 * The CSV records of the rows, under CSV_HEADERS; values are in the display form the table uses. Made straight
 * from the stored JSON, because an export of a million calls feels every parse it can skip.
 */
export function csvRecords(calls: CallWithValues[]): string[][] {
  return eachRow(calls, (call, value) => [
    formatTimestamp(call.startUs),
    call.process,
    value?.name ?? '',
    value?.declaredType ?? '',
    value ? formatValue(value.valueJson) : '',
    value?.direction ?? '',
    call.status,
    errorText(call) ?? '',
    String(call.id),
  ]);
}

function eachRow<Row>(calls: CallWithValues[], row: (call: CallWithValues, value: Value | null) => Row): Row[] {
  return calls.flatMap(call => (call.values.length === 0 ? [row(call, null)] : call.values.map(value => row(call, value))));
}

function errorText(call: CallWithValues): string | null {
  return call.errorType === null ? null : `${call.errorType}: ${call.errorMessage ?? ''}`;
}
