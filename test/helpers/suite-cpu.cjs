// Where the suite's CPU goes, process by process: with `NODE_OPTIONS="--require $PWD/test/helpers/suite-cpu.cjs"` (a
// full path: the suite's processes start in other directories) and SUITE_CPU_LOG set to a file, every Node process
// the suite starts (ava's, each test file's, and what they spawn) appends one JSON line when it exits: its pid, its
// parent's, the test file it ran when it is ava's process for one, its command line, and the CPU seconds of all its
// threads. helpers/suite-cpu-report.mjs adds them up by test file. A process killed by a signal writes nothing;
// processes that are not Node (Chromium, esbuild's binary) are not counted.
const fs = require('node:fs');
const { isMainThread } = require('node:worker_threads');

const log = process.env.SUITE_CPU_LOG;
if (log && isMainThread) {
  let testFile = '';
  // ava's worker learns its test file from its first message, on the channel ava already listens to.
  const learnTestFile = message => {
    const found = JSON.stringify(message)?.match(/test\/[\w-]+\.test\.mjs/);
    if (found) {
      testFile = found[0];
      process.off('message', learnTestFile);
    }
  };
  if (/ava[\\/]lib[\\/]worker/.test(process.argv[1] ?? '')) process.on('message', learnTestFile);
  process.on('exit', () => {
    const { user, system } = process.cpuUsage();
    const line = {
      pid: process.pid,
      ppid: process.ppid,
      testFile,
      command: process.argv.slice(1).join(' ').slice(0, 200),
      cpuSeconds: (user + system) / 1e6,
    };
    fs.appendFileSync(log, `${JSON.stringify(line)}\n`);
  });
}
