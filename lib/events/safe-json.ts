/**
 * Parses JSON without ever producing a `__proto__` key.
 *
 * `JSON.parse` itself is safe (it makes `__proto__` an own property), but class-transformer and
 * spread-based upcasters copy keys by assignment, and assigning `__proto__` replaces an object's
 * prototype. Stored payloads are data from the past, possibly written by other tools, so the key
 * is dropped here, once, before anything else sees the object. The reviver is costly, so it only
 * runs when the text could contain the key (literally or through a `\u` escape).
 */
export function parseJsonSafely(text: string | object): unknown {
  // A driver may hand over JSON columns already parsed (PostgreSQL's jsonb on a pool the
  // application configured); a round trip through text puts them through the same guard.
  if (typeof text !== 'string') return parseJsonSafely(JSON.stringify(text));
  if (!text.includes('__proto__') && !text.includes('\\u')) return JSON.parse(text);
  return JSON.parse(text, dropProtoKeys);
}

function dropProtoKeys(key: string, value: unknown): unknown {
  return key === '__proto__' ? undefined : value;
}
