import { TransformationType } from 'class-transformer';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import type { PathSegment } from './exact-json';

/**
 * Tells whether reading an event back gives a Date at `path`, a path into what
 * class-transformer's `instanceToPlain` made of `event`.
 *
 * class-transformer restores a Date only where the property that holds it declares so, with
 * `@Type(() => Date)` (which also covers the elements of an array, a Set or a Map in that
 * property) or with a `@Transform` of its own for reading. So the path is followed through the
 * event to the last class instance on it: a plain object on the way leaves the Date without a
 * declaration, since nothing can be declared on its keys.
 *
 * @example
 * ```ts
 * declaresDate(new OrderPlaced('o-1', new Date()), ['placedAt']); // true with @Type(() => Date)
 * ```
 */
export function declaresDate(event: object, path: readonly PathSegment[]): boolean {
  let holder: unknown = event;
  let owner: Function | undefined;
  let property: string | undefined;
  let ownerInstance: object | undefined;
  for (const segment of path) {
    if (typeof holder !== 'object' || holder === null) return false;
    if (Array.isArray(holder)) {
      holder = holder[segment as number];
    } else if (holder instanceof Set) {
      holder = [...holder][segment as number];
    } else if (holder instanceof Map) {
      holder = holder.get(segment);
    } else {
      const prototype = Object.getPrototypeOf(holder);
      if (prototype === Object.prototype || prototype === null) {
        owner = undefined;
        holder = (holder as Record<string, unknown>)[segment];
      } else {
        ownerInstance = holder;
        owner = holder.constructor;
        // A property exposed under another name is stored under that name.
        property = defaultMetadataStorage.findExposeMetadataByCustomName(owner, String(segment))?.propertyName ?? String(segment);
        holder = (holder as Record<string, unknown>)[property];
      }
    }
  }
  if (owner === undefined || property === undefined) return false;
  const type = defaultMetadataStorage.findTypeMetadata(owner, property);
  try {
    if (type?.typeFunction?.({ newObject: {}, object: ownerInstance as Record<string, unknown>, property }) === Date) return true;
  } catch {
    // A type function that needs more than class-transformer gives it here declares no Date.
  }
  return defaultMetadataStorage.findTransformMetadatas(owner, property, TransformationType.PLAIN_TO_CLASS).length > 0;
}
