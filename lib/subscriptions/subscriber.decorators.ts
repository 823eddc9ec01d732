import 'reflect-metadata';
import { InvalidArgumentError } from '../errors/invalid-argument-error';
import type { EventClass } from '../events/event-class';
import { readEventMethods, recordEventMethod, type EventMethodMap } from '../metadata/event-method-map';
import type { ProcessManagerOptions } from '../process-managers/process-manager-options';
import type { EventHandlerOptions, ProjectionOptions } from './subscriber-options';

const SUBSCRIBER = Symbol.for('eventfold:subscriber');
const ON_HANDLERS = Symbol.for('eventfold:on-handlers');

/**
 * The kinds of subscriber: side effects at least once (`handler`), read models exactly once
 * (`projection`), or long-running processes whose steps commit exactly once (`process-manager`).
 */
export type SubscriberKind = 'handler' | 'projection' | 'process-manager';

/** What `@EventHandler` or `@Projection` recorded on a class. */
export interface SubscriberMetadata {
  readonly kind: SubscriberKind;
  readonly name: string;
  readonly options: ProjectionOptions | ProcessManagerOptions;
  /** For a `@FoldProjection`: its table and key columns. */
  readonly fold?: FoldTableDeclaration;
}

/** Where a fold projection's rows live, as `@FoldProjection` recorded it. */
export interface FoldTableDeclaration {
  readonly table: string;
  /** The key columns, one for a simple key. */
  readonly keyColumns: readonly string[];
}

/**
 * Declares a class as an event handler: its `@On` methods perform side effects (send a message,
 * call a service) and run at least once per event, so they should deduplicate with
 * `context.eventId`. Failing events are retried, then parked as dead letters by default.
 *
 * @example
 * ```ts
 * @EventHandler('fill-notifier', { concurrency: 4, retry: { maxAttempts: 3 } })
 * class FillNotifier {
 *   constructor(private readonly sender: Sender) {}
 *
 *   @On(OrderFilled)
 *   async filled(event: OrderFilled, context: HandlerContext) {
 *     await this.sender.send(`order ${event.orderId} filled`, { idempotencyKey: context.eventId });
 *   }
 * }
 * ```
 */
export function EventHandler(name: string, options: EventHandlerOptions = {}): ClassDecorator {
  return subscriberDecorator('handler', name, options);
}

/**
 * Declares a class as a projection: its `@On` methods write a read model through
 * `context.db`, in the same transaction that records the projection's checkpoint, so each event
 * is reflected exactly once even across crashes. Implement `reset(db)` to allow rebuilds.
 *
 * @example
 * ```ts
 * @Projection('open-orders', { batchSize: 500 })
 * class OpenOrders {
 *   @On(OrderPlaced)
 *   async placed(event: OrderPlaced, { db }: ProjectionContext) {
 *     await db.insertInto('open_orders').values({ id: event.orderId }).execute();
 *   }
 *
 *   async reset(db: Kysely<any>) {
 *     await db.deleteFrom('open_orders').execute();
 *   }
 * }
 * ```
 */
export function Projection(name: string, options: ProjectionOptions = {}): ClassDecorator {
  return subscriberDecorator('projection', name, options);
}

/** @internal The class decorator of a subscriber: checks the name and records the metadata. */
export function subscriberDecorator(kind: SubscriberKind, name: string, options: ProjectionOptions | ProcessManagerOptions, fold?: FoldTableDeclaration): ClassDecorator {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new InvalidArgumentError(`${kind} name`, `give @${decoratorOf(kind, fold)} a non-empty name; it keys the checkpoint, so keep it stable.`);
  }
  const metadata: SubscriberMetadata = Object.freeze({ kind, name, options: Object.freeze({ ...options }), ...(fold ? { fold } : {}) });
  return (target) => Reflect.defineMetadata(SUBSCRIBER, metadata, target);
}

function decoratorOf(kind: SubscriberKind, fold: FoldTableDeclaration | undefined): string {
  if (fold) return 'FoldProjection';
  return { handler: 'EventHandler', projection: 'Projection', 'process-manager': 'ProcessManager' }[kind];
}

/**
 * Marks a method of an `@EventHandler`, `@Projection` or `@ProcessManager` class as the one that handles
 * `eventClass`. It receives the event and a context; it may be async.
 */
export function On(eventClass: EventClass): MethodDecorator {
  if (typeof eventClass !== 'function') {
    throw new InvalidArgumentError('@On event class', 'pass the event class, e.g. @On(OrderFilled).');
  }
  return (prototype, method) => recordEventMethod(ON_HANDLERS, 'On', prototype, method, eventClass);
}

/** What `@EventHandler`/`@Projection` recorded on a class, if anything. */
export function readSubscriberMetadata(subscriberClass: Function): SubscriberMetadata | undefined {
  return Reflect.getOwnMetadata(SUBSCRIBER, subscriberClass) as SubscriberMetadata | undefined;
}

/** The `@On` methods of a class and its ancestors, by event class. */
export function readOnHandlers(subscriberClass: Function): EventMethodMap {
  return readEventMethods(ON_HANDLERS, subscriberClass);
}
