/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run before the schema they create exists */
import { sql, type Kysely, type Migration } from 'kysely';
import { APPEND_FUNCTION_SIGNATURE, CREATE_APPEND_FUNCTION } from './append-function-sql';

/**
 * PostgreSQL's part of migration 0006: adds `eventfold_append`, which does a whole append (stream
 * lock when asked, version check, reservation, insert) in one statement, so that an append is one
 * round trip instead of four (BEGIN, version, insert, COMMIT). See `append-function-sql.ts`.
 *
 * Only a function is added: no table changes, nothing to wait for. Processes of the previous
 * release keep appending their way beside the new one, as both take the same stream lock and
 * reserve through the same `eventfold_reserve`.
 */
export const addAppendFunction: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await sql.raw(CREATE_APPEND_FUNCTION).execute(db);
  },
  async down(db: Kysely<any>): Promise<void> {
    await sql.raw(`drop function if exists ${APPEND_FUNCTION_SIGNATURE}`).execute(db);
  },
};
