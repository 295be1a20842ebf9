/** Whether the addon under test was built with AddressSanitizer (CI's sanitized run). */
import { readFileSync } from 'node:fs';

import { addonPath } from '../../src/addon/loader.js';

let cached: boolean | undefined;

/** True when the loaded addon links libasan (built with -fsanitize=address). */
export function sanitizedAddon(): boolean {
  cached ??= readFileSync(addonPath()).includes('libasan.so');
  return cached;
}
