import { instanceToPlain, plainToInstance } from 'class-transformer';
import { InvalidArgumentError } from '../errors/invalid-argument-error';
import type { EventClass } from './event-class';
import { hasClassTransformerMetadata } from './class-transformer-metadata';
import { declaresDate } from './declared-date';
import { assertClassTransformerKeeps } from './class-transformer-losses';
import { checkExactJson, refusal } from './exact-json';
import { readClassShape } from './class-shape';
import { encodeByShape } from './compiled-encoder';
import { decodeByShape } from './compiled-decoder';
import { HAND_OVER } from './hand-over';

/** Turns event instances of one class into stored JSON text and stored objects back into instances. */
export interface PayloadCodec {
  /**
   * The payload text of `event`. Throws `InvalidArgumentError` naming the path under `argument`
   * (`events[0].fill.price`) of a value that would not be read back as written.
   */
  encode(event: object, argument?: string): string;
  decode(payload: Record<string, unknown>): object;
}

/**
 * The codec for an event class. Every codec gives what class-transformer gives, and refuses what
 * the checks on its result refuse; the shortcuts only make the common case fast.
 *
 * - A class without class-transformer decorators: encoding uses `JSON.stringify` when every
 *   field is a JSON value already, and decoding sets the parsed fields on a new instance (as
 *   class-transformer does, constructor defaults included).
 * - A class whose decorators are `@Type`s of Dates and classes, and `@Transform`s: its shape is
 *   read once, and each event is encoded and decoded by it in one pass ({@link encodeByShape},
 *   {@link decodeByShape}). An event holding anything else is handed to class-transformer.
 * - Any other class (`@Expose`, `@Exclude`, discriminators...) goes through class-transformer.
 *
 * Whatever class-transformer writes is checked with {@link checkExactJson} first, so what JSON
 * would change in silence is refused instead; the shortcuts write only what those checks pass.
 */
export function payloadCodecFor(eventClass: EventClass): PayloadCodec {
  const faithful = classTransformerCodec(eventClass);
  if (hasClassTransformerMetadata(eventClass)) {
    const shape = readClassShape(eventClass);
    if (!shape) return faithful;
    return {
      encode: (event, argument) => {
        const plain = encodeByShape(shape, event);
        return plain === HAND_OVER ? faithful.encode(event, argument) : JSON.stringify(plain);
      },
      decode: (payload) => {
        const instance = decodeByShape(shape, payload);
        return instance === HAND_OVER ? faithful.decode(payload) : instance;
      },
    };
  }
  const prototype = eventClass.prototype as object;
  return {
    encode: (event, argument = 'event') => {
      assertNoFieldIsSkipped(event, prototype, argument, eventClass.name);
      return checkExactJson(event, { mode: 'event', argument, eventName: eventClass.name }) ? JSON.stringify(event) : faithful.encode(event, argument);
    },
    decode: (payload) => assignFields(new eventClass(), prototype, payload),
  };
}

/** Refuses an own field that {@link assignFields} would skip when reading the event back. */
function assertNoFieldIsSkipped(event: object, prototype: object, argument: string, eventName: string): void {
  for (const key in event) {
    // `in` is the cheap test, and nearly always false: fields are rarely named like members.
    if (!(key in prototype) || !Object.hasOwn(event, key) || !isSkipped(memberOf(prototype, key))) continue;
    throw refusal(
      argument,
      eventName,
      [key],
      `is a field named like a method or read-only getter of ${eventName}, which reading the event back leaves in place of the field. Rename the field.`,
    );
  }
}

function isSkipped(member: PropertyDescriptor | undefined): boolean {
  return member !== undefined && (typeof member.value === 'function' || (member.get !== undefined && member.set === undefined));
}

/** The codec that sends every event through class-transformer and checks what it makes. */
export function classTransformerCodec(eventClass: EventClass): PayloadCodec {
  return {
    encode: (event, argument = 'event') => {
      assertClassTransformerKeeps(event, argument, eventClass.name);
      let plain: Record<string, unknown>;
      try {
        plain = instanceToPlain(event);
      } catch (cause) {
        throw new InvalidArgumentError(
          argument,
          `class-transformer could not turn ${eventClass.name} into JSON (${(cause as Error).message}). ` +
            'Convert such fields with @Transform, or @Exclude a field that is not data.',
        );
      }
      checkExactJson(plain, { mode: 'plain', argument, eventName: eventClass.name, declaresDate: (path) => declaresDate(event, path) });
      return JSON.stringify(plain);
    },
    decode: (payload) => plainToInstance<object, unknown>(eventClass, payload),
  };
}

/**
 * Sets each stored field on a fresh instance, the way class-transformer does for a class without
 * decorators, except that nested values are kept as parsed: class-transformer would copy them
 * and drop their keys named `__proto__` and `constructor` on the way (or fail on them).
 *
 * A field named like a method or a read-only getter of the class is skipped, as class-transformer
 * skips it, so stored data never replaces behaviour. A `__proto__` field is defined as an own
 * property: assigning it would replace the instance's prototype.
 */
function assignFields(instance: object, prototype: object, payload: Record<string, unknown>): object {
  const target = instance as Record<string, unknown>;
  for (const key of Object.keys(payload)) {
    if (isSkipped(memberOf(prototype, key))) continue;
    if (key === '__proto__') Object.defineProperty(target, key, { value: payload[key], writable: true, enumerable: true, configurable: true });
    else target[key] = payload[key];
  }
  return instance;
}

/** The descriptor of `key` on the class's prototype chain, below `Object.prototype`. */
function memberOf(prototype: object | null, key: string): PropertyDescriptor | undefined {
  for (let current = prototype; current && current !== Object.prototype; current = Object.getPrototypeOf(current)) {
    const descriptor = Object.getOwnPropertyDescriptor(current, key);
    if (descriptor) return descriptor;
  }
  return undefined;
}
