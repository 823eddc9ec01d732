import type { Kysely } from 'kysely';
import type { RecordedEvent } from '../store/recorded-event';
import { DEAD_LETTERS_TABLE, type DeadLetterRow, type EventfoldTables } from '../store/schema';

/** An event a subscriber gave up on after its last attempt. */
export interface DeadLetter {
  readonly id: number;
  readonly subscriber: string;
  readonly position: number;
  readonly eventId: string;
  readonly eventType: string;
  readonly streamType: string;
  readonly streamId: string;
  readonly errorMessage: string;
  readonly errorStack: string | null;
  readonly attempts: number;
  readonly failedAt: Date;
  /**
   * True for the event its subscriber halted on: the subscriber goes on only once it is retried
   * successfully or discarded. False for a parked event, which counts as finished.
   */
  readonly halted: boolean;
}

/** The dead-letter table. One row per subscriber and position: failing again updates it. */
export class DeadLetterStore {
  constructor(private readonly db: Kysely<EventfoldTables>) {}

  /**
   * Records a failure, inside the caller's transaction when `db` is one, and returns the dead
   * letter's id. `halted` says whether the subscriber halted on the event or parked it.
   */
  async record(db: Kysely<EventfoldTables>, subscriber: string, recorded: RecordedEvent, error: unknown, attempts: number, halted = false): Promise<number> {
    const { message, stack } = describeError(error);
    const failure = { error_message: message, error_stack: stack, attempts, failed_at: new Date().toISOString(), halted: halted ? 1 : 0 };
    const row = await db
      .insertInto(DEAD_LETTERS_TABLE)
      .values({
        subscriber,
        position: recorded.position,
        event_id: recorded.eventId,
        event_type: recorded.type,
        stream_type: recorded.streamType,
        stream_id: recorded.streamId,
        ...failure,
      })
      .onConflict((conflict) => conflict.columns(['subscriber', 'position']).doUpdateSet(failure))
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  /** Dead letters, oldest first: of all subscribers, of one, or of several (the segments of one, say). */
  async list(subscribers?: string | readonly string[]): Promise<DeadLetter[]> {
    let query = this.db.selectFrom(DEAD_LETTERS_TABLE).selectAll();
    if (typeof subscribers === 'string') query = query.where('subscriber', '=', subscribers);
    else if (subscribers !== undefined) query = query.where('subscriber', 'in', subscribers.length > 0 ? subscribers : ['']);
    return (await query.orderBy('id').execute()).map(toDeadLetter);
  }

  /**
   * Moves the dead letters of `from` subscribers to the subscriber `to` names for each letter's
   * stream, inside the caller's transaction (the segments of a subscriber whose number changed).
   */
  async reassign(db: Kysely<EventfoldTables>, from: readonly string[], to: (streamType: string, streamId: string) => string): Promise<void> {
    if (from.length === 0) return;
    const letters = await db.selectFrom(DEAD_LETTERS_TABLE).select(['id', 'stream_type', 'stream_id']).where('subscriber', 'in', from).execute();
    for (const letter of letters) {
      await db
        .updateTable(DEAD_LETTERS_TABLE)
        .set({ subscriber: to(letter.stream_type, letter.stream_id) })
        .where('id', '=', letter.id)
        .execute();
    }
  }

  /** The ids of every dead letter, oldest first. */
  async ids(): Promise<number[]> {
    const rows = await this.db.selectFrom(DEAD_LETTERS_TABLE).select('id').orderBy('id').execute();
    return rows.map((row) => Number(row.id));
  }

  async get(id: number): Promise<DeadLetter | undefined> {
    const row = await this.db.selectFrom(DEAD_LETTERS_TABLE).selectAll().where('id', '=', id).executeTakeFirst();
    return row && toDeadLetter(row);
  }

  /** Removes the dead letter of an event, inside the caller's transaction when `db` is one; false when there was none. */
  async remove(db: Kysely<EventfoldTables>, subscriber: string, position: number): Promise<boolean> {
    const result = await db.deleteFrom(DEAD_LETTERS_TABLE).where('subscriber', '=', subscriber).where('position', '=', position).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /**
   * Removes one dead letter by id, inside the caller's transaction when `db` is one; false when
   * it was gone already (another retry or discard settled it first).
   */
  async removeById(db: Kysely<EventfoldTables>, id: number): Promise<boolean> {
    const result = await db.deleteFrom(DEAD_LETTERS_TABLE).where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  /** Records that a dead letter's event failed again: its last error, its attempts in all, and when. */
  async recordFailure(id: number, error: unknown, attempts: number): Promise<void> {
    const { message, stack } = describeError(error);
    await this.db
      .updateTable(DEAD_LETTERS_TABLE)
      .set({ error_message: message, error_stack: stack, attempts, failed_at: new Date().toISOString() })
      .where('id', '=', id)
      .execute();
  }

  /**
   * Removes the dead letters of `subscribers` at positions after `position` (their events are to
   * be delivered again: the subscriber was reset), inside the caller's transaction, and returns
   * how many went.
   */
  async removeAfter(db: Kysely<EventfoldTables>, subscribers: readonly string[], position: number): Promise<number> {
    if (subscribers.length === 0) return 0;
    const result = await db.deleteFrom(DEAD_LETTERS_TABLE).where('subscriber', 'in', subscribers).where('position', '>', position).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Removes every dead letter of a subscriber (its projection is being rebuilt). */
  async removeAll(db: Kysely<EventfoldTables>, subscriber: string): Promise<void> {
    await db.deleteFrom(DEAD_LETTERS_TABLE).where('subscriber', '=', subscriber).execute();
  }

  async countBySubscriber(): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom(DEAD_LETTERS_TABLE)
      .select(['subscriber', (eb) => eb.fn.countAll<number>().as('count')])
      .groupBy('subscriber')
      .execute();
    return new Map(rows.map((row) => [row.subscriber, Number(row.count)]));
  }
}

function toDeadLetter(row: { [K in keyof DeadLetterRow]: K extends 'id' ? number : DeadLetterRow[K] }): DeadLetter {
  return {
    id: Number(row.id),
    subscriber: row.subscriber,
    position: Number(row.position),
    eventId: row.event_id,
    eventType: row.event_type,
    streamType: row.stream_type,
    streamId: row.stream_id,
    errorMessage: row.error_message,
    errorStack: row.error_stack,
    attempts: Number(row.attempts),
    failedAt: new Date(row.failed_at),
    halted: Number(row.halted) === 1,
  };
}

function describeError(error: unknown): { message: string; stack: string | null } {
  if (error instanceof Error) return { message: error.message || error.name, stack: error.stack ?? null };
  return { message: String(error), stack: null };
}
