import { InvalidArgumentError } from '../errors/invalid-argument-error';
import type { EventMetadata } from '../events/event-metadata';
import { readEventDefinition } from '../events/domain-event.decorator';
import { UnregisteredEventError } from '../events/unregistered-event-error';
import type { NewEvent } from '../store/new-event';
import { v7 as uuidv7 } from 'uuid';
import { readApplyHandlers, type ApplyHandlers } from './apply.decorator';
import { describeValue } from '../store/describe-value';
import { ApplyFailedError } from './apply-failed-error';
import { findAggregateDefinition } from './aggregate.decorator';
import { MissingApplyHandlerError } from './missing-apply-handler-error';
import { isPlainObject } from '../store/plain-object';

/**
 * Internal hooks the repository uses; symbols keep them out of the aggregate's own namespace.
 * Registered symbols, so that two loaded copies of the package still understand each other.
 */
export const replayEvent = Symbol.for('eventfold.replayEvent');
export const markCommitted = Symbol.for('eventfold.markCommitted');
export const restoreVersion = Symbol.for('eventfold.restoreVersion');
export const pendingForSave = Symbol.for('eventfold.pendingForSave');

/**
 * Base class of event-sourced aggregates. Domain methods check their rules and call
 * {@link AggregateRoot.raise}; `@Apply` methods change state. State lives in ordinary fields,
 * which snapshots capture with class-transformer (so nested classes need `@Type`).
 *
 * The subclass constructor must take the aggregate id as its first argument and pass it on.
 *
 * @example
 * ```ts
 * @Aggregate('Order')
 * class Order extends AggregateRoot {
 *   status: 'new' | 'open' | 'cancelled' = 'new';
 *
 *   static place(id: string, market: string): Order {
 *     const order = new Order(id);
 *     order.raise(new OrderPlaced(id, market));
 *     return order;
 *   }
 *
 *   cancel(): void {
 *     if (this.status !== 'open') throw new Error('only open orders can be cancelled');
 *     this.raise(new OrderCancelled(this.id));
 *   }
 *
 *   @Apply(OrderPlaced) placed() { this.status = 'open'; }
 *   @Apply(OrderCancelled) cancelled() { this.status = 'cancelled'; }
 * }
 * ```
 */
export abstract class AggregateRoot {
  readonly #id: string;
  #version = 0;
  #pending: NewEvent[] = [];
  #handlers: ApplyHandlers | undefined;

  constructor(id: string) {
    if (typeof id !== 'string' || id.length === 0) {
      throw new InvalidArgumentError(`${new.target.name} id`, `expected a non-empty string, got ${JSON.stringify(id)}.`);
    }
    this.#id = id;
  }

  /** The aggregate's id: the id of its stream. */
  get id(): string {
    return this.#id;
  }

  /** The version stored in the log as this instance knows it: 0 for a new aggregate. */
  get version(): number {
    return this.#version;
  }

  /** Events raised since the aggregate was loaded or last saved, in order. */
  get pendingEvents(): readonly object[] {
    return this.#pending.map((pending) => pending.event);
  }

  /**
   * Records that `event` happened: applies it to the state at once (through its `@Apply` method)
   * and keeps it to be appended by the next `repository.save`. The event gets its id here, so a
   * retried save of the same instance is recognised instead of stored twice.
   *
   * @throws {@link MissingApplyHandlerError} if the aggregate has no `@Apply` for the event's class.
   * @throws {@link UnregisteredEventError} if the event's class lacks `@DomainEvent`.
   */
  protected raise(event: object, metadata?: EventMetadata): void {
    if (typeof event !== 'object' || event === null || !readEventDefinition(event.constructor)) {
      throw new UnregisteredEventError(describe(event));
    }
    // Checked here so that the mistake shows at the raise; whether every field is JSON is checked
    // when the event is saved.
    if (metadata !== undefined && !isPlainObject(metadata)) {
      throw new InvalidArgumentError('metadata', `expected a plain object of JSON values, got ${describeValue(metadata)}.`);
    }
    this.#applyEvent(event);
    this.#pending.push(metadata === undefined ? { event, id: uuidv7() } : { event, id: uuidv7(), metadata });
  }

  /**
   * @internal Applies a stored event without recording it.
   * @throws {@link ApplyFailedError} if the `@Apply` method throws.
   */
  [replayEvent](event: object, version: number): void {
    this.#applyEvent(event, version);
    this.#version = version;
  }

  /** @internal Drops the first `committed` pending events, now stored, and moves to `version`. */
  [markCommitted](version: number, committed: number): void {
    this.#pending = this.#pending.slice(committed);
    this.#version = version;
  }

  /** @internal Sets the version of a state restored from a snapshot. */
  [restoreVersion](version: number): void {
    this.#version = version;
  }

  /** @internal The events to append, with their ids and metadata. */
  get [pendingForSave](): readonly NewEvent[] {
    return this.#pending;
  }

  /**
   * Calls the event's `@Apply` method. A method that throws while a stored event is replayed
   * (`replayedVersion` given) is reported with where the event is stored; one that throws for a
   * newly raised event throws as it is, out of the domain method that raised it.
   */
  #applyEvent(event: object, replayedVersion?: number): void {
    this.#handlers ??= readApplyHandlers(this.constructor);
    const method = this.#handlers.get(event.constructor);
    if (method === undefined) throw new MissingApplyHandlerError(this.constructor.name, event.constructor.name);
    const apply = (this as unknown as Record<string | symbol, unknown>)[method];
    if (typeof apply !== 'function') throw new MissingApplyHandlerError(this.constructor.name, event.constructor.name);
    if (replayedVersion === undefined) {
      apply.call(this, event);
      return;
    }
    try {
      apply.call(this, event);
    } catch (cause) {
      throw new ApplyFailedError(
        {
          aggregateClass: this.constructor.name,
          streamType: findAggregateDefinition(this.constructor)?.name ?? this.constructor.name,
          streamId: this.#id,
          streamVersion: replayedVersion,
          eventType: readEventDefinition(event.constructor)?.name ?? event.constructor.name,
          method: String(method),
        },
        { cause },
      );
    }
  }
}

function describe(value: unknown): string {
  if (typeof value === 'object' && value !== null) return value.constructor?.name ?? 'object';
  return `a ${typeof value}`;
}
