// CPU time of this process's main thread alone. process.cpuUsage() sums every thread (worker pool, libuv
// pool, GC helpers), and Node 20 has no per-thread counter, so this reads Linux's per-task accounting.
import * as fs from 'node:fs';

// /proc reports in USER_HZ ticks, which the kernel ABI fixes at 100 per second: 10 ms resolution.
const MS_PER_TICK = 10;

/** Main-thread user + system CPU time in milliseconds, or NaN where /proc is not available. */
export function mainThreadCpuMs() {
  try {
    const stat = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    // Fields after the parenthesized command name; utime and stime are fields 14 and 15 of the whole line.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
  } catch {
    return NaN;
  }
}

/** User + system CPU time of every thread of this process, in milliseconds. */
export function processCpuMs() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
