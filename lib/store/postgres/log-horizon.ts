import { sql, type RawBuilder } from 'kysely';
import { EVENTS_TABLE } from '../schema';

/**
 * The readable head of a PostgreSQL event log: the highest position that no transaction still
 * running can come to precede. Every read of the whole log (`readAll`, the dispatcher's feed,
 * rebuilds, `eventfold tail`) stops there, and `headPosition()` reports it.
 *
 * Appends commit concurrently, so a position is not visible the moment a higher one is: position
 * 7 may commit after 8. A reader that passed 8 and then asked for "after 8" would never see 7.
 * What keeps this from happening is an invariant of how appends draw their numbers
 * (`eventfold_reserve`, migration 0005): an append takes its transaction id and all its positions
 * together, one append at a time, so of two appends, the one with the lower transaction id has
 * the lower positions. The snapshot's `xmin` is the oldest transaction id still running anywhere
 * in the cluster. Every row whose `tx` is below it is final (committed and visible, or rolled
 * back and gone), and every row that may still appear has a `tx` at or above it, hence a higher
 * position than every final row. The rows below `xmin` are therefore a prefix of the log by
 * position, and paging by `position > cursor` up to their highest position can neither skip nor
 * repeat an event. Rows written before migration 0005 have `tx = 0` and are always readable.
 *
 * A position at or below the head stays final, so the head may be read in one statement and
 * used in another; reads put it in the same statement as their rows to save the round trip. It is
 * found by a backward scan of the `(tx, position)` index: one index probe, however long the log.
 *
 * The cost: an event becomes readable only once every transaction that started writing before
 * it was appended has ended, in any database of the cluster, whatever it writes. A transaction
 * left open holds every reader back until it ends; nothing is lost meanwhile.
 */
export const READABLE_HEAD: RawBuilder<number> = sql`(select position from ${sql.table(
  EVENTS_TABLE,
)} where tx < pg_snapshot_xmin(pg_current_snapshot()) order by tx desc, position desc limit 1)`;

/**
 * One row with the readable head ({@link READABLE_HEAD}, 0 when nothing is readable) and the
 * latest committed position: when the latter is higher, committed events wait behind a
 * transaction still running.
 */
export const LOG_HORIZON: RawBuilder<{ readable: number | string; latest: number | string }> =
  sql`select coalesce(${READABLE_HEAD}, 0) as readable, coalesce((select max(position) from ${sql.table(EVENTS_TABLE)}), 0) as latest`;
