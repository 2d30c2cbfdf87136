// Runs built fixtures, each in a worker thread of its own, as if each were a program of its own: a worker runs
// its file as `node` would (ES module or CommonJS by extension and package type, with this process's --import
// loaders), and ends when its event loop is empty, which is when the runtime writes what it recorded. They all
// record into one database, as several programs may; a call's thread tells whose it is. One process and one
// database for every fixture, instead of one each, and as many fixtures at a time as the machine has cores, keep
// the build-path comparisons within CI's time.
//   echo '{ "db": …, "files": { name: file, … } }' | node fixture-runner.mjs
// prints, last, { name: { exitCode, threadId, stdout }, … }.
import { text } from 'node:stream/consumers';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

const { db, files } = JSON.parse(await text(process.stdin));
const workers = {};

/** Runs one fixture to its end and keeps what it did under its name. */
async function runFixture(name, file) {
  const worker = new Worker(file, { env: { ...process.env, OBSERVATORY_DB: db }, stdout: true });
  // A fixture that fails shows as its exit code; its error is the test's to print, not the runner's end.
  worker.on('error', error => process.stderr.write(`${name}: ${error?.stack ?? error}\n`));
  const { threadId } = worker;
  // What the worker printed ends with the worker, so both are awaited.
  const [exitCode, stdout] = await Promise.all([
    new Promise(resolve => worker.once('exit', resolve)),
    text(worker.stdout),
  ]);
  workers[name] = { exitCode, threadId, stdout };
}

const queue = Object.entries(files);
await Promise.all(
  Array.from({ length: availableParallelism() }, async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await runFixture(...next);
  }),
);
process.stdout.write(`\n${JSON.stringify(workers)}\n`);
