import type { Kysely } from 'kysely';
import type { RecordedEvent } from '../../store/recorded-event';
import type { EventfoldTables } from '../../store/schema';
import { attemptWithRetries, type AttemptOutcome, type BackoffHooks } from '../attempts';
import { projectionOf, type BoundSubscriber } from '../bound-subscriber';
import { UndecodableEvent } from '../event-feed';
import type { ProjectionContext } from '../subscriber-context';
import { processEventAccess } from '../../process-managers/bind-process-manager';
import { beginStepTransaction } from '../../process-managers/step-transaction';
import { UnfinishedAttemptsError } from '../subscriber-errors';
import type { StatsCollector } from '../subscriber-stats';
import type { AttemptJournal } from './attempt-journal';
import { StaleCheckpointError } from './checkpoint-writer';
import type { RunnerEnvironment } from './runner-environment';
import { DeliveryTelemetry } from '../../telemetry/delivery-telemetry';

/** Registers work to run once a transaction has committed. */
type AfterCommit = (callback: () => void) => void;

/** Work a projection does in the transaction of an attempt besides applying events (a checkpoint write). */
export type AlsoInTransaction = (db: Kysely<EventfoldTables>) => Promise<void>;

/**
 * Calls a subscriber's `@On` methods: one event with the retry policy, or a projection's batch in
 * one transaction. Attempts are numbered on from those a crash cut short, and an event the
 * journal has given up on is failed without another attempt.
 */
export class EventAttempts {
  private readonly observer = {
    failed: () => void this.stats.failed++,
    retrying: () => {
      this.stats.retried++;
      this.telemetry.retrying();
    },
  };
  /** Spans and counts of this subscriber's deliveries. */
  readonly telemetry: DeliveryTelemetry;

  constructor(
    private readonly env: RunnerEnvironment,
    private readonly subscriber: BoundSubscriber,
    /** Aborted when the work of this tenure of the lease is to end (a stop, a lost lease). */
    private readonly stopping: () => AbortSignal,
    private readonly stats: StatsCollector,
    private readonly journal: AttemptJournal,
  ) {
    this.telemetry = new DeliveryTelemetry(env.store.telemetry, subscriber.name, subscriber.kind);
  }

  /**
   * Runs attempts at one event with the subscriber's retry policy. A projection's attempt is a
   * transaction that also runs `alsoInTransaction`. `attemptsBefore` defaults to the attempts a
   * crash cut short. `backoff` is told when a retry waits and when it resumes.
   */
  attempt(recorded: RecordedEvent, alsoInTransaction?: AlsoInTransaction, attemptsBefore?: number, backoff?: BackoffHooks): Promise<AttemptOutcome> {
    const verdict = this.journal.verdictFor(recorded.position);
    if (verdict) {
      const error = new UnfinishedAttemptsError(this.subscriber.name, verdict.position, verdict.attempts, verdict.firstAt, verdict.lastAt);
      return Promise.resolve({ kind: 'failed', attempts: verdict.attempts, error });
    }
    const undecodable = recorded.event instanceof UndecodableEvent;
    const policy = undecodable ? { ...this.subscriber.retry, maxAttempts: 1 } : this.subscriber.retry;
    return attemptWithRetries(
      policy,
      this.subscriber.name,
      this.stopping(),
      this.observer,
      (attempt, signal) => {
        if (this.subscriber.kind === 'handler') return this.invoke(recorded, attempt, signal);
        return this.inTransaction(signal, async (db, afterCommit) => {
          await this.applyAll([recorded], attempt, signal, db, afterCommit);
          await alsoInTransaction?.(db);
        });
      },
      isHandlerFailure,
      attemptsBefore ?? this.journal.attemptsBefore(recorded.position),
      backoff,
    );
  }

  /** Applies a projection's batch in one transaction, once; a failure is for the caller to split. */
  attemptTogether(batch: readonly RecordedEvent[], alsoInTransaction: AlsoInTransaction): Promise<AttemptOutcome> {
    const ignore = { failed: () => undefined, retrying: () => undefined };
    return attemptWithRetries(
      { ...this.subscriber.retry, maxAttempts: 1 },
      this.subscriber.name,
      this.stopping(),
      ignore,
      (attempt, signal) =>
        this.inTransaction(signal, async (db, afterCommit) => {
          await this.applyAll(batch, attempt, signal, db, afterCommit);
          await alsoInTransaction(db);
        }),
      isHandlerFailure,
    );
  }

  /**
   * Runs `work` in a write transaction that is rolled back if the attempt was abandoned (timed
   * out) meanwhile, so a late finish of an abandoned attempt can never commit beside its retry.
   */
  private async inTransaction(signal: AbortSignal, work: (db: Kysely<EventfoldTables>, afterCommit: AfterCommit) => Promise<void>): Promise<void> {
    // What the work asks to run once its writes are visible (a process manager's step announcing
    // the events it appended): after the commit, and never after a rollback.
    const committed: Array<() => void> = [];
    await this.env.store.eventfoldTransaction(async (db) => {
      // A process manager's steps append in between their other writes.
      if (this.subscriber.kind === 'process-manager') await beginStepTransaction(this.env.store, db);
      await work(db, (callback) => committed.push(callback));
      if (signal.aborted) throw signal.reason;
    });
    for (const callback of committed) callback();
  }

  /** A projection's events in its transaction: all at once for a fold projection, else one `@On` call each. */
  private async applyAll(batch: readonly RecordedEvent[], attempt: number, signal: AbortSignal, db: Kysely<EventfoldTables>, afterCommit: AfterCommit): Promise<void> {
    const { applyInTransaction } = this.subscriber;
    if (!applyInTransaction) {
      for (const recorded of batch) await this.invoke(recorded, attempt, signal, { db, afterCommit });
      return;
    }
    for (const recorded of batch) if (recorded.event instanceof UndecodableEvent) throw recorded.event.error;
    await this.telemetry.deliverBatch(batch, attempt, () => applyInTransaction(db, batch, (table) => this.physicalName(table)));
  }

  /**
   * THE place where a projection is handed the transaction it writes its read model through.
   * During a blue/green rebuild the `db` it gets sends its queries to the copies of its tables,
   * and `tableName` tells hand-written SQL where they are (see {@link ReadModelTables}).
   */
  private readModelAccess(db: Kysely<EventfoldTables>): Pick<ProjectionContext, 'db' | 'tableName'> {
    return { db: this.env.readModels.writer(projectionOf(this.subscriber), db), tableName: (table) => this.physicalName(table) };
  }

  /** The table the projection's writes to `table` reach now: the table, or its copy during a rebuild. */
  private physicalName(table: string): string {
    return this.env.readModels.physicalName(projectionOf(this.subscriber), table);
  }

  private async invoke(
    recorded: RecordedEvent,
    attempt: number,
    signal: AbortSignal,
    transaction?: { db: Kysely<EventfoldTables>; afterCommit: AfterCommit },
  ): Promise<void> {
    if (recorded.event instanceof UndecodableEvent) throw recorded.event.error;
    const handler = this.subscriber.handlers.get(recorded.event.constructor);
    if (!handler) return;
    const context = {
      recorded,
      eventId: recorded.eventId,
      position: recorded.position,
      metadata: recorded.metadata,
      attempt,
      signal,
      ...(transaction ? this.transactionAccess(transaction.db, transaction.afterCommit) : { store: this.env.store, deadlines: this.env.deadlines }),
    };
    await this.telemetry.deliver(recorded, attempt, handler, context);
  }

  /**
   * What a transactional subscriber reaches besides the event: a projection its read model; a
   * process manager also the store (through a view inside the transaction, see
   * `process-managers/process-step.ts`) and the commit's hooks.
   */
  private transactionAccess(db: Kysely<EventfoldTables>, afterCommit: AfterCommit): Pick<ProjectionContext, 'db' | 'tableName'> {
    if (this.subscriber.kind !== 'process-manager') return this.readModelAccess(db);
    const { env } = this;
    return processEventAccess(env.store, db, afterCommit, (dueAt) => env.deadlineWakeUp.wake(dueAt));
  }
}

/** Lost leases are not the handler's doing: never retried, never dead-lettered. */
function isHandlerFailure(error: unknown): boolean {
  return !(error instanceof StaleCheckpointError);
}
