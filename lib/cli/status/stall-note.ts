import type { HorizonStall } from '../../store/postgres/horizon-stall';
import { describeHorizonStall, horizonStallRemedy } from '../../store/postgres/horizon-stall-text';

/**
 * The lines `eventfold status` prints under its table while a transaction left open on the
 * PostgreSQL server holds readers back: which events wait, for what, and how to end it.
 *
 * @example
 * ```ts
 * const stall: HorizonStall = {
 *   readableHead: 1200, latestPosition: 1213, since: new Date('2026-03-02T09:14:05Z'), forMs: 95_000,
 *   holder: { kind: 'prepared', gid: 'payment-17', transactionId: '7851', database: 'app', user: 'billing', transactionAgeMs: 600_000, xidAge: 1204 },
 * };
 * stallNote(stall);
 * // [
 * //   "Stalled: the events committed after position 1200 (up to 1213) have waited 95 s for prepared transaction 'payment-17' (database app, owner billing, prepared 10 min ago, xid age 1204) to end.",
 * //   "Nothing is lost: subscribers get them, in order, once it ends. To release them now, finish that prepared transaction in database app with `COMMIT PREPARED 'payment-17'` or `ROLLBACK PREPARED 'payment-17'`.",
 * // ]
 * ```
 */
export function stallNote(stall: HorizonStall): string[] {
  return [
    `Stalled: ${describeHorizonStall(stall)}.`,
    `Nothing is lost: subscribers get them, in order, once it ends. To release them now, ${horizonStallRemedy(stall.holder)}.`,
  ];
}
