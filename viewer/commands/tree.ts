import { openReadOnly } from '../database';
import { UsageError } from '../errors';
import { formatDuration } from '../format';
import { type TraceNode, TraceQueries } from '../queries';
import type { Command } from './command';

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
      if (values.json) return void out.write(JSON.stringify(trace.roots, null, 2) + '\n');
      const failed = trace.calls.filter(call => call.status === 'ERR').length;
      out.write(`trace ${trace.traceId}: ${trace.calls.length} calls${failed ? `, ${failed} failed` : ''}` +
        `${trace.truncated ? ` (only the first ${trace.calls.length} shown)` : ''}\n`);
      for (const root of trace.roots) writeNode(out, root, '', '');
    } finally {
      db.close();
    }
  },
};

/** One call per line, children indented under it with box-drawing guides. */
function writeNode(out: NodeJS.WritableStream, node: TraceNode, lead: string, childLead: string): void {
  const error = node.status === 'ERR' ? `  ${node.errorType}: ${node.errorMessage}` : '';
  out.write(`${lead}${node.process}  ${formatDuration(node.durationUs)}  ${node.status}${error}  [call ${node.id}]\n`);
  node.children.forEach((child, index) => {
    const last = index === node.children.length - 1;
    writeNode(out, child, childLead + (last ? '└─ ' : '├─ '), childLead + (last ? '   ' : '│  '));
  });
}
