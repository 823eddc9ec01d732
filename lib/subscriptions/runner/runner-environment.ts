import type { EventStore } from '../../event-store/event-store';
import type { DeadLetterStore } from '../dead-letter-store';
import type { FailureReports } from '../logging/failure-reports';
import type { SubscriptionStore } from '../subscription-store';
import type { SerialWrites } from './serial-writes';
import type { TurnBudget } from './turn-budget';

/** What every runner of one dispatcher shares. */
export interface RunnerEnvironment {
  readonly store: EventStore;
  readonly subscriptions: SubscriptionStore;
  readonly deadLetters: DeadLetterStore;
  /** Identifies this process in leases. */
  readonly owner: string;
  readonly leaseMs: number;
  readonly pageSize: number;
  /** Told about failures of eventfold's own work (a checkpoint that could not be saved). */
  readonly onError: (error: unknown, subscriber: string) => void;
  /** Tells the application's logger what an operator has to act on: parked events, halts, lost leases. */
  readonly reports: FailureReports;
  /** Shares the event loop's turns among the dispatcher's subscribers. */
  readonly turns: TurnBudget;
  /** Keeps the subscribers' announcements of attempts in the order they were asked for. */
  readonly announcements: SerialWrites;
}
