import type { Kysely } from 'kysely';
import type { EventfoldTables } from '../../store/schema';
import { RebuildNotSupportedError } from '../subscriber-errors';
import type { BoundSubscriber } from '../bound-subscriber';
import type { RebuildSteps } from './rebuild-steps';

/**
 * A rebuild in the read model's own tables: `reset(db)` empties them in the transaction that sets
 * the checkpoints back to the start, and the application sees them fill up again. What a
 * projection without declared `tables` gets. A replay that fails leaves them half built, the
 * projection halted on the event that failed.
 *
 * @throws {@link RebuildNotSupportedError} when the projection has no `reset(db)`.
 */
export function inPlaceRebuild(subscriber: BoundSubscriber): RebuildSteps {
  const { reset } = subscriber;
  if (!reset) throw new RebuildNotSupportedError(subscriber.name);
  return {
    keepsDeadLetters: false,
    keepsReadModel: false,
    prepare: (db: Kysely<EventfoldTables>) => reset(db as never),
    begin: () => undefined,
    finish: () => Promise.resolve(),
    abandon: () => Promise.resolve(),
  };
}
