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
  /** INPUT or OUTPUT, as in the original design's `data_type`. */
  dataType: string;
  /** The TypeScript type the value was declared with. */
  declaredType: string;
  dataValue: unknown;
  status: string;
  error: string | null;
  callId: number;
}

export const TABLE_HEADERS = ['Time (UTC)', 'Process', 'Data', 'Data Type', 'Declared Type', 'Data Value', 'Status'];
export const CSV_HEADERS = [
  'Time',
  'Process',
  'Data',
  'Data Type',
  'Declared Type',
  'Data Value',
  'Status',
  'Error',
  'Call',
];

/** The rows with each value parsed, for `--json` and the text table. */
export function callRows(calls: CallWithValues[]): CallTableRow[] {
  return eachRow(calls, (call, value) => ({
    time: formatTimestamp(call.startUs),
    process: call.process,
    data: value?.name ?? '',
    dataType: value?.direction ?? '',
    declaredType: value?.declaredType ?? '',
    dataValue: value ? parseValue(value.valueJson) : null,
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
    value?.direction ?? '',
    value?.declaredType ?? '',
    value ? formatValue(value.valueJson) : '',
    call.status,
    errorText(call) ?? '',
    String(call.id),
  ]);
}

function eachRow<Row>(calls: CallWithValues[], row: (call: CallWithValues, value: Value | null) => Row): Row[] {
  return calls.flatMap(call =>
    call.values.length === 0 ? [row(call, null)] : call.values.map(value => row(call, value)),
  );
}

function errorText(call: CallWithValues): string | null {
  return call.errorType === null ? null : `${call.errorType}: ${call.errorMessage ?? ''}`;
}
