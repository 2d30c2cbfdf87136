import { openReadOnly } from '../database';
import { UsageError } from '../errors';
import { formatDuration, plural } from '../format';
import { printable } from '../printable';
import { type TraceNode, TraceQueries } from '../queries';
import type { Command } from './command';

/**
 * Box-drawing guides are drawn for this many levels. Deeper calls are shown at that indentation with their
 * depth written out, so that a 3,000-deep recursion prints lines of bounded width: output linear in the calls.
 */
const MAX_GUIDE_LEVELS = 16;

export const treeCommand: Command = {
  name: 'tree',
  usage: '<call-id | span-id | trace-id> [--json]',
  summary: 'the call tree containing a call, with durations and status',
  positionals: 1,
  options: { json: { type: 'boolean' } },
  run({ values, positionals, databasePath, out }) {
    const ref = positionals[0]!;
    const db = openReadOnly(databasePath);
    try {
      const trace = new TraceQueries(db).trace(ref);
      if (!trace) throw new UsageError(`no call or trace ${JSON.stringify(ref)} in ${databasePath}`);
      if (values.json) return void writeJson(out, trace.roots);
      const failed = trace.calls.filter(call => call.status === 'ERR').length;
      out.write(
        `trace ${trace.traceId}: ${plural(trace.calls.length, 'call')}${failed ? `, ${failed} failed` : ''}` +
          `${trace.truncated ? ` (only the first ${trace.calls.length} shown)` : ''}\n`,
      );
      writeText(out, trace.roots);
    } finally {
      db.close();
    }
  },
};

interface Line {
  node: TraceNode;
  level: number;
  lead: string;
  childLead: string;
}

/** One call per line, children indented under it with box-drawing guides; a loop, as trees can be deep. */
function writeText(out: NodeJS.WritableStream, roots: TraceNode[]): void {
  const pending: Line[] = roots.map(node => ({ node, level: 0, lead: '', childLead: '' })).reverse();
  for (let line = pending.pop(); line; line = pending.pop()) {
    const { node, level, lead, childLead } = line;
    const deep = level > MAX_GUIDE_LEVELS ? `(depth ${level}) ` : '';
    const error = node.status === 'ERR' ? `  ${node.errorType}: ${node.errorMessage}` : '';
    out.write(
      `${lead}${deep}${printable(`${node.process}  ${formatDuration(node.durationUs)}  ${node.status}${error}`)}  [call ${node.id}]\n`,
    );
    // Pushed last child first, so that the first child is written next.
    for (let index = node.children.length - 1; index >= 0; index--) {
      const last = index === node.children.length - 1;
      const guided = level < MAX_GUIDE_LEVELS;
      pending.push({
        node: node.children[index]!,
        level: level + 1,
        lead: guided ? childLead + (last ? '└─ ' : '├─ ') : lead,
        childLead: guided ? childLead + (last ? '   ' : '│  ') : childLead,
      });
    }
  }
}

/**
 * The roots as nested JSON, one call per line. JSON.stringify recurses once per level and overflows the stack
 * on a deep recursion; here each call's own fields are stringified and the nesting is written by a loop.
 */
function writeJson(out: NodeJS.WritableStream, roots: TraceNode[]): void {
  const parts = ['['];
  const open: { children: TraceNode[]; next: number }[] = [{ children: roots, next: 0 }];
  while (open.length > 0) {
    const top = open[open.length - 1]!;
    if (top.next === top.children.length) {
      open.pop();
      parts.push(open.length > 0 ? ']}' : ']');
      continue;
    }
    if (top.next > 0) parts.push(',');
    const { children, ...fields } = top.children[top.next++]!;
    parts.push(`\n${JSON.stringify(fields).slice(0, -1)},"children":[`);
    open.push({ children, next: 0 });
  }
  out.write(parts.join('') + '\n');
}
