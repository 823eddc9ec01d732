import { sql } from 'kysely';
import { PROCESS_INSTANCES_TABLE } from '../../store/schema';
import type { CliSession } from '../session/cli-session';
import { ProcessTablesMissingError } from './process-errors';

/**
 * Checks that the database has the tables of process managers before they are read, so that an
 * older schema is named as such rather than by the driver's "relation does not exist". Only a
 * PostgreSQL schema can lack them: the command line opens those without migrating, and SQLite
 * files with.
 *
 * @throws {@link ProcessTablesMissingError} when they are missing.
 */
export async function assertProcessTables(session: CliSession): Promise<void> {
  const { store } = session;
  if (store.backend.name !== 'postgres') return;
  // The store's connections set the search path to its schema.
  const { rows } = await sql<{
    found: number;
  }>`select 1 as found from information_schema.tables where table_schema = current_schema() and table_name = ${PROCESS_INSTANCES_TABLE}`.execute(store.eventfoldDb);
  if (rows.length === 0) throw new ProcessTablesMissingError(session.databaseLabel);
}
