/** Tables as fixed-width text (the terminal) and as HTML (the report). */
import { sig } from './format.js';
import type { Cell, Table } from '../model/results.js';

/** A cell as text: '–' for none, numbers to three significant digits. */
export function cellText(c: Cell): string {
  if (c === null) return '–';
  if (typeof c === 'number') return Number.isInteger(c) ? String(c) : sig(c);
  return c;
}

/** A fixed-width table: text left-aligned, numbers right-aligned. */
export function textTable(table: Table): string {
  if (table.columns.length === 0) return '';
  const cells = table.rows.map((r) => r.map(cellText));
  const widths = table.columns.map((c, i) => Math.max(c.length, ...cells.map((r) => (r[i] ?? '').length)));
  const numeric = table.columns.map((_, i) => table.rows.every((r) => typeof r[i] === 'number' || r[i] === null));
  const line = (r: readonly string[]): string =>
    r
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(table.columns), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** Escapes text for HTML content and attribute values. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A table as HTML (numbers right-aligned), in a horizontally scrolling box. */
export function htmlTable(table: Table, cls = ''): string {
  if (table.columns.length === 0) return '';
  const head = table.columns.map((c) => `<th>${esc(c)}</th>`).join('');
  const td = (c: Cell): string => `<td${typeof c === 'number' ? ' class="num"' : ''}>${esc(cellText(c))}</td>`;
  const body = table.rows.map((r) => `<tr>${r.map(td).join('')}</tr>`).join('\n');
  return (
    `<div class="scroll"><table class="${cls}"><thead><tr>${head}</tr></thead>` +
    `<tbody>\n${body}\n</tbody></table></div>`
  );
}
