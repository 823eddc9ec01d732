/** Which unique constraint of the event log an insert broke, if any. */
export type UniqueViolation = 'event-id' | 'stream-version' | undefined;

/** Recognises a unique-constraint failure of the event log in SQLite's or PostgreSQL's words. */
export function uniqueViolationOf(error: unknown): UniqueViolation {
  const { code, message = '', constraint = '' } = error as { code?: unknown; message?: string; constraint?: string };
  const sqliteUnique = code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
  if (!sqliteUnique && code !== '23505') return undefined;
  const where = `${constraint} ${message}`;
  return where.includes('event_id') ? 'event-id' : 'stream-version';
}
