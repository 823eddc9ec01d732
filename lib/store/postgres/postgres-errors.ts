import type { UniqueViolation } from '../backend/unique-violation';
import { violatedIndexOf } from '../backend/unique-violation';
import { errorCodeOf } from '../backend/error-code';
import { schemaFailureReason } from '../backend/open-failure-reason';

/**
 * Error codes that mean the server was never reached or refused the session: Node's network
 * errors, and PostgreSQL's "database does not exist", authentication and "starting up" states.
 */
const CONNECTION_FAILURES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', '3D000', '28000', '28P01', '57P03']);

/**
 * Kysely's migrator looks through every table of every schema of a PostgreSQL database; a schema,
 * table or column another application drops at that moment fails the look (3F000, 42P01, 42703),
 * and the next try does not see it.
 */
const DROPPED_MEANWHILE = new Set(['3F000', '42P01', '42703']);

/** Recognises a unique-constraint failure of the event log in PostgreSQL's words (SQLSTATE 23505). */
export function postgresUniqueViolationOf(error: unknown): UniqueViolation {
  return errorCodeOf(error) === '23505' ? violatedIndexOf(error) : undefined;
}

/** Whether a migration failed on something another session dropped while Kysely looked. */
export function isPostgresMigrationRace(error: unknown): boolean {
  return DROPPED_MEANWHILE.has(errorCodeOf(error) ?? '');
}

/** Why opening a PostgreSQL store failed, worded for the person who has to fix it. */
export function postgresOpenFailureReason(cause: unknown): string {
  const code = errorCodeOf(cause);
  if (code !== undefined && CONNECTION_FAILURES.has(code)) {
    const { message } = cause as { message?: string };
    return `could not connect (${message || String(cause)}); check that the server is running and that the host, port, user, password and database name are right.`;
  }
  return schemaFailureReason(cause);
}
