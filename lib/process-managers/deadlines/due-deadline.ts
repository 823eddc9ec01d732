import type { DeadlineRow } from '../../store/schema';
import { decodeDeadlinePayload } from './deadline-payload';

/**
 * A deadline that has fallen due, as its process manager receives it: claimed for delivery in the
 * transaction it is handed with, and deleted when that transaction commits.
 *
 * @example
 * ```ts
 * function describeDue(due: DueDeadline): string {
 *   return `${due.processManager} '${due.instanceKey}': ${due.name}, due ${due.dueAt.toISOString()}, try ${due.attempts + 1}`;
 * }
 * ```
 */
export interface DueDeadline {
  /** The scheduling's id: a deadline scheduled again under the same name gets a new one. */
  readonly id: string;
  readonly processManager: string;
  /** The process manager instance's correlation key. */
  readonly instanceKey: string;
  /** The deadline's name, as `@OnDeadline(name)` names it. */
  readonly name: string;
  /** When it fell due (for a retry: when the retry fell due). */
  readonly dueAt: Date;
  /** What was scheduled with it, as JSON gives it back. */
  readonly payload: unknown;
  /** Deliveries of it that failed before this one. */
  readonly attempts: number;
}

/** The deadline a row of the deadlines table holds. */
export function dueDeadlineOf(row: DeadlineRow): DueDeadline {
  return {
    id: row.id,
    processManager: row.process_manager,
    instanceKey: row.instance_key,
    name: row.name,
    // A pg.Pool the application configured may give 64-bit integers as strings.
    dueAt: new Date(Number(row.due_at)),
    payload: decodeDeadlinePayload(row.payload),
    attempts: Number(row.attempts),
  };
}
