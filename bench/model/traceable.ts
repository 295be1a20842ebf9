/** Which configurations can carry a trace: the ones whose tasks gilscope runs and records itself. */
import type { ConfigSpec } from './results.js';

/** Configurations a trace can be taken of: batches, and floods of a gilscope mode. */
export function traceable(spec: ConfigSpec): boolean {
  return spec.kind === 'batch' || (spec.kind === 'flood' && spec.mode !== 'bare-async-work' && spec.mode !== 'piscina');
}
