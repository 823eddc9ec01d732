/** The LISTEN/NOTIFY channel on which appends to a PostgreSQL schema are announced. */
export function appendChannel(schema: string): string {
  return `eventfold_appended_${schema}`;
}
