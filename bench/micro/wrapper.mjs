// The usual runtime-only alternative to a compile-time transformer: a higher-order `monitor(fn)` that returns
// a wrapper taking `...args`, reading the clock around the call and pushing a record into a bounded buffer.

const CAPACITY = 1 << 17;
const records = new Array(CAPACITY);
let next = 0;

function push(fn, args, result, start) {
  records[next] = { fn, args, result, start, end: performance.now() };
  next = (next + 1) % CAPACITY;
}

export function monitor(fn) {
  return function monitored(...args) {
    const start = performance.now();
    const result = fn.apply(this, args);
    // An async function's call lasts until its promise settles, as the real runtime measures it.
    if (result instanceof Promise) {
      return result.then(value => {
        push(fn, args, value, start);
        return value;
      });
    }
    push(fn, args, result, start);
    return result;
  };
}

/** The functions of shapes.js and scaling.js, each wrapped; `Counter.prototype.increment` wrapped in place. */
export function wrapModule(module) {
  const wrapped = {};
  for (const [name, value] of Object.entries(module)) {
    if (typeof value !== 'function') continue;
    if (/^[A-Z]/.test(name)) {
      for (const method of Object.getOwnPropertyNames(value.prototype)) {
        if (method !== 'constructor') value.prototype[method] = monitor(value.prototype[method]);
      }
      wrapped[name] = value;
    } else {
      wrapped[name] = monitor(value);
    }
  }
  return wrapped;
}
