/** One column of a {@link formatTable} table. */
export interface Column {
  /** The heading, in capitals by convention. */
  readonly header: string;
  /** Numbers read best aligned right. Defaults to left. */
  readonly align?: 'left' | 'right';
  /** Colours a cell after padding, so that colour codes do not upset the widths. */
  readonly style?: (padded: string, row: readonly string[]) => string;
}

/**
 * Lays rows out under headings, columns two spaces apart; the last column is not padded, so long
 * texts (error messages) run on without widening the others.
 *
 * @example
 * ```ts
 * formatTable([{ header: 'NAME' }, { header: 'LAG', align: 'right' }], [['open-orders', '0']]);
 * // ['NAME         LAG', 'open-orders    0']
 * ```
 */
export function formatTable(columns: readonly Column[], rows: ReadonlyArray<readonly string[]>, heading: (text: string) => string = (text) => text): string[] {
  const sized = columns.map((column, index) => ({ column, width: Math.max(column.header.length, ...rows.map((row) => (row[index] ?? '').length)) }));
  const last = columns.length - 1;
  const line = (cells: readonly string[], style: (column: Column, padded: string) => string) =>
    sized
      .map(({ column, width }, index) => {
        const cell = cells[index] ?? '';
        return style(column, index === last && column.align !== 'right' ? cell : pad(cell, width, column.align));
      })
      .join('  ')
      .trimEnd();
  return [
    line(
      columns.map((column) => column.header),
      (_column, padded) => heading(padded),
    ),
    ...rows.map((row) => line(row, (column, padded) => (column.style ? column.style(padded, row) : padded))),
  ];
}

function pad(text: string, width: number, align: Column['align']): string {
  return align === 'right' ? text.padStart(width) : text.padEnd(width);
}
