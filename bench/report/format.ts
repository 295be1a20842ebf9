/** Number formatting shared by the tables, readings and the report. */

/** A duration in ns with a unit that suits it: "25.3 ns", "3.41 us", "18.2 ms", "1.20 s". */
export function fmtDuration(ns: number | null | undefined): string {
  if (ns === null || ns === undefined || !Number.isFinite(ns)) return '–';
  const a = Math.abs(ns);
  if (a < 1e3) return `${sig(ns)} ns`;
  if (a < 1e6) return `${sig(ns / 1e3)} us`;
  if (a < 1e9) return `${sig(ns / 1e6)} ms`;
  return `${sig(ns / 1e9)} s`;
}

/** Milliseconds with two decimals (table cells in ms columns). */
export function ms(ns: number | null | undefined): number | null {
  if (ns === null || ns === undefined || !Number.isFinite(ns)) return null;
  return Math.round(ns / 1e4) / 100;
}

/** Three significant digits, without exponent notation for ordinary magnitudes. */
export function sig(x: number): string {
  if (!Number.isFinite(x)) return '–';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  return Number(x.toPrecision(3)).toString();
}

export function times(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '–' : `${sig(x)}x`;
}

/** A share as a percentage: whole ("25%"), or with `'sig'` to three significant digits ("0.123%"). */
export function pct(x: number | null | undefined, digits: 'whole' | 'sig' = 'whole'): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  return digits === 'sig' ? `${sig(x * 100)}%` : `${Math.round(x * 100)}%`;
}

export function bytes(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  if (Math.abs(x) < 1024 * 1024) return `${sig(x / 1024)} KiB`;
  return `${sig(x / (1024 * 1024))} MiB`;
}

/** Rounds a number for a table cell (keeps null). */
export function round(x: number | null | undefined, digits = 3): number | null {
  if (x === null || x === undefined || !Number.isFinite(x)) return null;
  return Number(x.toPrecision(digits));
}
