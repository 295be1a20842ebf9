/**
 * Tests that take minutes and check the process's limits, not the addon build (fork failures under
 * a lowered process limit, hundreds of hosts coming and going), run once per CI run: `.ci/run`
 * sets GILSCOPE_LIMIT_TESTS=1 for one step. Elsewhere they skip, saying so and how to run them.
 */
export const LIMIT_TESTS: false | string =
  process.env['GILSCOPE_LIMIT_TESTS'] === '1'
    ? false
    : 'a limits test of minutes, run once per CI run: set GILSCOPE_LIMIT_TESTS=1 (see .ci/run)';
