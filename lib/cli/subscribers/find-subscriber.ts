import type { ConfiguredSubscriber } from './configured-subscribers';
import { NotAProjectionError, UnknownProjectionError, UnknownSubscriberError } from './subscriber-errors';

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
  if (found.kind !== 'projection') throw new NotAProjectionError(name, known);
  return found;
}

/**
 * The configured subscriber named `name`, of either kind.
 *
 * @throws {@link UnknownSubscriberError} listing the subscribers.
 */
export function findSubscriber(subscribers: readonly ConfiguredSubscriber[], name: string): ConfiguredSubscriber {
  const found = subscribers.find((subscriber) => subscriber.name === name);
  if (!found) throw new UnknownSubscriberError(name, subscribers.map((subscriber) => subscriber.name).sort());
  return found;
}
