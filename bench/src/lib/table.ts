export type Cell = string | number;

/** Prints rows as an aligned text table under a title; numbers right-aligned, text left-aligned. */
export function printTable(title: string, rows: readonly Record<string, Cell>[]): void {
  console.log(`\n${title}`);
  const first = rows[0];
  if (!first) {
    console.log('  (no rows)');
    return;
  }
  const columns = Object.keys(first);
  const text = (row: Record<string, Cell>, column: string) => String(row[column] ?? '');
  const widths = columns.map((column) =>
    Math.max(column.length, ...rows.map((row) => text(row, column).length)),
  );
  const line = (cells: string[], numeric: boolean[]) =>
    '  ' +
    cells
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const numericColumns = columns.map((column) =>
    rows.every((row) => typeof row[column] === 'number'),
  );
  console.log(line(columns, numericColumns));
  console.log(
    line(
      widths.map((width) => '-'.repeat(width)),
      numericColumns,
    ),
  );
  for (const row of rows) {
    console.log(
      line(
        columns.map((column) => text(row, column)),
        columns.map((column) => typeof row[column] === 'number'),
      ),
    );
  }
}

/** A number rounded for a table: `digits` decimals, kept as a number so it is right-aligned. */
export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
