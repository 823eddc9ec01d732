export { DeadlineDelivery, type DeadlineBackend, type DeadlineReceiver, type DeliverDeadline } from './deadline-delivery';
export type { DeadlineDeliveryOptions } from './deadline-delivery-options';
export { DeadlineFailedError, DeadlineTimeoutError } from './deadline-errors';
export { encodeDeadlinePayload } from './deadline-payload';
export type { DeadlineStats } from './deadline-stats';
export {
  cancelDeadline,
  cancelDeadlinesOf,
  listDeadlines,
  scheduleDeadline,
  type DeadlineStatus,
  type DeadlineToSchedule,
  type ScheduledDeadline,
} from './deadline-table';
export type { DueDeadline } from './due-deadline';
