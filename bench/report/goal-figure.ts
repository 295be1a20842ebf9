/** A goal's measured figure as the text and HTML reports show it. */
import { pct, times } from './format.js';
import type { GoalResult } from '../model/results.js';

/** The figure in the goal's own unit (`shownAs`, 'times' by default); null where it was not measured. */
export function goalFigure(g: GoalResult): string | null {
  if (g.ratio === null) return null;
  return g.shownAs === 'percent' ? pct(g.ratio, 'sig') : times(g.ratio);
}
