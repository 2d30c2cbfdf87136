// The call loops, one per measured shape. Each takes the loaded functions of one variant and returns
// `run(calls)`, which makes that many calls and returns the sum of their results: the caller keeps the sum,
// so no call can be removed as dead code. Arguments vary with the loop counter where the shape allows, so no
// call can be folded into a constant either.

/** Eight preallocated rectangles, so the object shape measures passing an object, not allocating one. */
function rectangles() {
  return Array.from({ length: 8 }, (_, i) => ({ width: i + 1, height: 2 }));
}

/** A string of exactly `bytes` ASCII characters. */
export function textOfSize(bytes) {
  return 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(Math.ceil(bytes / 36)).slice(0, bytes);
}

/**
 * A `{ id, items: [{ id, name }, ...] }` object whose JSON text is `bytes` long or just over; below 20 bytes,
 * `{ id, items: null }` (21 bytes), as small as an object with the same hidden class gets.
 */
export function payloadOfSize(bytes) {
  const payload = { id: 1, items: null };
  if (bytes < 20) return payload;
  payload.items = [];
  for (let i = 0; JSON.stringify(payload).length < bytes; i++) payload.items.push({ id: i, name: `item ${i}` });
  return payload;
}

function syncLoop(run) {
  return { async: false, run, warmup: run, argumentBytes: 0 };
}

/**
 * A loop over a function taking one argument of a given size. Recording large arguments costs the recorder
 * far more data than calls, so warm-up calls pass a small argument of the same type and hidden class, and
 * only the measured calls pass the large one.
 */
function sizedLoop(fn, argument, smallArgument) {
  const loop = value => calls => {
    let sum = 0;
    for (let i = 0; i < calls; i++) sum += fn(value);
    return sum;
  };
  return {
    async: false,
    run: loop(argument),
    warmup: loop(smallArgument),
    argumentBytes: JSON.stringify(argument).length,
  };
}

const mainShapes = {
  add: fns => {
    const add = fns.add;
    return syncLoop(calls => {
      let sum = 0;
      for (let i = 0; i < calls; i++) sum += add(i, 1);
      return sum;
    });
  },
  object: fns => {
    const area = fns.area;
    const rects = rectangles();
    return syncLoop(calls => {
      let sum = 0;
      for (let i = 0; i < calls; i++) sum += area(rects[i & 7]);
      return sum;
    });
  },
  string: fns => {
    const measure = fns.measure;
    const text = textOfSize(1024);
    return syncLoop(calls => {
      let sum = 0;
      for (let i = 0; i < calls; i++) sum += measure(text);
      return sum;
    });
  },
  async: fns => {
    const addAsync = fns.addAsync;
    const run = async calls => {
      let sum = 0;
      for (let i = 0; i < calls; i++) sum += await addAsync(i, 1);
      return sum;
    };
    return { async: true, run, warmup: run, argumentBytes: 0 };
  },
  method: fns => {
    const counter = new fns.Counter();
    return syncLoop(calls => {
      let sum = 0;
      for (let i = 0; i < calls; i++) sum += counter.increment(i & 7);
      return sum;
    });
  },
  'params-8': fns => {
    const sum8 = fns.sum8;
    return syncLoop(calls => {
      let sum = 0;
      for (let i = 0; i < calls; i++) sum += sum8(i, 1, 2, 3, 4, 5, 6, 7);
      return sum;
    });
  },
};

const parameterShapes = {
  'params-0': fns => {
    const params0 = fns.params0;
    return syncLoop(calls => {
      let sum = 0;
      for (let i = 0; i < calls; i++) sum += params0();
      return sum;
    });
  },
  'params-1': fns => {
    const params1 = fns.params1;
    return syncLoop(calls => {
      let sum = 0;
      for (let i = 0; i < calls; i++) sum += params1(i);
      return sum;
    });
  },
  'params-4': fns => {
    const params4 = fns.params4;
    return syncLoop(calls => {
      let sum = 0;
      for (let i = 0; i < calls; i++) sum += params4(i, 1, 2, 3);
      return sum;
    });
  },
  'params-16': fns => {
    const params16 = fns.params16;
    return syncLoop(calls => {
      let sum = 0;
      for (let i = 0; i < calls; i++) sum += params16(i, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
      return sum;
    });
  },
};

/** `string-<size>` and `object-<size>` shapes, for sizes like `8B`, `1KB`, `64KB`. */
function sizedShape(name) {
  const match = /^(string|object)-(\d+)(B|KB)$/.exec(name);
  if (!match) return undefined;
  const bytes = Number(match[2]) * (match[3] === 'KB' ? 1024 : 1);
  if (match[1] === 'string') return fns => sizedLoop(fns.textLength, textOfSize(bytes), textOfSize(8));
  return fns => sizedLoop(fns.countItems, payloadOfSize(bytes), payloadOfSize(Math.min(bytes, 32)));
}

export const mainShapeNames = Object.keys(mainShapes);

/**
 * The driver of `shape` over `fns`: `{ async, run(calls), warmup(calls), argumentBytes }`, where
 * `argumentBytes` is the JSON size of the argument of the size-scaling shapes (0 for the others).
 */
export function driverFor(shape, fns) {
  const make = mainShapes[shape] ?? parameterShapes[shape] ?? sizedShape(shape);
  if (!make) throw new Error(`unknown shape ${shape}`);
  return make(fns);
}
