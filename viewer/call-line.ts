/**
 * A call as one line of a terminal: `19:12:57.763 …4f1c ERR  46.6 ms  placeOrder(userId=44, items=[…]) → ✗
 * PaymentDeclinedError: payment of 1240 declined  4294967301`, cut to the terminal's width. Calls of one trace
 * share the trace mark (the last digits of its trace id), so interleaved requests can be told apart; the call
 * id at the end is what `observatory tree` takes.
 */
import { formatDuration, formatTimestamp, formatValue } from './format';
import { printable } from './printable';
import type { CallWithValues, TraceQueries, Value } from './queries';

/** What a terminal's colours are for here; `plain` when colour is off. */
export interface Paint {
  ok(text: string): string;
  err(text: string): string;
  dim(text: string): string;
}

export const PLAIN: Paint = { ok: text => text, err: text => text, dim: text => text };

const sgr = (on: number, off: number) => (text: string) => `\x1b[${on}m${text}\x1b[${off}m`;
export const ANSI: Paint = { ok: sgr(32, 39), err: sgr(31, 39), dim: sgr(2, 22) };

/**
 * Colour for a terminal, none for a pipe or a file: NO_COLOR (not empty) turns it off and FORCE_COLOR (not
 * empty or 0) on, the conventions of no-color.org and of Node itself.
 */
export function paintFor(out: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): Paint {
  if (env.NO_COLOR) return PLAIN;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return ANSI;
  return (out as { isTTY?: boolean }).isTTY ? ANSI : PLAIN;
}

/** The width of the lines when the output is not a terminal that says its own. */
const PIPE_WIDTH = 100;

/**
 * Writes calls one line each, with a line naming the date, in UTC, before each day's first call; the day is
 * remembered across writes, for a tail that writes as calls arrive.
 */
export function lineWriter(out: NodeJS.WritableStream, queries: TraceQueries): (calls: CallWithValues[]) => void {
  const paint = paintFor(out);
  let day = '';
  return calls => {
    // Read at every write: a terminal can be resized while a tail runs.
    const width = (out as { columns?: number }).columns || PIPE_WIDTH;
    for (const call of calls) {
      const date = formatTimestamp(call.startUs).slice(0, 10);
      if (date !== day) out.write(paint.dim(`── ${(day = date)} (UTC) ──`) + '\n');
      out.write(callLine(call, queries.functionById(call.functionId)?.name ?? call.process, width, paint) + '\n');
    }
  };
}

/** How long each value may be within a line, tried in turn until the line fits: values give way first. */
const VALUE_LIMITS = [40, 24, 12];
/** A line is never cut shorter than this, however narrow the terminal says it is. */
const MIN_WIDTH = 60;

/** `HH:MM:SS.mmm` of a call's start, in UTC as every command line time is; the date goes on its own line. */
export function clockOf(startUs: number): string {
  return new Date(Math.floor(startUs / 1000)).toISOString().slice(11, 23);
}

/** The line of `call` of the function named `name`, at most `width` characters before colour is added. */
export function callLine(call: CallWithValues, name: string, width: number, paint: Paint): string {
  const status = call.status === 'ERR' ? paint.err('ERR') : paint.ok('OK ');
  const head = `${clockOf(call.startUs)} ${paint.dim(`…${call.traceId.slice(-4)}`)} ${status} ${formatDuration(call.durationUs).padStart(8)}  `;
  const tail = `  ${call.id}`;
  // The head's width without its colour: clock, trace mark, status, duration and the spaces between.
  const room = Math.max(MIN_WIDTH, width) - (12 + 1 + 5 + 1 + 3 + 1 + 8 + 2) - tail.length;
  const bodyWith = (limit: number) => {
    const inputs = call.values
      .filter(value => value.direction === 'INPUT')
      .map(value => `${value.name}=${shown(value, limit)}`);
    const result =
      call.status === 'ERR'
        ? `✗ ${call.errorType}: ${call.errorMessage ?? ''}`
        : outputText(
            call.values.filter(value => value.direction === 'OUTPUT'),
            limit,
          );
    const signature = `${name}(${inputs.join(', ')})`;
    return printable(result === '' ? signature : `${signature} → ${result}`);
  };
  const body = VALUE_LIMITS.map(bodyWith).find(text => text.length <= room) ?? bodyWith(VALUE_LIMITS.at(-1)!);
  const fitted = body.length <= room ? body.padEnd(room) : `${body.slice(0, room - 1)}…`;
  return `${head}${call.status === 'ERR' ? fitted.replace(/✗ .*$/, failure => paint.err(failure)) : fitted}${paint.dim(tail)}`;
}

/** The outputs as `value` for a single return value, `{name: value, …}` for several, nothing for none. */
function outputText(outputs: Value[], limit: number): string {
  if (outputs.length === 0) return '';
  if (outputs.length === 1 && (outputs[0]!.name === 'result' || outputs[0]!.name.startsWith('return_')))
    return shown(outputs[0]!, limit);
  return `{${outputs.map(value => `${value.name}: ${shown(value, limit)}`).join(', ')}}`;
}

function shown(value: Value, limit: number): string {
  const text = formatValue(value.valueJson);
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}
