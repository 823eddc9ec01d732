import type { Kysely } from 'kysely';
import type { EventClass } from '../../events/event-class';
import { FoldRowError } from '../../folds/fold-row-error';
import type { InAppendTransaction } from '../../store/in-append-transaction';
import type { PreparedEvent } from '../../store/prepare-events';
import type { RecordedEvent } from '../../store/recorded-event';
import type { EventfoldTables } from '../../store/schema';
import type { BoundSubscriber } from '../bound-subscriber';
import type { ProjectionContext } from '../subscriber-context';
import { bindInlineProjections } from './bind-inline-projections';
import { InlineProjectionError } from './inline-projection-error';

/** Inline work never times out and is never abandoned: its signal is never aborted. */
const NEVER_ABORTED = new AbortController().signal;

/** An inline projection writes the tables the application reads; there are no copies. */
const SAME_TABLE = (table: string): string => table;

/**
 * The projections a store runs inside each append's transaction, in the order they were given.
 * Each sees the append's events with their final positions and versions, and writes its read model
 * through the append's transaction, so that the read model is up to date when the append returns
 * and is rolled back with the append when anything fails.
 *
 * They keep no checkpoint: the events and their effect on the read model commit together, so
 * there is nothing to catch up on. Each projection applies one append at a time, in the order of
 * the positions, as under a dispatcher: on SQLite the write lock orders appends anyway; on
 * PostgreSQL the backend locks the projections an append runs ({@link locksFor}) before it
 * reserves positions.
 */
export class InlineProjections implements InAppendTransaction {
  private constructor(private readonly projections: readonly BoundSubscriber[]) {}

  /** Binds the projections given; undefined when there are none, so appends keep their plain path. */
  static from(value: unknown): InlineProjections | undefined {
    const bound = bindInlineProjections(value);
    return bound.length === 0 ? undefined : new InlineProjections(bound);
  }

  /** The projections' names. */
  get names(): readonly string[] {
    return this.projections.map((projection) => projection.name);
  }

  /** Every event class a projection handles, so that the store can decode them. */
  get eventClasses(): readonly EventClass[] {
    return this.projections.flatMap((projection) => projection.eventClasses);
  }

  /** The projections that handle any of the events, by name: each runs one append at a time. */
  locksFor(events: readonly PreparedEvent[]): readonly string[] {
    return this.projections.filter((projection) => events.some(({ event }) => projection.handlers.has(event.constructor))).map((projection) => projection.name);
  }

  /**
   * Applies an append's events to every projection, through `trx`.
   *
   * @throws {@link InlineProjectionError} on the first failure, with what the projection threw as its cause.
   */
  async run(trx: Kysely<EventfoldTables>, events: readonly RecordedEvent[]): Promise<void> {
    for (const projection of this.projections) {
      if (projection.applyInTransaction) await applyFold(projection, trx, events);
      else for (const recorded of events) await applyOne(projection, trx, recorded);
    }
  }
}

async function applyOne(projection: BoundSubscriber, trx: Kysely<EventfoldTables>, recorded: RecordedEvent): Promise<void> {
  const handler = projection.handlers.get(recorded.event.constructor);
  if (!handler) return;
  const context: ProjectionContext = {
    recorded,
    eventId: recorded.eventId,
    position: recorded.position,
    metadata: recorded.metadata,
    attempt: 1,
    signal: NEVER_ABORTED,
    db: trx,
    tableName: SAME_TABLE,
  };
  try {
    await handler(recorded.event, context);
  } catch (cause) {
    throw failure(projection, recorded, cause);
  }
}

/** A fold projection folds the whole append at once: one read and one upsert of the rows it touches. */
async function applyFold(projection: BoundSubscriber, trx: Kysely<EventfoldTables>, events: readonly RecordedEvent[]): Promise<void> {
  const handled = events.filter((recorded) => projection.handlers.has(recorded.event.constructor));
  if (handled.length === 0) return;
  try {
    await projection.applyInTransaction!(trx, handled, SAME_TABLE);
  } catch (cause) {
    // A row error names the event it was folding; any other failure is the append's first event it folds.
    const position = cause instanceof FoldRowError ? cause.position : undefined;
    throw failure(projection, handled.find((recorded) => recorded.position === position) ?? handled[0]!, cause);
  }
}

function failure(projection: BoundSubscriber, recorded: RecordedEvent, cause: unknown): InlineProjectionError {
  const stream = { type: recorded.streamType, id: recorded.streamId };
  return new InlineProjectionError(projection.name, stream, recorded.type, recorded.streamVersion, { cause });
}
