/** The `code` a driver put on an error (`SQLITE_BUSY`, a PostgreSQL SQLSTATE, `ECONNREFUSED`), if it is a string. */
export function errorCodeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
