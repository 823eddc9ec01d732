import 'reflect-metadata';
import { InvalidArgumentError } from '../errors/invalid-argument-error';

/** Methods of a class keyed by the event class each one takes. */
export type EventMethodMap = ReadonlyMap<Function, string | symbol>;

/**
 * Records, under `key`, that `method` of the class owning `prototype` takes `eventClass`. One
 * event class has one method per class; `decorator` names the decorator in the error.
 */
export function recordEventMethod(key: symbol, decorator: string, prototype: object, method: string | symbol, eventClass: Function): void {
  const owner = prototype.constructor;
  const own = new Map<Function, string | symbol>(Reflect.getOwnMetadata(key, owner) ?? []);
  const taken = own.get(eventClass);
  if (taken !== undefined) {
    throw new InvalidArgumentError(
      `@${decorator}(${eventClass.name}) on ${owner.name}.${String(method)}`,
      `${owner.name}.${String(taken)} already takes ${eventClass.name}; give each event one method.`,
    );
  }
  own.set(eventClass, method);
  Reflect.defineMetadata(key, own, owner);
}

/** The methods recorded under `key` on a class and its ancestors; a subclass's own method wins. */
export function readEventMethods(key: symbol, target: Function): EventMethodMap {
  return readInheritedEventMap<string | symbol>(key, target);
}

/**
 * The maps from event class to value recorded under `key` on a class and its ancestors, merged;
 * a subclass's own entry wins.
 */
export function readInheritedEventMap<Value>(key: symbol, target: Function): ReadonlyMap<Function, Value> {
  return readInheritedMap<Function, Value>(key, target);
}

/** The maps recorded under `key` on a class and its ancestors, merged; a subclass's own entry wins. */
export function readInheritedMap<Key, Value>(key: symbol, target: Function): ReadonlyMap<Key, Value> {
  const chain: Function[] = [];
  for (let current: unknown = target; typeof current === 'function' && current !== Function.prototype; current = Object.getPrototypeOf(current)) {
    chain.unshift(current);
  }
  const merged = new Map<Key, Value>();
  for (const cls of chain) {
    (Reflect.getOwnMetadata(key, cls) as Map<Key, Value> | undefined)?.forEach((value, mapKey) => merged.set(mapKey, value));
  }
  return merged;
}
