/** Whether `text` is a PostgreSQL connection string (`postgres://` or `postgresql://`). */
export function isPostgresUrl(text: string | undefined): text is string {
  return text !== undefined && /^postgres(ql)?:\/\//i.test(text);
}

/** A connection string with its password hidden, for messages. */
export function redactPassword(connectionString: string): string {
  return connectionString.replace(/(\/\/[^:/@]+):[^@]*@/, '$1:***@');
}
