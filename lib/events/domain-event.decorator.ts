import 'reflect-metadata';
import { InvalidArgumentError } from '../errors/invalid-argument-error';
import type { EventClass, EventDefinition, Upcaster } from './event-class';
import { checkWholeNumber } from '../validation/whole-number';

const EVENT_DEFINITION = Symbol.for('eventfold:event-definition');

/** Options of {@link DomainEvent}. */
export interface DomainEventOptions {
  /** Current schema version of the payload, a positive integer. Defaults to 1. */
  version?: number;
  /**
   * Upcasters keyed by the version they upgrade from: `{ 1: v1 => v2, 2: v2 => v3 }`. A payload
   * stored at version 1 of an event now at version 3 passes through both, in order.
   */
  upcasters?: Record<number, Upcaster>;
  /**
   * Where an event handler has events of several streams ready, events of higher priority go
   * first (a cancellation before a routine notification, say). Events of one stream always keep
   * their order. Defaults to 0; `store.publish(event, { priority })` overrides it for one event.
   */
  priority?: number;
}

/**
 * Registers a class as a domain event under a stable name and schema version.
 *
 * The decorator only records metadata on the class; a store learns of the event when it is
 * appended, when an aggregate that applies it gets a repository, or through the `events` option
 * of {@link EventStore.open}.
 *
 * @example
 * ```ts
 * @DomainEvent('OrderPlaced', {
 *   version: 2,
 *   upcasters: { 1: (v1) => ({ ...v1, market: 'KRW-BTC' }) },
 * })
 * class OrderPlaced {
 *   constructor(readonly orderId: string, readonly market: string) {}
 * }
 * ```
 */
export function DomainEvent(name: string, options: DomainEventOptions = {}): ClassDecorator {
  const version = options.version ?? 1;
  if (typeof name !== 'string' || name.trim() === '') {
    throw new InvalidArgumentError('event name', "give @DomainEvent a non-empty name, e.g. @DomainEvent('OrderPlaced').");
  }
  checkWholeNumber(version, `version of event '${name}'`);
  const priority = options.priority ?? 0;
  if (typeof priority !== 'number' || !Number.isFinite(priority)) {
    throw new InvalidArgumentError(`priority of event '${name}'`, `expected a finite number, got ${String(priority)}.`);
  }
  const upcasters: Record<number, Upcaster> = {};
  for (const [from, upcaster] of Object.entries(options.upcasters ?? {})) {
    const fromVersion = Number(from);
    if (!Number.isInteger(fromVersion) || fromVersion < 1 || fromVersion >= version) {
      throw new InvalidArgumentError(
        `upcasters of event '${name}'`,
        `key ${from} must be a version from 1 to ${version - 1}: an upcaster is keyed by the version it upgrades from.`,
      );
    }
    if (typeof upcaster !== 'function') {
      throw new InvalidArgumentError(`upcasters of event '${name}'`, `the upcaster from version ${from} is not a function.`);
    }
    upcasters[fromVersion] = upcaster;
  }
  return (target) => {
    const definition: EventDefinition = Object.freeze({
      name,
      version,
      upcasters: Object.freeze(upcasters),
      eventClass: target as unknown as EventClass,
      priority,
    });
    Reflect.defineMetadata(EVENT_DEFINITION, definition, target);
  };
}

/**
 * Reads what {@link DomainEvent} recorded on a class, or `undefined` if the class is not
 * decorated itself (a subclass of an event is not that event).
 *
 * @example
 * ```ts
 * readEventDefinition(OrderPlaced)?.name; // 'OrderPlaced'
 * ```
 */
export function readEventDefinition(eventClass: Function): EventDefinition | undefined {
  return Reflect.getOwnMetadata(EVENT_DEFINITION, eventClass) as EventDefinition | undefined;
}
