import { instanceToPlain, plainToInstance } from 'class-transformer';
import type { EventClass } from './event-class';
import { hasClassTransformerMetadata } from './class-transformer-metadata';

/** Turns event instances of one class into stored JSON text and stored objects back into instances. */
export interface PayloadCodec {
  encode(event: object): string;
  decode(payload: Record<string, unknown>): object;
}

/**
 * The codec for an event class. Classes with class-transformer decorators always go through
 * class-transformer. Classes without any get a shortcut that gives the same result: decoding
 * assigns the parsed fields onto a new instance (as class-transformer does, constructor defaults
 * included), and encoding uses `JSON.stringify` when every field is a JSON value already.
 */
export function payloadCodecFor(eventClass: EventClass): PayloadCodec {
  const faithful = classTransformerCodec(eventClass);
  if (hasClassTransformerMetadata(eventClass)) return faithful;
  const prototype = eventClass.prototype as object;
  return {
    encode: (event) => (isJsonShaped(event, 0) ? JSON.stringify(event) : faithful.encode(event)),
    // class-transformer does not assign over methods and getters; such payloads take its path.
    decode: (payload) => (shadowsPrototype(payload, prototype) ? faithful.decode(payload) : Object.assign(new eventClass(), payload)),
  };
}

function shadowsPrototype(payload: Record<string, unknown>, prototype: object): boolean {
  for (const key in payload) if (key in prototype) return true;
  return false;
}

function classTransformerCodec(eventClass: EventClass): PayloadCodec {
  return {
    encode: (event) => JSON.stringify(instanceToPlain(event)),
    decode: (payload) => plainToInstance(eventClass, payload) as object,
  };
}

const MAX_DEPTH = 8;

/**
 * True when `JSON.stringify` would write exactly what class-transformer writes: only strings,
 * finite numbers, booleans, null, arrays and plain objects, with no `toJSON` and no `__proto__`
 * keys. Anything else (Dates, Maps, Sets, class instances, deep nesting) takes the faithful path.
 */
function isJsonShaped(value: object, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  if (depth > 0 && !Array.isArray(value)) {
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) return false;
  }
  if ('toJSON' in value) return false;
  for (const key in value) {
    if (key === '__proto__') return false;
    const field = (value as Record<string, unknown>)[key];
    switch (typeof field) {
      case 'string':
      case 'boolean':
      case 'undefined':
        continue;
      case 'number':
        if (!Number.isFinite(field)) return false;
        continue;
      case 'object':
        if (field === null) continue;
        if (!isJsonShaped(field, depth + 1)) return false;
        continue;
      default:
        return false;
    }
  }
  return true;
}
