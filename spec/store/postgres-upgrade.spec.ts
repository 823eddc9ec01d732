import { expect } from 'chai';
import { CompiledQuery, Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import { Pool } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { DomainEvent, EventStore } from '../../lib';
import { migrationsFor } from '../../lib/store/migrations/migrate-to-latest';
import { PostgresBackend } from '../../lib/store/postgres/postgres-backend';
import { dropSchemas, postgresUrlOrReportSkip, uniqueSchema } from '../support/backends';
import { deferred } from '../support/deferred';
import { collect } from '../support/expect-rejection';
import { until } from '../support/until';

@DomainEvent('Upgraded')
class Upgraded {
  constructor(readonly n: number = 0) {}
}

/** The last migration of the release before appends on PostgreSQL could commit side by side. */
const PREVIOUS_RELEASE = '0004_add_attempt_records';

const url = postgresUrlOrReportSkip();
if (url) {
  describe('Upgrading a PostgreSQL event log in place', function () {
    this.timeout(60_000);
    let schema: string;
    let pool: Pool;
    let db: Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- the tables of an older release, as it left them
    const stores: EventStore[] = [];

    beforeEach(async () => {
      schema = uniqueSchema();
      pool = new Pool({ connectionString: url, max: 3 });
      await pool.query(`create schema "${schema}"`);
      const searchPath = CompiledQuery.raw(`set search_path to "${schema}"`);
      db = new Kysely({ dialect: new PostgresDialect({ pool, onCreateConnection: async (connection) => void (await connection.executeQuery(searchPath)) }) });
      // The tables as the previous release created them.
      await migrateTo(PREVIOUS_RELEASE);
    });
    afterEach(async () => {
      await Promise.all(stores.splice(0).map((store) => store.close()));
      await db.destroy();
      await dropSchemas(url, [schema]);
    });

    /** Brings the schema to the migration named, as the release that shipped it last would have. */
    async function migrateTo(migration: string): Promise<void> {
      const migrator = new Migrator({
        db,
        provider: { getMigrations: async () => migrationsFor(new PostgresBackend(db, schema, { schema, listenConnection: undefined })) },
        migrationTableSchema: schema,
        migrationTableName: 'eventfold_migration',
        migrationLockTableName: 'eventfold_migration_lock',
      });
      const { error } = await migrator.migrateTo(migration);
      if (error) throw error instanceof Error ? error : new Error(`the migrations up to ${migration} failed: ${JSON.stringify(error)}`);
    }

    async function open(): Promise<EventStore> {
      const store = await EventStore.open({ postgres: url!, schema, poolSize: 2, events: [Upgraded] });
      stores.push(store);
      return store;
    }

    /** Appends as the previous release did: under the schema's lock, held until commit, positions from the column's default. */
    async function appendAsPreviousRelease(
      trx: Kysely<any>, // eslint-disable-line @typescript-eslint/no-explicit-any -- the older release's tables
      stream: string,
      first: number,
      count: number,
    ): Promise<void> {
      await sql`select pg_advisory_xact_lock(hashtext(${`eventfold:${schema}`}))`.execute(trx);
      const rows = Array.from({ length: count }, (_, index) => ({
        event_id: uuidv7(),
        stream_type: 'Ledger',
        stream_id: stream,
        stream_version: first + index,
        event_type: 'Upgraded',
        schema_version: 1,
        payload: JSON.stringify({ n: first + index }),
        metadata: '{}',
        recorded_at: new Date().toISOString(),
      }));
      await trx.insertInto('eventfold_events').values(rows).execute();
    }

    it('keeps the events written before the upgrade, unrewritten, in order before every new one', async () => {
      for (let batch = 0; batch < 5; batch++) await db.transaction().execute((trx) => appendAsPreviousRelease(trx, `old-${batch % 2}`, 1 + Math.floor(batch / 2) * 4, 4));
      const old = await db.selectFrom('eventfold_events').select(['position', 'event_id']).orderBy('position').execute();
      const fileBefore = await sql<{ node: number }>`select pg_relation_filenode('eventfold_events') as node`.execute(db);

      // The new release opens the store and migrates it; then writers append side by side.
      const writers = await Promise.all([open(), open(), open(), open()]);
      const fileAfter = await sql<{ node: number }>`select pg_relation_filenode('eventfold_events') as node`.execute(db);
      expect(fileAfter.rows, 'the table was rewritten').to.deep.equal(fileBefore.rows);
      await Promise.all(
        writers.map(async (store, writer) => {
          for (let n = 0; n < 10; n++) await store.append({ type: 'Ledger', id: `new-${writer}` }, [new Upgraded(n), new Upgraded(n)]);
        }),
      );

      await writers[0].waitForReadable();
      const read = await collect(writers[0].readAll());
      expect(read).to.have.length(old.length + 80);
      expect(read.slice(0, old.length).map((recorded) => recorded.eventId)).to.deep.equal(old.map((row) => row.event_id));
      expect(read.slice(old.length).every((recorded) => recorded.streamId.startsWith('new-'))).to.equal(true);
      expect(await writers[0].headPosition()).to.equal(read.at(-1)!.position);
      const transactions = await db
        .selectFrom('eventfold_events')
        .select(sql<string>`tx::text`.as('tx'))
        .where('stream_id', 'like', 'old-%')
        .execute();
      expect(new Set(transactions.map((row) => row.tx))).to.deep.equal(new Set(['0']));
    });

    it('keeps a process of the previous release that still appends in order with the new release', async () => {
      const store = await open();
      await store.append({ type: 'Ledger', id: 'new' }, [new Upgraded(1)]);
      // The old process holds its lock until it commits; the new append waits to reserve its positions.
      const oldCommits = deferred();
      const oldInserted = deferred();
      const oldAppend = db.transaction().execute(async (trx) => {
        await appendAsPreviousRelease(trx, 'old', 1, 3);
        oldInserted.resolve();
        await oldCommits.promise;
      });
      await oldInserted.promise;
      const newAppend = store.append({ type: 'Ledger', id: 'new' }, [new Upgraded(2)]);
      await until(async () => {
        const { rows } = await sql<{ waiting: number }>`select count(*)::int as waiting from pg_locks
          where locktype = 'advisory' and not granted and database = (select oid from pg_database where datname = current_database())`.execute(db);
        return rows[0]!.waiting > 0;
      }, 'the new append did not wait for the old one');
      oldCommits.resolve();
      await oldAppend;
      const { events } = await newAppend;

      await store.waitForReadable();
      const read = await collect(store.readAll());
      expect(read.map((recorded) => recorded.streamId)).to.deep.equal(['new', 'old', 'old', 'old', 'new']);
      expect(read.at(-1)!.position).to.equal(events[0]!.position);
      // The old process's rows carry its transaction id, drawn under the lock, below the new append's.
      const rows = await db
        .selectFrom('eventfold_events')
        .select(['stream_id', sql<string>`tx::text`.as('tx')])
        .orderBy('position')
        .execute();
      const ids = rows.map((row) => BigInt(row.tx));
      expect(ids.every((id, index) => index === 0 || id >= ids[index - 1]!)).to.equal(true);
      expect(ids.every((id) => id > 0n)).to.equal(true);
    });

    describe('from the release that reserved positions in a transaction of its own (migration 0005)', () => {
      /**
       * Appends as that release did, in a transaction left open for the caller to end: the stream
       * lock, the version check, the reservation, then the insert.
       */
      async function appendAsRelease0005(
        trx: Kysely<any>, // eslint-disable-line @typescript-eslint/no-explicit-any -- the older release's tables
        stream: string,
        n: number,
      ): Promise<void> {
        await sql`select pg_advisory_xact_lock(hashtext(${`eventfold:${schema}:streams`}), hashtext(${`Ledger/${stream}`}))`.execute(trx);
        const version = await sql<{ version: number }>`select coalesce(max(stream_version), 0)::int as version from eventfold_events
          where stream_type = 'Ledger' and stream_id = ${stream}`.execute(trx);
        const reserved = await sql<{ first_position: number; recorded_at: Date }>`select first_position::int, recorded_at from eventfold_reserve(1)`.execute(trx);
        const { first_position, recorded_at } = reserved.rows[0]!;
        await trx
          .insertInto('eventfold_events')
          .values({
            position: first_position,
            event_id: uuidv7(),
            stream_type: 'Ledger',
            stream_id: stream,
            stream_version: version.rows[0]!.version + 1,
            event_type: 'Upgraded',
            schema_version: 1,
            payload: JSON.stringify({ n }),
            metadata: '{}',
            recorded_at,
          })
          .execute();
      }

      const appendFunction = async () =>
        (
          await sql<{
            name: string | null;
          }>`select to_regprocedure('eventfold_append(text, text, integer, boolean, text[], text[], integer[], jsonb[], jsonb[])')::text as name`.execute(db)
        ).rows[0]!.name;

      beforeEach(async () => {
        await migrateTo('0005_add_transaction_ids');
        await db.transaction().execute((trx) => appendAsRelease0005(trx, 'shared', 1));
      });

      it('adds the one-statement append function and appends after what that release wrote', async () => {
        expect(await appendFunction(), 'the function exists before the upgrade').to.equal(null);
        const store = await open();
        expect(await appendFunction()).to.equal('eventfold_append(text,text,integer,boolean,text[],text[],integer[],jsonb[],jsonb[])');

        const { nextExpectedVersion } = await store.append({ type: 'Ledger', id: 'shared' }, [new Upgraded(2)], { expectedVersion: 1 });
        expect(nextExpectedVersion).to.equal(2);
        await store.waitForReadable();
        const read = await collect(store.readAll());
        expect(read.map((recorded) => [recorded.streamVersion, (recorded.event as Upgraded).n])).to.deep.equal([
          [1, 1],
          [2, 2],
        ]);
      });

      it('queues an append expecting any version behind a process of that release holding the same stream', async () => {
        const store = await open();
        const oldCommits = deferred();
        const oldInserted = deferred();
        const oldAppend = db.transaction().execute(async (trx) => {
          await appendAsRelease0005(trx, 'shared', 2);
          oldInserted.resolve();
          await oldCommits.promise;
        });
        await oldInserted.promise;
        // The new append takes the version the old process is writing; it waits on the unique
        // index, fails once the old process commits, and is tried again under the stream lock.
        const newAppend = store.append({ type: 'Ledger', id: 'shared' }, [new Upgraded(3)], { expectedVersion: 'any' });
        await until(async () => {
          const { rows } = await sql<{ waiting: number }>`select count(*)::int as waiting from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock' and query like ${`%eventfold_append%`}`.execute(db);
          return rows[0]!.waiting > 0;
        }, 'the new append did not wait for the old one');
        oldCommits.resolve();
        await oldAppend;
        const { nextExpectedVersion, events } = await newAppend;

        expect(nextExpectedVersion).to.equal(3);
        await store.waitForReadable();
        const read = await collect(store.readAll());
        expect(read.map((recorded) => [recorded.streamVersion, (recorded.event as Upgraded).n])).to.deep.equal([
          [1, 1],
          [2, 2],
          [3, 3],
        ]);
        expect(read.at(-1)!.position).to.equal(events[0]!.position);
      });
    });
  });
}
