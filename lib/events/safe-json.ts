/**
 * Parses JSON without ever producing a `__proto__` key.
 *
 * `JSON.parse` itself is safe (it makes `__proto__` an own property), but class-transformer and
 * spread-based upcasters copy keys by assignment, and assigning `__proto__` replaces an object's
 * prototype. Stored payloads are data from the past, possibly written by other tools, so the key
 * is dropped here, once, before anything else sees the object. The reviver is costly, so it only
 * runs when the text could contain the key (literally or through a `\u` escape).
 */
export function parseJsonSafely(text: string): unknown {
  if (!text.includes('__proto__') && !text.includes('\\u')) return JSON.parse(text);
  return JSON.parse(text, dropProtoKeys);
}

function dropProtoKeys(key: string, value: unknown): unknown {
  return key === '__proto__' ? undefined : value;
}
