/**
 * Which Node versions gilscope runs on, as a pure function of the version string, and the check the
 * loader makes before it loads the addon:
 *   - below Node 20: refused; the loader throws, naming the running version and the supported ones;
 *   - Node 20, 22, 24 and 26: tested (CI runs the whole suite on each, through tools/node-versions.sh);
 *     Node 20 reached its end of life in April 2026 and is still tested;
 *   - any other major from 21 up (the odd majors, 27 and later): untested; one warning (code
 *     GILSCOPE_UNTESTED_NODE) and the addon loads, since it uses nothing but Node-API 8.
 * package.json "engines" and README's "Node versions" section say the same: change them together.
 */

/** The Node majors CI runs the test suite on. */
export const TESTED_NODE_MAJORS: readonly number[] = [20, 22, 24, 26];
/** The lowest major gilscope runs on; below it the loader throws. */
export const LOWEST_NODE_MAJOR = 20;
/** The code of the warning for an untested Node. */
export const UNTESTED_NODE_WARNING = 'GILSCOPE_UNTESTED_NODE';

export type NodeVersionStatus =
  | { status: 'tested'; major: number }
  | { status: 'untested'; major: number | null; message: string }
  | { status: 'unsupported'; major: number; message: string };

function testedList(): string {
  const majors = TESTED_NODE_MAJORS.map(String);
  return `${majors.slice(0, -1).join(', ')} and ${majors[majors.length - 1]}`;
}

/**
 * What gilscope makes of the Node whose version string (`process.version`: 'v24.1.0'; the 'v' is
 * optional, a pre-release or build suffix is ignored) is given. Pure: reads nothing else.
 */
export function nodeVersionStatus(version: string): NodeVersionStatus {
  const match = /^v?(\d+)(?:[.+-]|$)/.exec(version.trim());
  const tested = `gilscope is tested on Node ${testedList()}`;
  if (!match) {
    const message = `gilscope: cannot tell which Node this is (version '${version}'); ${tested}. Going on.`;
    return { status: 'untested', major: null, message };
  }
  const major = Number(match[1]);
  if (major < LOWEST_NODE_MAJOR) {
    const message =
      `gilscope: Node ${version} is not supported: gilscope needs Node ${LOWEST_NODE_MAJOR} or newer, ` +
      `and ${tested}.`;
    return { status: 'unsupported', major, message };
  }
  if (TESTED_NODE_MAJORS.includes(major)) return { status: 'tested', major };
  return { status: 'untested', major, message: `gilscope: Node ${version} is untested (${tested}). Going on.` };
}

type Warn = (message: string, options: { type: string; code: string }) => void;

/**
 * Set (to the version) once the warning is out, so that the worker threads and child processes
 * started afterwards, which load the addon too and inherit the environment, stay quiet.
 */
export const UNTESTED_NODE_WARNED_ENV = 'GILSCOPE_UNTESTED_NODE_WARNED';

const warned = new Set<string>();

/**
 * Applies the rule to `version` (the running Node by default): throws on an unsupported Node; on an
 * untested one warns (`emit`, process.emitWarning by default) once per version in this thread and
 * in the threads and processes started from it (`env`); returns quietly on a tested one.
 */
export function checkNodeVersion(
  version: string = process.version,
  emit: Warn = (message, options) => process.emitWarning(message, options),
  env: Record<string, string | undefined> = process.env,
): void {
  const verdict = nodeVersionStatus(version);
  if (verdict.status === 'unsupported') throw new Error(verdict.message);
  if (verdict.status !== 'untested' || warned.has(version) || env[UNTESTED_NODE_WARNED_ENV] === version) return;
  warned.add(version);
  env[UNTESTED_NODE_WARNED_ENV] = version;
  emit(verdict.message, { type: 'Warning', code: UNTESTED_NODE_WARNING });
}
