import type { EventStore } from '../../event-store/event-store';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { DeadLetterStore } from '../dead-letter-store';
import type { DispatcherSettings } from '../dispatcher-options';
import { FailureReports } from '../logging/failure-reports';
import { SILENT_LOGGER } from '../logging/subscriber-logger';
import { SubscriptionStore } from '../subscription-store';
import { ReadModelTables } from '../read-model/read-model-tables';
import { SerialWrites } from './serial-writes';
import { TurnBudget } from './turn-budget';
import { DeadlineWakeUp } from '../../process-managers/deadline-wake-up';
import { DeadlineScheduler } from '../../process-managers/deadline-scheduler';

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
  /** Where each projection writes: its read model, or the copies a blue/green rebuild is building. */
  readonly readModels: ReadModelTables;
  /** Tells the deadline delivery of deadlines that process managers' steps scheduled. */
  readonly deadlineWakeUp: DeadlineWakeUp;
  /** What handlers schedule deadlines through. */
  readonly deadlines: DeadlineScheduler;
}

/** The environment of a dispatcher's runners on `store`. */
export function runnerEnvironment(store: EventStore, settings: DispatcherSettings): RunnerEnvironment {
  const deadlineWakeUp = new DeadlineWakeUp();
  const reports = new FailureReports(settings.logger === false ? SILENT_LOGGER : settings.logger);
  return {
    store,
    subscriptions: new SubscriptionStore(store.backend),
    deadLetters: new DeadLetterStore(store.eventfoldDb),
    owner: settings.processId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    leaseMs: settings.leaseMs,
    pageSize: settings.pageSize,
    onError: settings.onError ?? ((error, subscriber) => reports.ownError(subscriber, error)),
    reports,
    turns: new TurnBudget(),
    announcements: new SerialWrites(),
    readModels: new ReadModelTables(),
    deadlineWakeUp,
    deadlines: new DeadlineScheduler(store, deadlineWakeUp),
  };
}
