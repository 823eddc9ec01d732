import { InvalidArgumentError } from '../../errors/invalid-argument-error';
import { describeValue } from '../../store/describe-value';
import { bindSubscriber, type BoundSubscriber } from '../bound-subscriber';
import { readSubscriberMetadata } from '../subscriber.decorators';
import type { ProjectionOptions } from '../subscriber-options';

/**
 * The `@Projection` options that have no meaning for a projection run inside each append's
 * transaction, and why: the projection is applied once, in the append's order, by the process
 * that appends. `tables` alone is kept, as it names the read model.
 */
const OPTIONS_NOT_INLINE: Readonly<Record<Exclude<keyof ProjectionOptions, 'tables'>, string>> = {
  priority: 'inline projections run in the order they are given',
  concurrency: 'an inline projection runs in the appending call, one append at a time',
  retry: 'a failing inline projection fails the append at once; the caller decides whether to try again',
  onFailure: 'a failing inline projection fails the append; nothing is parked or halted',
  maxCrashes: 'a crash during an append rolls back the events and the read model together',
  startFrom: 'an inline projection sees the appends made while it is inline, and has no checkpoint to start from',
  bufferSize: 'an inline projection receives each append as it is written, and buffers nothing',
  segments: 'an inline projection has no lease or checkpoint to split',
  batchSize: 'an inline projection handles exactly the events of one append',
};

/**
 * Reads and checks the projections given as `inlineProjections`: each must be an instance of a
 * `@Projection` or `@FoldProjection` class (event handlers have side effects that a rollback
 * cannot undo), set none of the options that only make sense with a dispatcher, and have a name
 * of its own.
 *
 * @throws {@link InvalidArgumentError} naming the projection, and the option when one is refused.
 */
export function bindInlineProjections(value: unknown): BoundSubscriber[] {
  const option = 'options.inlineProjections';
  if (!Array.isArray(value)) {
    throw new InvalidArgumentError(option, `expected an array of projection instances, e.g. [new OrderSummary()], got ${describeValue(value)}.`);
  }
  const names = new Set<string>();
  return value.map((instance: unknown, index) => {
    const metadata = typeof instance === 'object' && instance !== null ? readSubscriberMetadata(instance.constructor) : undefined;
    if (!metadata) {
      throw new InvalidArgumentError(
        `${option}[${index}]`,
        `expected an instance of a @Projection or @FoldProjection class, e.g. new OrderSummary(), got ${describeValue(instance)}.`,
      );
    }
    const { name, kind, options } = metadata;
    if (kind === 'process-manager') {
      throw new InvalidArgumentError(
        `${option}[${index}]`,
        `'${name}' is a @ProcessManager; its steps run after the events they react to are committed, never inside their append. Run it with a Dispatcher.`,
      );
    }
    if (kind !== 'projection') {
      throw new InvalidArgumentError(
        `${option}[${index}]`,
        `'${name}' is an @EventHandler; its side effects cannot be rolled back with a failed append, so it cannot run inline. Run it with a Dispatcher.`,
      );
    }
    for (const [refused, reason] of Object.entries(OPTIONS_NOT_INLINE)) {
      if ((options as Record<string, unknown>)[refused] === undefined) continue;
      throw new InvalidArgumentError(
        `${refused} of inline projection '${name}'`,
        `${reason}. Remove the option, or run the projection with a Dispatcher instead of inline.`,
      );
    }
    if (names.has(name)) {
      throw new InvalidArgumentError(option, `two projections are named '${name}'; give each inline projection its own name.`);
    }
    names.add(name);
    return bindSubscriber(instance as object);
  });
}
