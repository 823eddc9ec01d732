import type { Kysely } from 'kysely';
import type { EventfoldTables } from '../../store/schema';

/**
 * What differs between the two ways a projection is rebuilt: in place, through its `reset(db)`,
 * or into copies of its declared tables that replace them at the end (blue/green). Pausing,
 * replaying the log and reporting progress are the same for both (see `projection-rebuild.ts`).
 */
export interface RebuildSteps {
  /** Whether the dead letters stay when the checkpoints are set back to the start (they go at the switch instead). */
  readonly keepsDeadLetters: boolean;
  /** Whether a failed replay leaves the read model the application reads as it was. */
  readonly keepsReadModel: boolean;
  /** Work in the transaction that sets the projection's checkpoints back to the start. */
  prepare(db: Kysely<EventfoldTables>): Promise<void>;
  /** Once that transaction committed, before the first event is replayed. */
  begin(): void;
  /** Once every segment replayed the log: makes the rebuilt read model the one the application reads. */
  finish(): Promise<void>;
  /** The replay failed: leaves the read model and the checkpoints as they must be. */
  abandon(): Promise<void>;
}
