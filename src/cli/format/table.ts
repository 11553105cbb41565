/**
 * Column-aligned text, as kubectl prints tables: every column as wide as its widest cell, three
 * spaces between columns, no trailing spaces (so output diffs and greps cleanly). Pure.
 */
export interface TableOptions {
  /** Spaces before every line (tables nested in `describe`). */
  readonly indent?: number;
  /** Spaces between columns (default 3). */
  readonly gap?: number;
}

/** Width in terminal columns; code points, not UTF-16 units (`→` is one column). */
const width = (s: string): number => [...s].length;

/** Lines of the table; `headers` empty = no header line. Missing cells print empty. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[], opts: TableOptions = {}): string[] {
  const all = headers.length > 0 ? [headers, ...rows] : rows;
  const columns = Math.max(0, ...all.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, i) => Math.max(0, ...all.map((r) => width(r[i] ?? ''))));
  const pad = ' '.repeat(opts.indent ?? 0);
  const gap = ' '.repeat(opts.gap ?? 3);
  return all.map((r) => {
    const cells = widths.map((w, i) => {
      const cell = r[i] ?? '';
      return cell + ' '.repeat(w - width(cell));
    });
    return (pad + cells.join(gap)).trimEnd();
  });
}
