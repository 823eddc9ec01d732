/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run before the schema they create exists */
import { sql, type Kysely, type Migration } from 'kysely';
import { EVENTS_TABLE } from '../schema';

/** The first PostgreSQL release with `xid8` and `pg_current_xact_id()`. */
const FIRST_SUPPORTED_VERSION = 130000;

/**
 * PostgreSQL's part of migration 0005: lets appends commit concurrently while readers keep one gap-free order.
 *
 * Each event records the id of the transaction that appended it (`tx`), and appends draw that id
 * and all their positions together through `eventfold_reserve`, one append at a time; readers
 * then stop below the oldest transaction still running (see `postgres/log-horizon.ts`).
 *
 * Events written before this migration get `tx = 0`: they were committed before it (adding the
 * column waits for every append in flight), so they sort before every later one and are
 * readable at once. Adding a column with a constant default changes only the catalog, so history
 * is not rewritten. The index is built inside the migration's transaction and blocks appends
 * while it is built; for a very large log, build it beforehand with `CREATE INDEX CONCURRENTLY`
 * under the same name, and this migration keeps it.
 *
 * The column's default, the transaction's own id, keeps appends by a process of the previous
 * release in order too: they take the same advisory lock, and hold it until they commit.
 */
export const addTransactionIds: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    const { rows } = await sql<{ version: number }>`select current_setting('server_version_num')::int as version`.execute(db);
    const version = Number(rows[0]?.version);
    if (version < FIRST_SUPPORTED_VERSION) {
      throw new Error(`eventfold needs PostgreSQL 13 or later for concurrent appends (xid8); this server is ${Math.floor(version / 10000)}. Upgrade the server.`);
    }
    await sql`alter table ${sql.table(EVENTS_TABLE)} add column tx xid8 not null default '0'`.execute(db);
    await sql`alter table ${sql.table(EVENTS_TABLE)} alter column tx set default pg_current_xact_id()`.execute(db);
    await sql`create index if not exists ${sql.id(`${EVENTS_TABLE}_tx`)} on ${sql.table(EVENTS_TABLE)} (tx, position)`.execute(db);
    await sql.raw(CREATE_RESERVE_FUNCTION).execute(db);
  },
  async down(db: Kysely<any>): Promise<void> {
    await sql`drop function if exists eventfold_reserve(integer)`.execute(db);
    await sql`drop index if exists ${sql.id(`${EVENTS_TABLE}_tx`)}`.execute(db);
    await sql`alter table ${sql.table(EVENTS_TABLE)} drop column tx`.execute(db);
  },
};

/**
 * Creates `eventfold_reserve(n)`, which an append calls once, before it writes anything. It takes
 * the schema's advisory lock, assigns the transaction its id, draws `n` consecutive positions and
 * reads the clock, then rolls its inner block back on purpose: that releases the lock before the
 * function returns, and keeps the id, the positions and the time. So reservations happen one at a
 * time, but commits overlap (and share their disk flushes), and an append that reserved earlier
 * has both the lower transaction id and the lower positions. Readers rely on that
 * (`postgres/log-horizon.ts`).
 *
 * The lock is transaction-scoped, so a statement cancelled while it waits cannot leak it, and it
 * works behind a pooler in transaction mode. Its key is the one appends of the previous release
 * held until commit. The sequence's cache is set to 1, so that positions come out in the order
 * they are asked for; a cache gives each session a block of its own.
 */
const CREATE_RESERVE_FUNCTION = `
do $do$
declare
  sequence_name text := pg_get_serial_sequence('${EVENTS_TABLE}', 'position');
  lock_key text := 'eventfold:' || current_schema();
begin
  execute format('alter sequence %s cache 1', sequence_name);
  execute format($create$
    create or replace function eventfold_reserve(n integer, out tx xid8, out first_position bigint, out recorded_at timestamptz)
    language plpgsql as $body$
    begin
      if pg_current_xact_id_if_assigned() is not null then
        raise exception 'eventfold_reserve must come before anything its transaction writes' using errcode = 'EF001';
      end if;
      begin
        perform pg_advisory_xact_lock(hashtext(%1$L));
        tx := pg_current_xact_id();
        first_position := nextval(%2$L);
        if n > 1 then
          perform setval(%2$L, first_position + n - 1);
        end if;
        recorded_at := date_trunc('milliseconds', clock_timestamp());
        raise sqlstate 'EFRSV';
      exception when sqlstate 'EFRSV' then
        null;
      end;
    end
    $body$
  $create$, lock_key, sequence_name);
end
$do$`;
