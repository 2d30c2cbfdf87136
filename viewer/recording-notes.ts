/**
 * The sentences that tell a reader how recording went: calls the runtime did not record and why, and how full
 * its ring got. `observatory stats`, the HTML report and the dashboard print the same words.
 * The dashboard's script bundles this file (page/browser), so it stays free of Node's APIs.
 */
import type { DropCounts, RecordingHealth } from './statistics';

/** Calls not recorded; export_failed counts calls that were recorded, only not delivered to OpenTelemetry. */
export function totalDropped(dropped: DropCounts): number {
  return Object.entries(dropped).reduce((sum, [reason, count]) => (reason === 'export_failed' ? sum : sum + count), 0);
}

/** What a drops.reason means, in words that read after a count: "12 in traces shed under overload". */
export function dropReasonText(reason: string): string {
  const words: Record<string, string> = {
    overload: 'in traces shed under overload',
    not_sampled: 'not sampled',
    write_failed: 'write failed',
    exit_timeout: 'unwritten at the exit deadline',
    unfinished: 'unfinished at the stack limit',
    queue_full: 'queue full',
    batch_lost: 'batch lost',
    export_failed: 'not delivered to OpenTelemetry',
  };
  // A reason from a later runtime (the column has no CHECK) still reads as words.
  return words[reason] ?? reason.replace(/_/g, ' ');
}

/**
 * A warning naming how many calls were not recorded and why, and how many recorded calls OpenTelemetry did
 * not receive (export_failed), or null when there are none.
 */
export function dropWarning(dropped: DropCounts): string | null {
  const counts = Object.entries(dropped).filter(([reason, count]) => count > 0 && reason !== 'export_failed');
  const warnings: string[] = [];
  if (counts.length > 0) {
    const total = counts.reduce((sum, [, count]) => sum + count, 0);
    const reasons = counts
      .map(([reason, count]) => `${count.toLocaleString('en-US')} ${dropReasonText(reason)}`)
      .join(', ');
    warnings.push(
      `Warning: ${total.toLocaleString('en-US')} call${total === 1 ? ' was' : 's were'} not recorded (${reasons}); these figures leave them out.`,
    );
  }
  const unexported = dropped.export_failed ?? 0;
  if (unexported > 0) {
    warnings.push(
      `Warning: ${unexported.toLocaleString('en-US')} recorded call${unexported === 1 ? ' was' : 's were'} not delivered to the OpenTelemetry collector (export_failed); they are in this file.`,
    );
  }
  return warnings.length === 0 ? null : warnings.join(' ');
}

/** The fullest ring against its size, in KB or MB, or null when no instance with a ring recorded in the range. */
export function ringNote(health: RecordingHealth): string | null {
  const fullest = health.fullestRing;
  if (fullest === null) return null;
  const size = (bytes: number) =>
    bytes >= 1024 * 1024
      ? `${Number((bytes / 1024 / 1024).toFixed(1)).toLocaleString('en-US')} MB`
      : bytes >= 1024
        ? `${Number((bytes / 1024).toFixed(1)).toLocaleString('en-US')} KB`
        : `${bytes} bytes`;
  const thread = fullest.threadId === 0 ? '' : ` thread ${fullest.threadId}`;
  const among = health.rings > 1 ? `, the fullest of ${health.rings} rings` : '';
  return `Ring high-water mark: ${size(fullest.bufferHighWater)} of ${size(fullest.bufferBytes)} (pid ${fullest.pid}${thread}${among}).`;
}
