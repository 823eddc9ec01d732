import { readSubscriberMetadata, type SubscriberKind } from '../subscriptions/subscriber.decorators';

/** A subscriber instance from the config with the name and kind its decorator gave it. */
export interface ConfiguredSubscriber {
  readonly name: string;
  readonly kind: SubscriberKind;
  readonly instance: object;
}

/**
 * Names the config's subscriber instances by their `@Projection` or `@EventHandler` decorators;
 * objects without one are left out (the dispatcher reports them when they are started).
 */
export function describeSubscribers(instances: readonly object[]): ConfiguredSubscriber[] {
  const described: ConfiguredSubscriber[] = [];
  for (const instance of instances) {
    const metadata = typeof instance === 'object' && instance !== null ? readSubscriberMetadata(instance.constructor) : undefined;
    if (metadata) described.push({ name: metadata.name, kind: metadata.kind, instance });
  }
  return described;
}
