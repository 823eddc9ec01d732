import type { HorizonHolder, HorizonStall } from '../../store/postgres/horizon-stall';
import { describeHorizonStall, horizonStallRemedy, roughDuration } from '../../store/postgres/horizon-stall-text';
import type { SubscriberLogger } from './subscriber-logger';

/**
 * Tells the application's logger that subscribers are held back by a transaction left open on
 * the PostgreSQL server (a warning that names it and says how to end it), and later that they
 * are not any more.
 */
export class HorizonStallReports {
  constructor(private readonly logger: SubscriberLogger) {}

  /** Subscribers have waited for `stall.holder` past the dispatcher's `horizonStallWarnMs`. */
  held(subscribers: readonly string[], stall: HorizonStall): void {
    this.logger.warn(
      `eventfold: ${subjectOf(subscribers)} held back: ${describeHorizonStall(stall)}. Nothing is lost: they are delivered, in order, once it ends. ` +
        `To release them now, ${horizonStallRemedy(stall.holder)}. Setting idle_in_transaction_session_timeout on the server ends forgotten sessions by itself.`,
    );
  }

  /** The transaction reported by {@link HorizonStallReports.held} ended; `heldForMs` is how long readers waited for it. */
  released(subscribers: readonly string[], holder: HorizonHolder | null, heldForMs: number): void {
    this.logger.info(`eventfold: ${subjectOf(subscribers)} no longer held back: ${nameOf(holder)} ended after holding readers back for ${roughDuration(heldForMs)}.`);
  }
}

function subjectOf(subscribers: readonly string[]): string {
  const names = subscribers.map((name) => `'${name}'`).join(', ');
  return subscribers.length === 1 ? `subscriber ${names} is` : `subscribers ${names} are`;
}

function nameOf(holder: HorizonHolder | null): string {
  if (holder === null) return 'the transaction';
  return holder.kind === 'prepared' ? `prepared transaction '${holder.gid}'` : `the transaction of backend pid ${holder.pid}`;
}
