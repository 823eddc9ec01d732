import { CompiledQuery, type Kysely } from 'kysely';
import type { EventfoldTables } from '../schema';

/**
 * Takes a transaction-scoped advisory lock for each of `keys` (the inline projections an append
 * runs), in one statement, in sorted order so that two appends never wait for each other's next
 * lock. Taken before `eventfold_append` reserves positions (an advisory lock writes nothing, so
 * the reservation still comes before the transaction's first write): appends that run the same
 * projection then reserve, apply and commit one after another, and the projection sees them in
 * the order of their positions. The lock space is the schema's own, beside its stream locks.
 */
export async function lockInlineWork(trx: Kysely<EventfoldTables>, keys: readonly string[]): Promise<void> {
  const sorted = [...new Set(keys)].sort();
  await trx.executeQuery(
    CompiledQuery.raw(
      "select pg_advisory_xact_lock(hashtext('eventfold:' || current_schema() || ':inline'), hashtext(key)) from unnest($1::text[]) with ordinality as lock(key, n) order by n",
      [sorted],
    ),
  );
}
