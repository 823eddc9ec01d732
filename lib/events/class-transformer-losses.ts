import { MAX_NESTING_DEPTH, refusal, type PathSegment } from './exact-json';

/**
 * Refuses, with its path, what class-transformer would lose without a trace on the way to the
 * log and back, for an event that goes through it:
 *
 * - keys named `__proto__`, which it skips in both directions;
 * - keys named like a method or a read-only getter of the object that will hold them when read
 *   back (`constructor`, `toString` or `hasOwnProperty` in a plain object; `format` in a
 *   `Money`): it writes them but skips them when reading, so that data never replaces behaviour;
 * - array holes, which it closes up (`[1, , 3]` is written as `[1, 3]`).
 *
 * The walk also stops values nested too deeply, or in a cycle, before class-transformer
 * recurses into them. What the walk lets through is checked again after `instanceToPlain`.
 *
 * @example
 * ```ts
 * assertClassTransformerKeeps(new FilledAt({ toString: 'x' }), 'events[0]', 'FilledAt');
 * // InvalidArgumentError: Invalid events[0].fill.toString: FilledAt.fill.toString is a key that class-transformer skips ...
 * ```
 */
export function assertClassTransformerKeeps(event: object, argument: string, eventName: string): void {
  const path: PathSegment[] = [];
  const ancestors: object[] = [];
  const refuse = (problem: string): never => {
    throw refusal(argument, eventName, path, problem);
  };
  const visitItem = (segment: PathSegment, item: unknown, depth: number): void => {
    path.push(segment);
    if (typeof item === 'object' && item !== null) visit(item, depth + 1);
    path.pop();
  };
  const visit = (value: object, depth: number): void => {
    if (ancestors.includes(value)) refuse('refers to an object that contains it (a cycle), which JSON cannot hold. Store the data without the loop.');
    if (depth > MAX_NESTING_DEPTH) refuse(`nests objects and arrays deeper than ${MAX_NESTING_DEPTH} levels. Store flatter data.`);
    if (value instanceof Date) return;
    ancestors.push(value);
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index++) {
        if (!(index in value)) {
          path.push(index);
          refuse('is a hole in an array, which JSON writes as null. Store null instead.');
        }
        visitItem(index, value[index], depth);
      }
    } else if (value instanceof Set) {
      [...value].forEach((item, index) => visitItem(index, item, depth));
    } else {
      const readBackAs = readBackPrototype(value);
      const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
      for (const [key, item] of entries) {
        if (typeof key === 'string' && (key === '__proto__' || isMember(readBackAs, key))) {
          path.push(key);
          const why = key === '__proto__' ? 'in both directions' : `when it reads the event back, since a ${describePrototype(readBackAs)} has a member of that name`;
          refuse(
            `is a key that class-transformer skips ${why}, and ${eventName} goes through class-transformer. ` +
              'Rename the key, or keep such data in an event class without class-transformer decorators, Maps, Sets or nested classes.',
          );
        }
        visitItem(key as PathSegment, item, depth);
      }
    }
    ancestors.pop();
  };
  visit(event, 1);
}

/** The prototype of what class-transformer builds from `value` when reading: plain data stays plain. */
function readBackPrototype(value: object): object {
  const prototype = Object.getPrototypeOf(value);
  return prototype === null ? Object.prototype : prototype;
}

/** Whether class-transformer, reading into an object of `prototype`, skips the key `name`. */
function isMember(prototype: object, name: string): boolean {
  for (let current: object | null = prototype; current; current = Object.getPrototypeOf(current)) {
    const descriptor = Object.getOwnPropertyDescriptor(current, name);
    if (descriptor) return typeof descriptor.value === 'function' || (descriptor.get !== undefined && descriptor.set === undefined);
  }
  return false;
}

function describePrototype(prototype: object): string {
  if (prototype === Object.prototype) return 'plain object';
  const name = (prototype as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? name : 'object';
}
