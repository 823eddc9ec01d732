import { sql } from 'kysely';
import { ConcurrencyError, DomainEvent, Projection, On, type EventStore, type ProjectionContext, type StreamRef } from '../../lib';
import type { Deferred } from './deferred';

/** The event the ordering specs append: which writer appended it, in which of its appends. */
@DomainEvent('Counted')
export class Counted {
  constructor(
    readonly writer: number = 0,
    readonly append: number = 0,
  ) {}
}

/** The table in which {@link FollowedPositions} records, in order, the positions it applied. */
export const FOLLOWED_TABLE = 'followed';

/**
 * A follower of the log through a dispatcher: records each event's position as it applies it.
 * Rows and checkpoint commit together, so across a kill the table still holds each applied event
 * once, in the order the feed delivered them (`seq`).
 */
@Projection('followed-positions', { batchSize: 50, maxCrashes: 1000 })
export class FollowedPositions {
  @On(Counted)
  async counted(_event: Counted, { db, position }: ProjectionContext): Promise<void> {
    await db.insertInto(FOLLOWED_TABLE).values({ position }).execute();
  }
}

/** Creates {@link FOLLOWED_TABLE}. */
export async function createFollowedTable(store: EventStore): Promise<void> {
  await store.db.schema
    .createTable(FOLLOWED_TABLE)
    .ifNotExists()
    .addColumn('seq', 'bigserial', (column) => column.primaryKey())
    .addColumn('position', 'bigint', (column) => column.notNull())
    .execute();
}

/** The positions {@link FollowedPositions} applied, in the order it applied them. */
export async function followedPositions(store: EventStore): Promise<number[]> {
  const rows = await store.db.selectFrom(FOLLOWED_TABLE).select('position').orderBy('seq').execute();
  return rows.map((row) => Number(row.position));
}

/**
 * Makes every insert into the event log wait 0 to 2 ms before its transaction goes on to commit,
 * after its positions were reserved. Appends then commit in an order unlike their positions far
 * more often than they would on a fast local server, as they do when writers are further from
 * the database or busier; a reader that could skip an event gets every chance to.
 */
export async function slowDownCommits(store: EventStore): Promise<void> {
  await sql`create function commit_jitter() returns trigger language plpgsql as $$ begin perform pg_sleep(random() * 0.002); return null; end $$`.execute(store.db);
  await sql`create trigger commit_jitter after insert on eventfold_events for each statement execute function commit_jitter()`.execute(store.db);
}

/** How the writers append. */
export interface WritingPlan {
  /** Appends per writer after the opening round, half before `midway` and half after. */
  readonly appendsPerWriter: number;
  /** Streams every writer appends to, beside a stream of its own. */
  readonly sharedStreams: number;
  /** Awaited by every writer halfway through its appends, so that a spec can act mid-run. */
  readonly midway?: Deferred['promise'];
}

/** What the writers did. */
export interface WritingOutcome {
  /** The positions of every event an append stored, in no particular order. */
  readonly committed: number[];
  /** Appends refused with a ConcurrencyError, nothing of them stored. */
  readonly conflicts: number;
}

/**
 * Runs one writer per store, all at once, until each has made its appends. They open with a round
 * in which every writer reads the version of one shared stream and then appends to it expecting
 * that version, so that all but one meet a ConcurrencyError; after that, each append adds 1 to 20
 * events, a third of them to shared streams at the version just read (which another writer may
 * move first), the rest to the writer's own stream.
 */
export async function writeConcurrently(stores: readonly EventStore[], plan: WritingPlan): Promise<WritingOutcome> {
  const committed: number[] = [];
  let conflicts = 0;
  /** Appends, counting a ConcurrencyError instead of failing; resolves to the new stream version, or undefined when refused. */
  const append = async (store: EventStore, stream: StreamRef, events: Counted[], expectedVersion: number) => {
    try {
      const result = await store.append(stream, events, { expectedVersion });
      committed.push(...result.events.map((recorded) => recorded.position));
      return result.nextExpectedVersion;
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      conflicts++;
      return undefined;
    }
  };

  const opening = { type: 'Counter', id: 'shared-0' };
  const read = await Promise.all(stores.map((store) => store.streamVersion(opening)));
  await Promise.all(stores.map((store, writer) => append(store, opening, [new Counted(writer, -1)], read[writer]!)));

  await Promise.all(
    stores.map(async (store, writer) => {
      const own = { type: 'Counter', id: `writer-${writer}` };
      let ownVersion = 0;
      for (let n = 0; n < plan.appendsPerWriter; n++) {
        if (n === Math.floor(plan.appendsPerWriter / 2)) await plan.midway;
        const size = 1 + ((writer * 7 + n * 13) % 20);
        const events = Array.from({ length: size }, () => new Counted(writer, n));
        if ((writer + n) % 3 === 0) {
          const shared = { type: 'Counter', id: `shared-${(writer + n) % plan.sharedStreams}` };
          await append(store, shared, events, await store.streamVersion(shared));
        } else {
          ownVersion = (await append(store, own, events, ownVersion)) ?? ownVersion;
        }
      }
    }),
  );
  return { committed, conflicts };
}
