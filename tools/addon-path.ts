/**
 * Prints the path of the addon a build directory holds, as the loader names it (addonIn in
 * src/addon/loader.ts): `node --import tsx tools/addon-path.ts build-asan` prints
 * <package root>/build-asan/Release/gilscope.node. Exits 2 on a bad argument.
 */
import { addonIn } from '../src/addon/loader.js';

const [dir, config = 'Release', ...rest] = process.argv.slice(2);
if (!dir || rest.length > 0 || (config !== 'Release' && config !== 'Debug')) {
  const got = process.argv.slice(2).join(' ') || 'nothing';
  console.error(`usage: addon-path.ts BUILD_DIR [Release|Debug] (got: ${got})`);
  process.exit(2);
}
console.log(addonIn(dir, config));
