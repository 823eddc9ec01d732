import 'reflect-metadata';
import { InvalidArgumentError } from '../errors/invalid-argument-error';
import type { EventClass } from '../events/event-class';
import { readEventMethods, readInheritedEventMap, recordEventMethod, type EventMethodMap } from '../metadata/event-method-map';
import type { RecordedEvent } from '../store/recorded-event';
import { subscriberDecorator } from '../subscriptions/subscriber.decorators';
import type { FoldContext, FoldKey, FoldProjectionOptions } from './fold-options';

const FOLD_METHODS = Symbol.for('eventfold:fold-methods');
const FOLD_KEYS = Symbol.for('eventfold:fold-keys');

/** Picks the key of the row an event folds into. */
export type FoldKeyOf<E extends object = object> = (event: E, recorded: RecordedEvent<E>) => FoldKey;

/**
 * For an event that changes several rows (a transfer: the account it leaves and the one it
 * reaches): picks their keys. The fold method runs once per key, `context.key` telling which; an
 * empty array leaves every row as it is.
 */
export interface FoldKeysOf<E extends object = object> {
  readonly keys: (event: E, recorded: RecordedEvent<E>) => readonly FoldKey[];
}

/** Every key an event folds into, whichever way `@Fold` was given its key. */
type KeysOf = (event: object, recorded: RecordedEvent) => unknown;

/**
 * Declares a class as a fold projection: a projection whose read model is one table with one row
 * per key (an order, an account, a market), each row the fold of that key's events. Its `@Fold`
 * methods change a row in memory; eventfold loads the rows a batch touches in one query and writes
 * the changed ones back in one multi-row upsert, in the transaction that saves the checkpoint, so
 * a batch of N events touching K keys costs K row writes instead of N queries.
 *
 * The class must have `initial(key, event, context)`, which returns the row of a key not seen
 * before (its key columns included). Its table counts as declared (`tables`), so a rebuild fills a
 * copy of it while the application goes on reading the old one (blue/green). Options are those of
 * `@Projection` plus `table` and `key`; give the read model's tables as `DB` to have both checked.
 *
 * @example
 * ```ts
 * @FoldProjection<ReadModels>('stock-levels', { table: 'stock_levels', key: 'sku' })
 * class StockLevels {
 *   initial(sku: string): StockLevel {
 *     return { sku, on_hand: 0, movements: 0 };
 *   }
 *
 *   @Fold(StockReceived, (event) => event.sku)
 *   received(level: StockLevel, event: StockReceived): void {
 *     level.on_hand += event.quantity;
 *     level.movements += 1;
 *   }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as for EventStore: untyped code names any table
export function FoldProjection<DB = any>(name: string, options: FoldProjectionOptions<DB>): ClassDecorator {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`@FoldProjection('${String(name)}') options`, "give the table and its key column, e.g. { table: 'stock_levels', key: 'sku' }.");
  }
  const { table, key } = options as { table: unknown; key: unknown };
  if (typeof table !== 'string' || table.trim() === '' || table.includes('.')) {
    throw new InvalidArgumentError(
      `@FoldProjection('${String(name)}') table`,
      `expected the name of the read-model table, unqualified (on PostgreSQL it is looked up in the store's schema), got ${JSON.stringify(table)}.`,
    );
  }
  const keyColumns = typeof key === 'string' ? [key] : key;
  if (!Array.isArray(keyColumns) || keyColumns.length === 0 || !keyColumns.every((column) => typeof column === 'string' && column !== '')) {
    throw new InvalidArgumentError(
      `@FoldProjection('${String(name)}') key`,
      `expected the key column of '${table}' (or an array of its key columns), got ${JSON.stringify(key)}.`,
    );
  }
  const { table: _table, key: _key, ...projectionOptions } = options as FoldProjectionOptions;
  return subscriberDecorator('projection', name, projectionOptions, Object.freeze({ table, keyColumns: Object.freeze([...(keyColumns as string[])]) }));
}

/**
 * Marks a method of a `@FoldProjection` class as the fold of `eventClass`: it receives the row of
 * the event's key, the event and a {@link FoldContext}, and either changes the row in place and
 * returns nothing, returns the new row, or returns `null` to delete the row. It must be
 * synchronous: folds work in memory, and the rows are written once for the whole batch.
 *
 * `keyOf` picks the key from the event; without it the key is the event's stream id, one row per
 * stream. `{ keys: (event) => [...] }` instead folds the event into each of several rows.
 */
export function Fold<E extends EventClass>(
  eventClass: E,
  keyOf?: FoldKeyOf<InstanceType<E>> | FoldKeysOf<InstanceType<E>>,
): <Method extends (row: never, event: InstanceType<E>, context: FoldContext) => unknown>(
  prototype: object,
  method: string | symbol,
  descriptor: TypedPropertyDescriptor<Method>,
) => void {
  if (typeof eventClass !== 'function') {
    throw new InvalidArgumentError('@Fold event class', 'pass the event class, e.g. @Fold(StockReceived, (event) => event.sku).');
  }
  const keysOf = keysFunction(eventClass.name, keyOf as FoldKeyOf | FoldKeysOf | undefined);
  return (prototype, method) => {
    recordEventMethod(FOLD_METHODS, 'Fold', prototype, method, eventClass);
    const owner = prototype.constructor;
    const keys = new Map<Function, KeysOf>(Reflect.getOwnMetadata(FOLD_KEYS, owner) ?? []);
    keys.set(eventClass, keysOf);
    Reflect.defineMetadata(FOLD_KEYS, keys, owner);
  };
}

/** The `@Fold` methods of a class and its ancestors, by event class. */
export function readFoldMethods(projectionClass: Function): EventMethodMap {
  return readEventMethods(FOLD_METHODS, projectionClass);
}

/** What gives the keys of each event class's rows; it returns an array, or something wrong to report. */
export function readFoldKeys(projectionClass: Function): ReadonlyMap<Function, KeysOf> {
  return readInheritedEventMap<KeysOf>(FOLD_KEYS, projectionClass);
}

/** The key of an event whose `@Fold` names none: its stream id. */
export const KEY_BY_STREAM: KeysOf = (_event, recorded) => [recorded.streamId];

function keysFunction(eventName: string, keyOf: FoldKeyOf | FoldKeysOf | undefined): KeysOf {
  if (keyOf === undefined) return KEY_BY_STREAM;
  if (typeof keyOf === 'function') return (event, recorded) => [keyOf(event, recorded)];
  if (typeof keyOf === 'object' && keyOf !== null && typeof keyOf.keys === 'function') return keyOf.keys;
  throw new InvalidArgumentError(
    `@Fold(${eventName}) key`,
    'pass a function from the event to its row key, e.g. (event) => event.sku, { keys: (event) => [...] } for several rows, or nothing to key rows by stream id.',
  );
}
