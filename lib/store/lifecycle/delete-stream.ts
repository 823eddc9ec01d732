import type { Kysely } from 'kysely';
import { InvalidArgumentError } from '../../errors/invalid-argument-error';
import type { EventRegistry } from '../../events/event-registry';
import type { InAppendTransaction } from '../in-append-transaction';
import type { StoreBackend } from '../backend/store-backend';
import { currentVersion } from '../current-version';
import { describeValue } from '../describe-value';
import { optionsObject } from '../options-object';
import { prepareEvents } from '../prepare-events';
import type { RecordedEvent } from '../recorded-event';
import { DEAD_LETTERS_TABLE, EVENTS_TABLE, SNAPSHOTS_TABLE, type EventfoldTables } from '../schema';
import { StoredEventDecoder } from '../stored-event-decoder';
import { tupleOfStoredRow } from '../stored-event-tuple';
import type { StreamRef } from '../stream-ref';
import { forgetArchived } from './archived-streams';
import { DELETED_STREAM_VERSION } from './deleted-stream-version';
import { StreamDeleted } from './stream-deleted';

/** Options of {@link EventStore.deleteStream}. */
export interface DeleteStreamOptions {
  /** Why the stream is deleted (an erasure request's reference, say), recorded in its {@link StreamDeleted} tombstone. */
  reason?: string;
}

/** A stream's deletion: its tombstone, and whether this call wrote it. */
export interface StreamDeletion {
  readonly tombstone: RecordedEvent;
  /** False when the stream was deleted already, and this call only removed what an append racing that deletion left. */
  readonly written: boolean;
}

/** Checks the options of {@link EventStore.deleteStream}, returning the reason (null when none). */
export function deleteReasonOf(options: DeleteStreamOptions | undefined): string | null {
  const { reason } = optionsObject(options);
  if (reason === undefined) return null;
  if (typeof reason !== 'string') throw new InvalidArgumentError('options.reason', `expected a string, got ${describeValue(reason)}.`);
  return reason;
}

/**
 * Deletes a stream in one transaction: writes its tombstone, a {@link StreamDeleted} event at
 * {@link DELETED_STREAM_VERSION}, then removes its other events, its snapshot, its dead letters
 * and its archived mark.
 *
 * The tombstone is written first. On SQLite a row's position is one more than the highest in the
 * table, so an event inserted after the stream's last events were removed could take one of their
 * positions; written first, it takes a position after all of them, and since the tombstone is
 * never removed, no position is ever handed out twice. On PostgreSQL the first write is where the
 * transaction draws its position (`eventfold_reserve`).
 *
 * The store's inline projections (`alsoInTransaction`) run on the tombstone in the same
 * transaction, so that a read model kept inline can forget the stream as it is deleted; if one
 * throws, nothing is deleted.
 *
 * Deleting a deleted stream writes nothing new: it removes what an append that raced the deletion
 * may have left (see the docs), and returns the tombstone there is.
 */
export async function deleteStream(
  backend: StoreBackend,
  registry: EventRegistry,
  stream: StreamRef,
  reason: string | null,
  alsoInTransaction?: InAppendTransaction,
): Promise<StreamDeletion> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await backend.transaction(async (trx) => {
        const version = await currentVersion(trx, backend.queries, stream);
        let deletion: StreamDeletion;
        if (version === DELETED_STREAM_VERSION) {
          deletion = { tombstone: await readTombstone(trx, backend, registry, stream), written: false };
        } else {
          const [prepared] = prepareEvents(registry, [new StreamDeleted(stream.type, stream.id, version, reason)], undefined);
          const tombstone = prepared!; // one event prepared
          const locks = alsoInTransaction?.locksFor([tombstone]) ?? [];
          const { positions, recordedAt } = await backend.insertTombstone(trx, stream, tombstone, locks);
          deletion = {
            tombstone: {
              position: positions[0]!, // one event inserted
              eventId: tombstone.id,
              streamType: stream.type,
              streamId: stream.id,
              streamVersion: DELETED_STREAM_VERSION,
              type: tombstone.type,
              schemaVersion: tombstone.schemaVersion,
              event: tombstone.event,
              metadata: tombstone.metadata,
              recordedAt,
            },
            written: true,
          };
          await alsoInTransaction?.run(trx, [deletion.tombstone]);
        }
        await eraseStream(trx, stream);
        return deletion;
      });
    } catch (error) {
      // Two deletions of one stream at once on PostgreSQL: the second finds the first's tombstone
      // in its way, and, tried again, finds the stream deleted.
      if (attempt === 1 && backend.uniqueViolationOf(error) === 'stream-version') continue;
      throw error;
    }
  }
}

/** Removes everything of a stream but its tombstone. */
async function eraseStream(trx: Kysely<EventfoldTables>, stream: StreamRef): Promise<void> {
  await trx
    .deleteFrom(EVENTS_TABLE)
    .where('stream_type', '=', stream.type)
    .where('stream_id', '=', stream.id)
    .where('stream_version', '<', DELETED_STREAM_VERSION)
    .execute();
  await trx.deleteFrom(SNAPSHOTS_TABLE).where('stream_type', '=', stream.type).where('stream_id', '=', stream.id).execute();
  await trx.deleteFrom(DEAD_LETTERS_TABLE).where('stream_type', '=', stream.type).where('stream_id', '=', stream.id).execute();
  await forgetArchived(trx, stream);
}

async function readTombstone(trx: Kysely<EventfoldTables>, backend: StoreBackend, registry: EventRegistry, stream: StreamRef): Promise<RecordedEvent> {
  const { rows } = await trx.executeQuery(backend.queries.pageOfStream(stream, DELETED_STREAM_VERSION - 1, undefined, 1, true));
  // The stream is at the tombstone's version, so the tombstone is there to read, and decodes:
  // every store knows StreamDeleted.
  return new StoredEventDecoder(registry, 'throw').decode(tupleOfStoredRow(rows[0]!))!;
}
