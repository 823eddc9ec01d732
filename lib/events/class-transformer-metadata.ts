import { defaultMetadataStorage } from 'class-transformer/cjs/storage';

/** The maps class-transformer keeps its decorators' metadata in, unpublished: read them with care. */
export interface MetadataMaps {
  _typeMetadatas?: unknown;
  _transformMetadatas?: unknown;
  _exposeMetadatas?: unknown;
  _excludeMetadatas?: unknown;
  getStrategy?: (target: Function) => string;
}

/**
 * Tells whether class-transformer holds any decorator metadata (`@Type`, `@Transform`, `@Expose`,
 * `@Exclude`) for a class or its ancestors.
 *
 * A class without any is transformed by class-transformer exactly as `JSON` does it, only several
 * times slower; knowing this lets the codec skip it on the hot paths. class-transformer keeps the
 * metadata in maps it does not publish, so when they are not where expected the answer is "yes",
 * which keeps every class on the faithful (slower) path.
 */
export function hasClassTransformerMetadata(eventClass: Function): boolean {
  const storage = defaultMetadataStorage as unknown as MetadataMaps;
  const maps = [storage._typeMetadatas, storage._transformMetadatas, storage._exposeMetadatas, storage._excludeMetadatas];
  if (!maps.every((map) => map instanceof Map) || typeof storage.getStrategy !== 'function') return true;
  for (let current: unknown = eventClass; typeof current === 'function' && current !== Function.prototype; current = Object.getPrototypeOf(current)) {
    if ((maps as Map<unknown, unknown>[]).some((map) => map.has(current))) return true;
  }
  return storage.getStrategy(eventClass) !== 'none';
}
