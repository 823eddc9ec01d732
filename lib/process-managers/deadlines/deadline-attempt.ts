import { sql, type Kysely } from 'kysely';
import { retryDelay, type RetryPolicy } from '../../subscriptions/retry-policy';
import type { StoreBackend } from '../../store/backend/store-backend';
import type { EventfoldTables } from '../../store/schema';
import { DeadlineTimeoutError, messageOf } from './deadline-errors';
import { deadlineLabel, FAILED, PENDING } from './deadline-table';
import { dueDeadlineOf, type DueDeadline } from './due-deadline';
import { claimDueDeadline, deleteDeliveredDeadline, recordFailedAttempt, type FoundDeadline, type RowClaim } from './due-deadline-queries';

/**
 * Delivers a deadline in `trx`, a transaction of the store, together with its effects: what it
 * writes through `trx` commits with the deadline's deletion, or not at all; throwing undoes it
 * and counts as a failed attempt. It must write through `trx` only (neither commit nor roll it
 * back), and settle soon once `signal` aborts (the delivery is stopping, or its time ran out):
 * the transaction, and on SQLite the database's write lock, stay open until it settles.
 */
export type DeliverDeadline = (trx: Kysely<EventfoldTables>, deadline: DueDeadline, signal: AbortSignal) => Promise<void>;

/** What receives the deadlines of one process manager, and how its failed deliveries are retried. */
export interface DeadlineReceiver {
  readonly deliver: DeliverDeadline;
  readonly retry: RetryPolicy;
}

/** What a deadline's delivery needs of the store. */
export type DeadlineBackend = Pick<StoreBackend, 'name' | 'db' | 'transaction'>;

/** How one attempt at a deadline ended. */
export type DeadlineAttemptOutcome =
  | { readonly kind: 'delivered'; readonly due: DueDeadline }
  /** Failed, and due again at `retryAtMs`. */
  | { readonly kind: 'retrying'; readonly error: unknown; readonly attempts: number; readonly retryAtMs: number }
  /** Failed its last attempt: kept as failed. */
  | { readonly kind: 'failed'; readonly error: unknown; readonly attempts: number; readonly label: string }
  /** Delivered or cancelled meanwhile, no longer due, or being delivered by another process. */
  | { readonly kind: 'gone' }
  /** The delivery stopped while the deadline was being delivered, which undid it: it stays due. */
  | { readonly kind: 'stopped' };

/** What {@link attemptDeadline} works with. */
export interface DeadlineAttempt {
  readonly claim: RowClaim;
  /** The receivers of the delivery's process managers, by name. */
  readonly receivers: ReadonlyMap<string, DeadlineReceiver>;
  readonly now: () => number;
  readonly stopping: AbortSignal;
  /**
   * Whether other attempts may follow in the same transaction: each then releases its savepoint,
   * so that they do not pile up (PostgreSQL slows down past 64 open subtransactions). With one
   * attempt per transaction the commit ends it, and the release would only cost a round trip.
   */
  readonly shareTransactions: boolean;
}

const SAVEPOINT = sql.raw('eventfold_deadline_delivery');

/**
 * One attempt at a found deadline in `trx`, a transaction of the store: claim its row, deliver
 * it, delete it. Several attempts may share a transaction, one after the other.
 *
 * The delivery runs after a savepoint. When it fails, the transaction goes back to the
 * savepoint, which undoes every effect of the delivery (and, on PostgreSQL, clears a transaction
 * the failure aborted) and nothing of the attempts before it, and records the failure on the row
 * it still holds, so that no other process tries the deadline between the failure and its
 * record. A crash at any point leaves each deadline either delivered with its effects, or
 * pending without them.
 */
export async function attemptDeadline(trx: Kysely<EventfoldTables>, attempt: DeadlineAttempt, found: FoundDeadline): Promise<DeadlineAttemptOutcome> {
  const { claim, receivers, now, stopping, shareTransactions } = attempt;
  const receiver = receivers.get(found.processManager);
  const row = receiver && (await claimDueDeadline(trx, claim, found.id, now()));
  if (!receiver || !row) return { kind: 'gone' };
  const label = deadlineLabel(row.process_manager, row.instance_key, row.name);
  await sql`savepoint ${SAVEPOINT}`.execute(trx);
  let due: DueDeadline | undefined;
  const failure = await settle(
    async (signal) => {
      // A payload that no longer parses fails like a delivery: retried, then kept as failed.
      due = dueDeadlineOf(row);
      await receiver.deliver(trx, due, signal);
    },
    { timeoutMs: receiver.retry.timeoutMs, label, stopping },
  );
  if (failure === undefined && due) {
    if (shareTransactions) await sql`release savepoint ${SAVEPOINT}`.execute(trx);
    await deleteDeliveredDeadline(trx, row.id);
    return { kind: 'delivered', due };
  }
  await sql`rollback to savepoint ${SAVEPOINT}`.execute(trx);
  if (shareTransactions) await sql`release savepoint ${SAVEPOINT}`.execute(trx);
  if (failure?.stopped) return { kind: 'stopped' };
  const error = failure?.error;
  const attempts = Number(row.attempts) + 1;
  if (attempts >= receiver.retry.maxAttempts) {
    await recordFailedAttempt(trx, row.id, { attempts, lastError: messageOf(error), status: FAILED, dueAtMs: Number(row.due_at) });
    return { kind: 'failed', error, attempts, label };
  }
  const retryAtMs = now() + retryDelay(receiver.retry, attempts);
  await recordFailedAttempt(trx, row.id, { attempts, lastError: messageOf(error), status: PENDING, dueAtMs: retryAtMs });
  return { kind: 'retrying', error, attempts, retryAtMs };
}

/**
 * Runs `work` with a signal aborted when it takes longer than `timeoutMs` or when `stopping`
 * aborts, and waits for it to settle either way: its queries run in the delivery's transaction,
 * which must not end under it. Resolves to undefined when it succeeded (late or not), else to
 * why it failed.
 */
async function settle(
  work: (signal: AbortSignal) => Promise<void>,
  limits: { readonly timeoutMs: number; readonly label: string; readonly stopping: AbortSignal },
): Promise<{ readonly error: unknown; readonly stopped: boolean } | undefined> {
  const controller = new AbortController();
  const onStop = () => controller.abort(limits.stopping.reason);
  if (limits.stopping.aborted) onStop();
  else limits.stopping.addEventListener('abort', onStop, { once: true });
  // Made only when the time runs out: an error's stack costs more than most deliveries.
  const timer = setTimeout(() => controller.abort(new DeadlineTimeoutError(limits.label, limits.timeoutMs)), limits.timeoutMs);
  try {
    await work(controller.signal);
    return undefined;
  } catch (error) {
    const reason: unknown = controller.signal.reason;
    if (controller.signal.aborted && reason instanceof DeadlineTimeoutError) return { error: reason, stopped: false };
    return { error, stopped: limits.stopping.aborted };
  } finally {
    clearTimeout(timer);
    limits.stopping.removeEventListener('abort', onStop);
  }
}
