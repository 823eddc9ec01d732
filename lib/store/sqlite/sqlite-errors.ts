import type { UniqueViolation } from '../backend/unique-violation';
import { violatedIndexOf } from '../backend/unique-violation';
import { errorCodeOf } from '../backend/error-code';

/** Recognises a unique-constraint failure of the event log in SQLite's words. */
export function sqliteUniqueViolationOf(error: unknown): UniqueViolation {
  const code = errorCodeOf(error);
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ? violatedIndexOf(error) : undefined;
}

/**
 * Processes that open a new file at the same moment race to create the tables. SQLite may refuse
 * the loser's lock upgrade at once (SQLITE_BUSY) instead of waiting; a retry then finds the
 * schema up to date.
 */
export function isSqliteMigrationRace(error: unknown): boolean {
  const code = errorCodeOf(error) ?? '';
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
}
