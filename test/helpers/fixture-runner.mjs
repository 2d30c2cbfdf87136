// Runs built fixtures one after another, each in a worker thread of its own, as if each were a program of its
// own: a worker runs its file as `node` would (ES module or CommonJS by extension and package type, with this
// process's --import loaders), and ends when its event loop is empty, which is when the runtime writes what
// it recorded. They all record into one database; a call's thread tells whose it is. One process and one
// database for every fixture, instead of one each, keeps the build-path comparisons within CI's time.
//   echo '{ "db": …, "files": { name: file, … } }' | node fixture-runner.mjs
// prints, last, { name: { exitCode, threadId, stdout }, … }.
import { text } from 'node:stream/consumers';
import { Worker } from 'node:worker_threads';

const { db, files } = JSON.parse(await text(process.stdin));
const workers = {};
for (const [name, file] of Object.entries(files)) {
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
process.stdout.write(`\n${JSON.stringify(workers)}\n`);
