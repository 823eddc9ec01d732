import { Kysely } from 'kysely';
import { adapterIs, type BackendKind } from '../backend/backend-kind';
import type { EventStoreOptions } from '../event-store-options';
import type { EventfoldTables } from '../schema';
import { createPostgresDialect } from './create-postgres-dialect';
import { PostgresBackend } from './postgres-backend';
import type { PostgresOptions } from './postgres-options';

/** PostgreSQL: `{ postgres: 'postgres://…' }`, or any Kysely dialect whose adapter is Kysely's PostgreSQL adapter. */
export const POSTGRES: BackendKind = {
  option: 'postgres',
  dialectName: 'PostgresDialect',
  open(options: EventStoreOptions): PostgresBackend {
    const { dialect, listenConnection, schema, label } = createPostgresDialect(options as PostgresOptions);
    return new PostgresBackend(new Kysely<EventfoldTables>({ dialect }), label, { schema, listenConnection });
  },
  speaks: (adapter) => adapterIs(adapter, 'PostgresAdapter'),
  fromDialect: (dialect, label) => new PostgresBackend(new Kysely<EventfoldTables>({ dialect }), label, { schema: undefined, listenConnection: undefined }),
};
