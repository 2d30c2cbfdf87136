// `node test/helpers/suite-cpu-report.mjs <log>`: the CPU seconds a suite run spent, by test file, from the
// lines helpers/suite-cpu.cjs wrote. A process counts for the test file of its nearest ancestor that ran one
// (a spawn through a shell, which is not Node, loses the link), and the processes that count most are listed
// after the files.
import * as fs from 'node:fs';

const processes = fs
  .readFileSync(process.argv[2], 'utf8')
  .trim()
  .split('\n')
  .map(line => JSON.parse(line));
const byPid = new Map(processes.map(entry => [entry.pid, entry]));

function testFileOf(entry) {
  for (let ancestor = entry; ancestor; ancestor = byPid.get(ancestor.ppid)) {
    if (ancestor.testFile) return ancestor.testFile;
  }
  return '(no test file: npm, the build, ava itself)';
}

const byFile = new Map();
const byCommand = new Map();
for (const entry of processes) {
  const file = testFileOf(entry);
  byFile.set(file, (byFile.get(file) ?? 0) + entry.cpuSeconds);
  if (entry.testFile) continue;
  const command = `${file}: ${entry.command.replace(/\S*\.test-out\/[^/\s]+/g, '<scratch>').slice(0, 100)}`;
  const { seconds = 0, count = 0 } = byCommand.get(command) ?? {};
  byCommand.set(command, { seconds: seconds + entry.cpuSeconds, count: count + 1 });
}

const total = processes.reduce((sum, entry) => sum + entry.cpuSeconds, 0);
console.log(`${total.toFixed(1)} s of CPU in ${processes.length} processes\n`);
for (const [file, seconds] of [...byFile].sort((a, b) => b[1] - a[1])) {
  console.log(`${seconds.toFixed(1).padStart(7)}  ${file}`);
}
console.log('\nspawned processes that cost most (seconds, count, command):');
for (const [command, { seconds, count }] of [...byCommand].sort((a, b) => b[1].seconds - a[1].seconds).slice(0, 15)) {
  console.log(`${seconds.toFixed(1).padStart(7)} ${String(count).padStart(4)}  ${command}`);
}
