/**
 * The calls table as users see it: one row per recorded variable, newest call first.
 *
 * A call that recorded no variables (a `void` function without parameters) still gets one row, so that every
 * call is visible; its data columns are empty.
 */
import { formatTimestamp, formatValue, parseValue } from './format';
import type { CallWithValues } from './queries';

export interface CallRow {
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

export function callRows(calls: CallWithValues[]): CallRow[] {
  return calls.flatMap((call): CallRow[] => {
    const common = {
      time: formatTimestamp(call.startUs),
      process: call.process,
      status: call.status,
      error: call.errorType === null ? null : `${call.errorType}: ${call.errorMessage ?? ''}`,
      callId: call.id,
    };
    if (call.values.length === 0) return [{ ...common, data: '', dataType: '', dataValue: null, direction: '' }];
    return call.values.map(value => ({
      ...common,
      data: value.name,
      dataType: value.declaredType,
      dataValue: parseValue(value.valueJson),
      direction: value.direction,
    }));
  });
}

/** The CSV record of one row; values are in the same display form the table uses. */
export function csvRecord(row: CallRow): string[] {
  return [
    row.time,
    row.process,
    row.data,
    row.dataType,
    row.data === '' ? '' : formatValue(JSON.stringify(row.dataValue)),
    row.direction,
    row.status,
    row.error ?? '',
    String(row.callId),
  ];
}
