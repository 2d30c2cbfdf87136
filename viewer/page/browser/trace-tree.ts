/** A trace's calls as a tree in display order: who called whom, self time, what a collapse hides, group colours. */
import type { TraceCall } from './api';

export interface TraceRow {
  call: TraceCall;
  level: number;
  children: TraceRow[];
  parent: TraceRow | null;
  /** How many calls a collapse of this row hides. */
  descendants: number;
  /** What the call spent outside the calls it made (its recorded children). */
  selfUs: number;
}

/** Rows depth first, each after its caller, children in start order; calls whose caller is missing are roots. */
export function traceRows(calls: TraceCall[]): TraceRow[] {
  const bySpan = new Map<string, TraceRow>();
  for (const call of calls) {
    bySpan.set(call.spanId, { call, level: 0, children: [], parent: null, descendants: 0, selfUs: call.durationUs });
  }
  const roots: TraceRow[] = [];
  for (const row of bySpan.values()) {
    const parent = row.call.parentSpanId ? bySpan.get(row.call.parentSpanId) : undefined;
    if (parent) {
      row.parent = parent;
      parent.children.push(row);
    } else roots.push(row);
  }
  const ordered: TraceRow[] = [];
  // A loop rather than recursion, as a trace can be a recursion thousands of calls deep.
  const pending = roots.slice().reverse();
  while (pending.length) {
    const row = pending.pop()!;
    row.level = row.parent ? row.parent.level + 1 : 0;
    ordered.push(row);
    for (let i = row.children.length - 1; i >= 0; i--) pending.push(row.children[i]!);
  }
  // Children come after their caller, so walking backwards totals each subtree before its root needs it.
  for (let i = ordered.length - 1; i >= 0; i--) {
    const row = ordered[i]!;
    if (!row.parent) continue;
    row.parent.descendants += row.descendants + 1;
    row.parent.selfUs = Math.max(0, row.parent.selfUs - row.call.durationUs);
  }
  return ordered;
}

/** The rows a collapse hides: those below a collapsed row, in display order (traceRows). */
export function hiddenRows(ordered: TraceRow[], collapsed: Set<string>): Set<TraceRow> {
  const hidden = new Set<TraceRow>();
  let below: number | null = null;
  for (const row of ordered) {
    if (below !== null && row.level > below) {
      hidden.add(row);
      continue;
    }
    below = collapsed.has(row.call.spanId) && row.children.length ? row.level : null;
  }
  return hidden;
}

/** Distinct colours for bars, with red left out: a failed call's bar is red. */
const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#9c755f', '#ff9da7', '#bab0ac'];

/** A colour per owner (group, or group and class), in the order owners first appear, the root's first. */
export function ownerColours(ordered: TraceRow[]): Map<string, string> {
  const colours = new Map<string, string>();
  for (const row of ordered) {
    if (!colours.has(row.call.owner)) colours.set(row.call.owner, PALETTE[colours.size % PALETTE.length]!);
  }
  return colours;
}
