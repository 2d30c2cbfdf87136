// Makes this checkout resolvable as `ts-observatory` from its own node_modules, the way `npm link` would, so
// the examples, fixtures and benchmarks name the plugin and the runtime exactly as a user's project does.
const fs = require('node:fs');
const path = require('node:path');

function linkSelf() {
  const link = path.join(__dirname, '..', 'node_modules', 'ts-observatory');
  try {
    fs.symlinkSync('..', link, 'dir');
  } catch (error) {
    // Made already: by an earlier run, or just now by the test file that started beside this one.
    if (error.code !== 'EEXIST') throw error;
  }
}

module.exports = { linkSelf };
