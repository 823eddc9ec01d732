/**
 * A deadline of a process manager instance that has not been delivered: waiting to fall due, or
 * kept as `'failed'` once its deliveries ran out of attempts.
 */
export interface InstanceDeadline {
  /** The name it was scheduled under, as `@OnDeadline(name)` names it. */
  readonly name: string;
  /** When it falls due (or fell due, when it is overdue). */
  readonly dueAt: Date;
  /** What was passed to `schedule`. */
  readonly payload: unknown;
  /** When the step that scheduled it ran, by the process manager's clock. */
  readonly scheduledAt: Date;
  /** Deliveries that failed so far. */
  readonly attempts: number;
  /** `'pending'` until it is delivered; `'failed'` once its deliveries ran out of attempts (never delivered again). */
  readonly status: 'pending' | 'failed';
  /** The error of the last failed delivery. */
  readonly lastError: string | null;
}

/**
 * One instance of a process manager, as the database holds it between steps: its state and the
 * deadlines it waits for.
 *
 * An instance whose steps scheduled deadlines but never set a state has no stored state: it shows
 * with `state` null and `version` 0, and `startedAt` and `updatedAt` null.
 */
export interface ProcessInstance {
  /** The process manager's name, as `@ProcessManager` gave it. */
  readonly processManager: string;
  /** The instance's correlation key (an order id, a market). */
  readonly key: string;
  /** `'running'`, or `'ended'` for an ended instance kept under `ended: 'keep'`. */
  readonly status: 'running' | 'ended';
  /** The state its last step left, as stored (JSON); null when no step set one. */
  readonly state: object | null;
  /** How many steps changed it: 1 after the step that started it. */
  readonly version: number;
  readonly startedAt: Date | null;
  readonly updatedAt: Date | null;
  /** Its deadlines not delivered yet, the earliest first. */
  readonly deadlines: readonly InstanceDeadline[];
}
