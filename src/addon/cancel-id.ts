/** Ids that name cancellable tasks for the addon's `cancel()`; unique within this JS environment. */
let lastCancelId = 0;

/** The next unused cancel id (1, 2, ...). */
export function nextCancelId(): number {
  return ++lastCancelId;
}
