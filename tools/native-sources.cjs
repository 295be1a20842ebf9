// Prints the addon's C++ sources (native/**/*.cc; tests/ and the standalone helper/ excluded), one
// per line, for binding.gyp.
// CMakeLists.txt globs the same set; keeping one rule means a new file never needs two edits.
'use strict';
const fs = require('fs');
const path = require('path');
const root = path.join(__dirname, '..');
function walk(dir) {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = dir + '/' + e.name;
    if (e.isDirectory()) return e.name === 'tests' || rel === 'native/helper' ? [] : walk(rel);
    return e.name.endsWith('.cc') ? [rel] : [];
  });
}
process.stdout.write(walk('native').sort().join('\n') + '\n');
