/** A column of a text table: its header, and whether its cells line up on the right (numbers). */
export interface Column {
  readonly header: string;
  readonly right?: boolean;
}

/**
 * Lays rows out as a plain-text table with a header rule, each column as wide as its widest cell.
 *
 * @example
 * ```ts
 * textTable([{ header: 'type' }, { header: 'count', right: true }], [['page.read', '12']]);
 * // type       count
 * // ---------  -----
 * // page.read     12
 * ```
 */
export const textTable = (columns: readonly Column[], rows: readonly (readonly string[])[]): string => {
  const widths = columns.map((column, i) =>
    Math.max(column.header.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    columns
      .map((column, i) => {
        const cell = cells[i] ?? '';
        return column.right ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!);
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join(
    '\n',
  );
};
