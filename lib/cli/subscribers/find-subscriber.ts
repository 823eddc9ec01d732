import type { ConfiguredSubscriber } from '../../inspection/configured-subscribers';
import { ProcessManagerReplayError } from '../../process-managers/process-manager-errors';
import { UnknownSubscriberError } from '../../subscriptions/subscriber-errors';
import { NotAProjectionError, UnknownProjectionError } from './subscriber-errors';

/**
 * The configured projection named `name`.
 *
 * @throws {@link UnknownProjectionError} listing the projections, or {@link NotAProjectionError}
 *   when `name` is an event handler.
 */
export function findProjection(subscribers: readonly ConfiguredSubscriber[], name: string): ConfiguredSubscriber {
  const projections = subscribers.filter((subscriber) => subscriber.kind === 'projection');
  const known = projections.map((projection) => projection.name).sort();
  const found = subscribers.find((subscriber) => subscriber.name === name);
  if (!found) throw new UnknownProjectionError(name, known);
  if (found.kind === 'process-manager') throw new ProcessManagerReplayError(name, 'rebuild');
  if (found.kind !== 'projection') throw new NotAProjectionError(name, known);
  return found;
}

/**
 * The configured subscriber named `name`, of either kind, to retry its dead letters through.
 *
 * @throws {@link UnknownSubscriberError} listing the subscribers, and saying the dead letters
 *   cannot be retried without it.
 */
export function findSubscriber(subscribers: readonly ConfiguredSubscriber[], name: string): ConfiguredSubscriber {
  const found = subscribers.find((subscriber) => subscriber.name === name);
  if (!found) {
    const known = subscribers.map((subscriber) => subscriber.name).sort();
    throw new UnknownSubscriberError(
      name,
      known,
      'The config does not include it, so its dead letters cannot be retried here: add it to subscribers: (store) => [...] in the eventfold config, or discard the dead letters.',
    );
  }
  return found;
}
