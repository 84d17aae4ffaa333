/**
 * Column layout like kubectl's tabwriter: left-aligned, three spaces between columns, no
 * trailing spaces. Widths come from the plain text; colour is applied after padding is known.
 */
import { paint, paintStatus, type AnsiStyle } from './color';

export interface Column<R> {
  header: string;
  value: (row: R) => string;
  /** Colour for the cell text: a fixed style, `status` to colour by meaning, or per row. */
  style?: AnsiStyle | 'status' | ((row: R) => AnsiStyle | undefined);
}

export interface LayoutOptions {
  noHeaders?: boolean;
  color?: boolean;
  /** Spaces before every line (describe nests tables). */
  indent?: number;
}

const GAP = '   ';

function cellText<R>(col: Column<R>, row: R, text: string, color: boolean): string {
  if (col.style === 'status') return paintStatus(color, text);
  return paint(color, typeof col.style === 'function' ? col.style(row) : col.style, text);
}

export function renderTable<R>(rows: R[], columns: Column<R>[], opts: LayoutOptions = {}): string {
  const body = rows.map((row) => columns.map((c) => c.value(row)));
  const widths = columns.map((c, i) => Math.max(opts.noHeaders ? 0 : c.header.length, ...body.map((r) => r[i].length)));
  const pad = ' '.repeat(opts.indent ?? 0);
  const line = (cells: string[], row?: R) =>
    pad +
    cells
      .map((text, i) => {
        const shown = row === undefined ? text : cellText(columns[i], row, text, opts.color === true);
        return i === cells.length - 1 ? shown : shown + ' '.repeat(widths[i] - text.length);
      })
      .join(GAP)
      .trimEnd();
  const lines = body.map((cells, r) => line(cells, rows[r]));
  if (!opts.noHeaders) lines.unshift(line(columns.map((c) => c.header)));
  return lines.map((l) => `${l}\n`).join('');
}

/** What every `get`-style renderer takes. */
export interface TableOptions {
  wide?: boolean;
  noHeaders?: boolean;
  /** A LABELS column (kubectl's --show-labels); `wide` has it too. */
  showLabels?: boolean;
  /** One column per label key, the value or empty (kubectl's -L key). */
  labelColumns?: string[];
  now: Date;
  color: boolean;
}

/** kubectl prints this (without headers) when nothing matches. */
export function noneFound(what: string, fleet?: string): string {
  return fleet ? `No ${what} found for fleet "${fleet}".\n` : `No ${what} found.\n`;
}
