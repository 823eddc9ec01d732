import { CompiledQuery, type Kysely } from 'kysely';
import { ConcurrencyError } from '../concurrency-error';
import { ANY_VERSION, NO_STREAM, STREAM_EXISTS } from '../expected-version';
import type { AppendOutcome, AppendTry } from '../backend/append-try';
import type { EventfoldTables } from '../schema';
import { CALL_APPEND_FUNCTION_SQL, STREAM_VERSION_MISMATCH } from './append-function-sql';

interface AppendRow {
  first_position: number | string;
  from_version: number;
  recorded_ms: number;
}

/**
 * Appends events to a PostgreSQL stream with one statement, `eventfold_append` (migration 0006),
 * run on its own so that it commits by itself: the stream lock when `attempt.lockStream`, the version
 * check, the reservation of positions and the insert, in one round trip.
 *
 * A stream at another version than `expected` throws {@link ConcurrencyError} with the version it
 * is at. A unique violation is thrown as PostgreSQL reported it, for the caller to recognise.
 *
 * The function knows numbers and "any" (null) only. {@link STREAM_EXISTS} is passed as "any": the
 * caller has seen the stream with events, and a stream only loses its events by being deleted,
 * which leaves its tombstone at the highest version; an append after that fails (and is reported
 * as `StreamDeletedError`), so whatever version it is at by now satisfies the expectation.
 */
export async function appendInOneCall(db: Kysely<EventfoldTables>, attempt: AppendTry): Promise<AppendOutcome> {
  const { stream, expected, events, lockStream } = attempt;
  const count = events.length;
  const ids = new Array<string>(count);
  const types = new Array<string>(count);
  const schemaVersions = new Array<number>(count);
  const payloads = new Array<string>(count);
  const metadata = new Array<string>(count);
  events.forEach((event, index) => {
    ids[index] = event.id;
    types[index] = event.type;
    schemaVersions[index] = event.schemaVersion;
    payloads[index] = event.payload;
    metadata[index] = event.metadataText;
  });
  const expectedParameter = expected === ANY_VERSION || expected === STREAM_EXISTS ? null : expected === NO_STREAM ? 0 : expected;
  const parameters = [stream.type, stream.id, expectedParameter, lockStream, ids, types, schemaVersions, payloads, metadata];
  const query: CompiledQuery<AppendRow> = CompiledQuery.raw(CALL_APPEND_FUNCTION_SQL, parameters);
  let rows: AppendRow[];
  try {
    ({ rows } = await db.executeQuery(query));
  } catch (error) {
    const { code, detail } = error as { code?: unknown; detail?: unknown };
    if (code === STREAM_VERSION_MISMATCH) throw new ConcurrencyError(stream, expected, Number(detail));
    throw error;
  }
  // The function returns one row, or raises.
  const { first_position, from_version, recorded_ms } = rows[0]!;
  const first = Number(first_position);
  return {
    fromVersion: Number(from_version),
    positions: Array.from({ length: count }, (_, offset) => first + offset),
    recordedAt: new Date(recorded_ms),
  };
}
