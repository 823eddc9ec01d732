import type { EventDefinition } from './event-class';
import type { EventRegistry } from './event-registry';
import { parseJsonSafely } from './safe-json';
import { CorruptEventError, EventConstructorError, UnknownEventTypeError, type StoredEventLocation } from './undecodable-event-error';

/**
 * Turns a stored payload back into an instance of the registered class, upcasting it first when
 * it was written by an older schema version.
 */
export function decodePayload(registry: EventRegistry, location: StoredEventLocation, schemaVersion: number, payloadText: string): object {
  const registered = registry.named(location.type);
  if (!registered) throw new UnknownEventTypeError(location);
  const { definition, codec } = registered;
  let plain: unknown;
  try {
    plain = parseJsonSafely(payloadText);
  } catch (cause) {
    throw new CorruptEventError(location, `its payload is not valid JSON (${messageOf(cause)}).`, { cause });
  }
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    throw new CorruptEventError(location, 'its payload is not a JSON object.');
  }
  const current = upcast(definition, location, schemaVersion, plain as Record<string, unknown>);
  try {
    return codec.decode(current);
  } catch (cause) {
    if (constructorThrows(definition.eventClass)) throw new EventConstructorError(location, definition.eventClass.name, { cause });
    throw new CorruptEventError(location, `class-transformer could not build ${definition.eventClass.name} from it (${messageOf(cause)}).`, { cause });
  }
}

/**
 * Whether the class's constructor throws when called without arguments, as decoding calls it.
 * Asked only once decoding failed, to tell a constructor that validates (a bug in the code,
 * the same for every stored event of the class) from a stored payload that is at fault.
 */
function constructorThrows(eventClass: new () => object): boolean {
  try {
    new eventClass();
    return false;
  } catch {
    return true;
  }
}

function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

function upcast(definition: EventDefinition, location: StoredEventLocation, schemaVersion: number, payload: Record<string, unknown>): Record<string, unknown> {
  if (schemaVersion === definition.version) return payload;
  if (!Number.isInteger(schemaVersion) || schemaVersion < 1) {
    throw new CorruptEventError(location, `its schema version ${schemaVersion} is not a positive integer.`);
  }
  if (schemaVersion > definition.version) {
    throw new CorruptEventError(
      location,
      `it was written at schema version ${schemaVersion}, but ${definition.eventClass.name} is at version ${definition.version}. ` +
        'Deploy the code that wrote it, or raise the version in @DomainEvent.',
    );
  }
  let upgraded = payload;
  for (let from = schemaVersion; from < definition.version; from++) {
    const upcaster = definition.upcasters[from];
    if (!upcaster) {
      throw new CorruptEventError(
        location,
        `it is at schema version ${from} and no upcaster turns version ${from} into ${from + 1}. ` +
          `Add upcasters: { ${from}: (payload) => ... } to @DomainEvent('${definition.name}').`,
      );
    }
    try {
      upgraded = upcaster(upgraded);
    } catch (cause) {
      throw new CorruptEventError(location, `the upcaster from version ${from} threw: ${messageOf(cause)}`, { cause });
    }
    if (typeof upgraded !== 'object' || upgraded === null) {
      throw new CorruptEventError(location, `the upcaster from version ${from} returned ${String(upgraded)} instead of an object.`);
    }
  }
  return upgraded;
}
