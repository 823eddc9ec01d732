/**
 * Parses stored JSON so that no key can reach a prototype, while keeping every key.
 *
 * `JSON.parse` itself is safe: it makes a `__proto__` key an own data property, like any other,
 * and touches no prototype. Keys are only dangerous when copied by assignment
 * (`target[key] = value`), which for `__proto__` replaces the target's prototype. So eventfold
 * keeps them (a payload or metadata written with such a key reads back with it) and never copies
 * stored objects by assignment: payload fields are set with `Object.defineProperty` where the key
 * is `__proto__`, nested objects are handed over as parsed, and class-transformer, where a class
 * uses it, skips `__proto__` and `constructor` keys itself.
 */
export function parseJsonSafely(text: string | object): unknown {
  // A driver may hand over JSON columns already parsed (PostgreSQL's jsonb on a pool the
  // application configured); a round trip through text makes them plain parsed data too.
  if (typeof text !== 'string') return JSON.parse(JSON.stringify(text));
  return JSON.parse(text);
}
