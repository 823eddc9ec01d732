import { InvalidArgumentError } from '../../errors/invalid-argument-error';
import type { EventStore } from '../../event-store/event-store';
import type { BoundSubscriber } from '../bound-subscriber';

/**
 * Refuses to hand a dispatcher a projection that the store already runs inline: every event would
 * reach its read model twice, once in the append's transaction and once from the dispatcher.
 */
export function refuseInlineProjections(store: EventStore, subscribers: readonly BoundSubscriber[]): void {
  // By shape, as the dispatcher checks its store: a store of another copy of the package may lack it.
  const inline = (store as { inlineProjectionNames?: readonly string[] }).inlineProjectionNames ?? [];
  const twice = subscribers.find((subscriber) => inline.includes(subscriber.name));
  if (!twice) return;
  throw new InvalidArgumentError(
    `subscriber '${twice.name}'`,
    'the store already runs this projection inline, in every append, so a dispatcher would apply each event to it a second time. ' +
      'Give it to one of the two; to rebuild it, see "Inline projections" in the projections guide.',
  );
}
