// CPU time of this process's main thread alone. process.cpuUsage() sums every thread (the writer thread,
// libuv's pool, GC helpers), event-loop utilization counts time the thread was runnable but waiting for a
// core, and /proc/<pid>/stat counts in 10 ms ticks; Linux's per-task scheduler statistics give the time the
// thread itself ran, in nanoseconds.
import * as fs from 'node:fs';

// The main thread's task id is the process id.
const schedstat = `/proc/self/task/${process.pid}/schedstat`;

/** Nanoseconds the main thread has run on a CPU (first field of its schedstat), or NaN where there is none. */
export function mainThreadCpuNs() {
  try {
    return Number(fs.readFileSync(schedstat, 'utf8').split(' ', 1)[0]);
  } catch {
    return NaN;
  }
}

/** User + system CPU time of every thread of this process, in nanoseconds. */
export function processCpuNs() {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
}
