import type { Kysely } from 'kysely';
import { ConcurrencyError } from '../concurrency-error';
import { currentVersion } from '../current-version';
import type { EventLogQueries } from '../event-log-queries';
import { matchesExpectedVersion } from '../expected-version';
import type { EventfoldTables } from '../schema';
import type { AppendOutcome, AppendTry, InsertedEvents } from './append-try';

/**
 * The body of an append's transaction on a backend that writes it in steps: reads the stream's
 * version, refuses the append with a {@link ConcurrencyError} unless it is the expected one, and
 * has `insert` store the events after it.
 */
export async function checkVersionAndInsert(
  trx: Kysely<EventfoldTables>,
  queries: EventLogQueries,
  attempt: AppendTry,
  insert: (fromVersion: number) => Promise<InsertedEvents>,
): Promise<AppendOutcome> {
  const actual = await currentVersion(trx, queries, attempt.stream);
  if (!matchesExpectedVersion(attempt.expected, actual)) throw new ConcurrencyError(attempt.stream, attempt.expected, actual);
  const { positions, recordedAt } = await insert(actual);
  return { fromVersion: actual, positions, recordedAt };
}
