import { InvalidArgumentError } from '../../errors/invalid-argument-error';
import { describeValue } from '../../store/describe-value';
import { sleep } from '../../subscriptions/attempts';
import { DeadlineAlarm } from './deadline-alarm';
import { attemptDeadline, type DeadlineAttempt, type DeadlineAttemptOutcome } from './deadline-attempt';
import { deadlineDeliverySettings, type DeadlineDeliveryOptions, type DeadlineDeliverySettings } from './deadline-delivery-options';
import { DeadlineFailedError } from './deadline-errors';
import { DeadlineCounters, type DeadlineStats } from './deadline-stats';
import { findDueDeadlines, findNextDueAt, rowClaimOf, type FoundDeadline } from './due-deadline-queries';

export type { DeadlineBackend, DeadlineReceiver, DeliverDeadline } from './deadline-attempt';

/** Due deadlines read per look at the table. */
const LOOK_SIZE = 100;
/** The pause after eventfold's own work failed (the database went away), before looking again. */
const BOOKKEEPING_PAUSE_MS = 1000;

/**
 * Delivers the deadlines of some process managers when they fall due, each in a transaction with
 * its effects (shared by a few when several are due at once: see `deadlinesPerTransaction`),
 * the first due first,
 * never before its time by the clock of the process that delivers it: processes on several
 * machines need their clocks kept in step (NTP), as the deadlines' times come from the clocks of
 * the processes that scheduled them.
 *
 * Any number of processes may run one over the same database: a deadline is claimed by the
 * transaction that delivers it (see `RowClaim`), so one process at a time delivers it, and one
 * that dies while delivering leaves it due for the others. Delivery is at least once: a deadline
 * whose transaction did not commit is delivered again.
 *
 * The delivery looks when it starts (delivering what fell due while no process ran), then sleeps
 * until the first known due time or `pollIntervalMs`, whichever comes first. The process that
 * commits a new deadline calls {@link DeadlineDelivery.wake} so that it is delivered on time
 * without polling.
 *
 * @example
 * ```ts
 * declare const backend: DeadlineBackend;
 * declare const retry: DeadlineReceiver['retry'];
 * const delivery = new DeadlineDelivery({
 *   backend,
 *   processManagers: new Map([['order-expiry', { retry, deliver: async (trx, due) => console.log(`${due.name} of ${due.instanceKey}`) }]]),
 *   pollIntervalMs: 1000,
 *   onError: (error, processManager) => console.error(processManager, error),
 * });
 * delivery.start();
 * // ... after committing a deadline due at dueAt:
 * delivery.wake(Date.now() + 30_000);
 * await delivery.stop();
 * ```
 */
export class DeadlineDelivery {
  private readonly settings: DeadlineDeliverySettings;
  private readonly names: readonly string[];
  private readonly counters = new Map<string, DeadlineCounters>();
  private readonly alarm: DeadlineAlarm;
  private stopping = new AbortController();
  private running: Promise<void> | undefined;
  private looksBegun = 0;
  private looksEnded = 0;
  private lookWaiters: Array<{ readonly after: number; readonly resolve: () => void }> = [];

  constructor(options: DeadlineDeliveryOptions) {
    this.settings = deadlineDeliverySettings(options);
    this.names = [...this.settings.processManagers.keys()];
    for (const name of this.names) this.counters.set(name, new DeadlineCounters());
    this.alarm = new DeadlineAlarm(this.settings.now);
  }

  /** Starts delivering: at once what is due, then as deadlines fall due. Does nothing when running. */
  start(): void {
    if (this.running) return;
    this.stopping = new AbortController();
    this.running = this.run(this.stopping.signal);
  }

  /**
   * Tells the delivery that a deadline of its process managers falls due at `dueAtMs` (now when
   * left out): call it once the transaction that scheduled it committed.
   *
   * @throws {@link InvalidArgumentError} for a time that is not a number.
   */
  wake(dueAtMs?: number): void {
    if (dueAtMs !== undefined && (typeof dueAtMs !== 'number' || Number.isNaN(dueAtMs))) {
      throw new InvalidArgumentError('dueAtMs', `expected milliseconds since 1970, got ${describeValue(dueAtMs)}.`);
    }
    this.alarm.tell(dueAtMs);
  }

  /**
   * Delivers every deadline due now by the delivery's clock, and resolves once a look that began
   * after the call is over. A running delivery looks at once (and reports a failure of its own
   * work to `onError`); a stopped one looks in this call, which rejects with such a failure.
   * For tests that move the clock, and for the runtime's own tests.
   */
  async deliverDue(): Promise<void> {
    if (!this.running) {
      await this.look(new AbortController().signal).catch((failure: unknown) => {
        throw failure instanceof DeliveryBroke ? failure.error : failure;
      });
      return;
    }
    const over = new Promise<void>((resolve) => this.lookWaiters.push({ after: this.looksBegun, resolve }));
    this.alarm.tell();
    return over;
  }

  /**
   * Stops delivering and waits for the delivery in progress, whose signal it aborts: a delivery
   * that then fails is undone and stays due, without counting as a failed attempt.
   */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.stopping.abort();
    this.alarm.tell();
    await this.running;
    this.running = undefined;
    for (const waiter of this.lookWaiters.splice(0)) waiter.resolve();
  }

  /**
   * The figures of one of the delivery's process managers in this process.
   *
   * @throws {@link InvalidArgumentError} for a process manager the delivery does not deliver.
   */
  stats(processManager: string): DeadlineStats {
    const counters = this.counters.get(processManager);
    if (!counters)
      throw new InvalidArgumentError(
        'processManager',
        `expected one of ${this.names.map((name) => `'${name}'`).join(', ') || 'no names (the delivery has no process managers)'}, got ${describeValue(processManager)}.`,
      );
    return counters.stats(this.settings.now());
  }

  private async run(stopping: AbortSignal): Promise<void> {
    const { now, pollIntervalMs } = this.settings;
    while (!stopping.aborted) {
      let nextDueAtMs: number | undefined;
      try {
        nextDueAtMs = await this.look(stopping);
      } catch (failure) {
        const { error, processManager } = failure instanceof DeliveryBroke ? failure : { error: failure, processManager: undefined };
        this.report(error, processManager);
        // Whatever failed will most likely fail again at once: a pause keeps the loop from spinning.
        await sleep(BOOKKEEPING_PAUSE_MS, stopping);
        continue;
      }
      if (stopping.aborted) break;
      await this.alarm.sleep(Math.min(nextDueAtMs ?? Infinity, now() + pollIntervalMs));
    }
  }

  /** Delivers what is due, and returns when the next deadline known falls due. */
  private async look(stopping: AbortSignal): Promise<number | undefined> {
    const { backend, now, deadlinesPerTransaction } = this.settings;
    this.alarm.lookBegins();
    this.looksBegun++;
    try {
      if (this.names.length === 0) return undefined;
      // The next due time is asked after the clock reading of the last look, not a later one: a
      // deadline that fell due in between would otherwise be neither found nor waited for, and
      // would wait for the poll.
      let lookedAtMs: number;
      for (;;) {
        lookedAtMs = now();
        const found = await findDueDeadlines(backend.db, this.names, lookedAtMs, LOOK_SIZE);
        for (const [name, counters] of this.counters) counters.found(found.filter((deadline) => deadline.processManager === name));
        let claimed = 0;
        for (let start = 0; start < found.length && !stopping.aborted; start += deadlinesPerTransaction) {
          claimed += await this.deliver(found.slice(start, start + deadlinesPerTransaction), stopping);
        }
        if (stopping.aborted) return undefined;
        // Rows other processes hold come first again: looking again at once would spin on them.
        if (found.length < LOOK_SIZE || claimed === 0) break;
      }
      return await findNextDueAt(backend.db, this.names, lookedAtMs);
    } finally {
      for (const counters of this.counters.values()) counters.found([]);
      this.looksEnded++;
      const over = this.lookWaiters.filter((waiter) => waiter.after < this.looksEnded);
      this.lookWaiters = this.lookWaiters.filter((waiter) => waiter.after >= this.looksEnded);
      for (const waiter of over) waiter.resolve();
    }
  }

  /**
   * Attempts found deadlines in one transaction, which commits what each did, and returns how many
   * this process claimed. The figures count them once the transaction committed.
   */
  private async deliver(deadlines: readonly FoundDeadline[], stopping: AbortSignal): Promise<number> {
    const { backend, now, processManagers, deadlinesPerTransaction } = this.settings;
    const attempt: DeadlineAttempt = { claim: rowClaimOf(backend), receivers: processManagers, now, stopping, shareTransactions: deadlinesPerTransaction > 1 };
    const outcomes: Array<[FoundDeadline, DeadlineAttemptOutcome]> = [];
    try {
      await backend.transaction(async (trx) => {
        outcomes.length = 0;
        for (const deadline of deadlines) {
          if (stopping.aborted) break;
          outcomes.push([deadline, await attemptDeadline(trx, attempt, deadline)]);
        }
      });
    } catch (error) {
      throw new DeliveryBroke(error, deadlines[0]!.processManager);
    } finally {
      for (const deadline of deadlines) this.counters.get(deadline.processManager)!.handled(deadline);
    }
    const committedAtMs = now();
    let claimed = 0;
    for (const [{ processManager }, outcome] of outcomes) {
      const counters = this.counters.get(processManager)!;
      if (outcome.kind === 'delivered') counters.deliveredLate(outcome.due.dueAt.getTime(), committedAtMs);
      else if (outcome.kind === 'retrying') counters.retried++;
      else if (outcome.kind === 'failed') {
        counters.failed++;
        this.report(new DeadlineFailedError(outcome.label, outcome.attempts, { cause: outcome.error }), processManager);
      }
      if (outcome.kind !== 'gone' && outcome.kind !== 'stopped') claimed++;
    }
    return claimed;
  }

  private report(error: unknown, processManager: string | undefined): void {
    try {
      this.settings.onError(error, processManager);
    } catch {
      // The application's onError threw: nothing is left to tell, and the delivery must go on.
    }
  }
}

/** eventfold's own work failed while delivering a deadline of `processManager`: carries the failure to the loop, never to a caller. */
class DeliveryBroke extends Error {
  constructor(
    readonly error: unknown,
    readonly processManager: string,
  ) {
    super('a deadline delivery broke');
  }
}
