/**
 * The task piscina runs in the dispatch-cost experiment: the pure-JS empty kernel, the same one the
 * `js-call` baseline calls. Loaded by piscina in its worker threads, never by gilscope itself.
 */
import { reference } from '../../src/index.js';

export default function emptyTask(): number {
  return reference.noop({});
}
