import Database from 'better-sqlite3';
import { expect } from 'chai';
import { CompiledQuery, Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import { join } from 'node:path';
import { Pool } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { DomainEvent, EventStore, type EventStoreOptions } from '../../lib';
import type { StoreBackend } from '../../lib/store/backend/store-backend';
import { migrationsFor } from '../../lib/store/migrations/migrate-to-latest';
import { PostgresBackend } from '../../lib/store/postgres/postgres-backend';
import { SqliteBackend } from '../../lib/store/sqlite/sqlite-backend';
import { dropSchemas, postgresUrlOrReportSkip, temporaryFolder, uniqueSchema } from '../support/backends';
import { collect } from '../support/expect-rejection';

@DomainEvent('Recorded')
class Recorded {
  constructor(readonly n: number = 0) {}
}

/** The last migration of the release before streams could be archived and deleted. */
const PREVIOUS_RELEASE = '0007_create_rebuilds';

/** A database as the previous release left it, and how to open a store of this release on it. */
interface OldDatabase {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tables of an older release, as it left them
  readonly db: Kysely<any>;
  readonly backend: StoreBackend;
  readonly storeOptions: EventStoreOptions;
  remove(): Promise<void>;
}

function sqliteDatabase(): OldDatabase {
  const folder = temporaryFolder();
  const file = join(folder.path, 'old.db');
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tables of an older release, as it left them
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(file) }) });
  return {
    db,
    backend: new SqliteBackend(db, file),
    storeOptions: { sqlite: file },
    async remove() {
      await db.destroy();
      folder.remove();
    },
  };
}

async function postgresDatabase(url: string): Promise<OldDatabase> {
  const schema = uniqueSchema();
  const pool = new Pool({ connectionString: url, max: 2 });
  await pool.query(`create schema "${schema}"`);
  const searchPath = CompiledQuery.raw(`set search_path to "${schema}"`);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tables of an older release, as it left them
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool, onCreateConnection: async (connection) => void (await connection.executeQuery(searchPath)) }) });
  return {
    db,
    backend: new PostgresBackend(db, schema, { schema, listenConnection: undefined }),
    storeOptions: { postgres: url, schema, poolSize: 2 },
    async remove() {
      await db.destroy();
      await dropSchemas(url, [schema]);
    },
  };
}

const url = postgresUrlOrReportSkip();
const databases: Array<[string, () => Promise<OldDatabase>]> = [['sqlite', async () => sqliteDatabase()]];
if (url) databases.push(['postgres', () => postgresDatabase(url)]);

for (const [name, makeDatabase] of databases) {
  describe(`Upgrading an event log to archived and deleted streams (migration 0008) [${name}]`, function () {
    this.timeout(60_000);
    let old: OldDatabase;
    let store: EventStore | undefined;

    beforeEach(async () => {
      old = await makeDatabase();
      const migrator = new Migrator({
        db: old.db,
        provider: { getMigrations: async () => migrationsFor(old.backend) },
        migrationTableSchema: old.backend.migrationNamespace,
        migrationTableName: 'eventfold_migration',
        migrationLockTableName: 'eventfold_migration_lock',
      });
      const { error } = await migrator.migrateTo(PREVIOUS_RELEASE);
      if (error) throw error instanceof Error ? error : new Error(`the migrations up to ${PREVIOUS_RELEASE} failed: ${JSON.stringify(error)}`);
      // Two streams' events, as the previous release stored them.
      const rows = ['a', 'b', 'a'].map((id, index) => ({
        event_id: uuidv7(),
        stream_type: 'Ledger',
        stream_id: id,
        stream_version: id === 'a' && index === 2 ? 2 : 1,
        event_type: 'Recorded',
        schema_version: 1,
        payload: JSON.stringify({ n: index + 1 }),
        metadata: '{}',
        recorded_at: new Date().toISOString(),
      }));
      await old.db.insertInto('eventfold_events').values(rows).execute();
    });
    afterEach(async () => {
      await store?.close();
      store = undefined;
      await old.remove();
    });

    it('archives, restores and deletes the streams written before the upgrade', async () => {
      store = await EventStore.open({ ...old.storeOptions, events: [Recorded] });
      const a = { type: 'Ledger', id: 'a' };

      await store.archiveStream(a);
      expect((await collect(store.readAll())).map((recorded) => recorded.position)).to.deep.equal([2]);
      await store.restoreStream(a);
      expect((await collect(store.readAll())).map((recorded) => recorded.position)).to.deep.equal([1, 2, 3]);
      const tombstone = await store.deleteStream(a);
      await store.waitForReadable();

      expect(tombstone.position).to.equal(4);
      expect((await collect(store.readAll())).map((recorded) => `${recorded.streamId}@${recorded.position}`)).to.deep.equal(['b@2', 'a@4']);
    });
  });
}
