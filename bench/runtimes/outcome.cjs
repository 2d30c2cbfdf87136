// How the bench's stand-in runtimes remember the way a call's body is leaving (contract 2, runtime/contract.ts):
// `exit` keeps the returned value, `fail` the thrown one; the last one wins, and `done` reads them. Records are
// the stand-in's own objects with `value`, `error` and `failed` fields.

function exit(call, value) {
  call.value = value;
  return value;
}

function fail(call, error) {
  call.error = error;
  call.failed = true;
  return error;
}

/** What the contract's suspension points and iterator wrappers come to for a recorder that ignores them. */
function passThrough(_call, value) {
  return value;
}

module.exports = { exit, fail, passThrough };
