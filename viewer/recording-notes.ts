/**
 * The sentences that tell a reader how recording went: calls the runtime dropped, and how full its queue got.
 * `observatory stats`, the HTML report and the dashboard print the same words.
 *
 * Like charts.ts, each function refers to nothing outside its own body, because the dashboard receives it as
 * source text.
 */
import type { DropCounts, RecordingHealth } from './statistics';

export function totalDropped(dropped: DropCounts): number {
  return Object.values(dropped).reduce((sum, count) => sum + count, 0);
}

/** A warning naming how many calls were dropped and why, or null when none were. */
export function dropWarning(dropped: DropCounts): string | null {
  const counts = Object.entries(dropped).filter(([, count]) => count > 0);
  if (counts.length === 0) return null;
  const total = counts.reduce((sum, [, count]) => sum + count, 0);
  const reasons = counts.map(([reason, count]) => `${count.toLocaleString('en-US')} ${reason.replace('_', ' ')}`).join(', ');
  return `Warning: ${total.toLocaleString('en-US')} call${total === 1 ? ' was' : 's were'} not recorded (${reasons}); these figures leave them out.`;
}

/** The fullest queue against its capacity, or null when no process recorded in the range. */
export function queueNote(health: RecordingHealth): string | null {
  const fullest = health.fullestQueue;
  if (fullest === null) return null;
  const among = health.processes > 1 ? `, the fullest of ${health.processes} recording processes` : '';
  return `Queue high-water mark: ${fullest.queueHighWater.toLocaleString('en-US')} of ${fullest.queueCapacity.toLocaleString('en-US')} records (pid ${fullest.pid}${among}).`;
}
