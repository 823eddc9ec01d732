/** Which unique constraint of the event log an insert broke, if any. */
export type UniqueViolation = 'event-id' | 'stream-version' | undefined;

/**
 * Which of the event log's unique indexes a failure named as a unique-constraint violation
 * concerns, from the words of the database's message and the constraint it names.
 */
export function violatedIndexOf(error: unknown): Exclude<UniqueViolation, undefined> {
  const { message = '', constraint = '' } = error as { message?: string; constraint?: string };
  return `${constraint} ${message}`.includes('event_id') ? 'event-id' : 'stream-version';
}
