import { readEventDefinition } from './domain-event.decorator';
import type { EventClass, EventDefinition } from './event-class';
import { EventNameConflictError } from './event-name-conflict-error';
import { payloadCodecFor, type PayloadCodec } from './payload-codec';
import { UnregisteredEventError } from './unregistered-event-error';

/** An event class as one store knows it: its definition and the codec for its payloads. */
export interface RegisteredEvent {
  readonly definition: EventDefinition;
  readonly codec: PayloadCodec;
}

/**
 * The event classes one store knows, by name and by class. Each store owns its registry, so two
 * stores in one process never see each other's registrations.
 */
export class EventRegistry {
  private readonly byName = new Map<string, RegisteredEvent>();
  private readonly byClass = new Map<Function, RegisteredEvent>();

  /** Registers decorated classes; throws if one is not decorated or its name is taken. */
  register(...eventClasses: EventClass[]): void {
    for (const eventClass of eventClasses) this.ofClass(eventClass);
  }

  /** The registration of an event object's class, registering the class on first sight. */
  of(event: object): RegisteredEvent {
    const prototype = typeof event === 'object' && event !== null ? Object.getPrototypeOf(event) : undefined;
    if (!prototype || prototype === Object.prototype || Array.isArray(event)) {
      throw new UnregisteredEventError(describeValue(event), false);
    }
    return this.byClass.get(event.constructor) ?? this.ofClass(event.constructor as EventClass);
  }

  /** The registration of an event class, registering it on first sight. */
  ofClass(eventClass: EventClass): RegisteredEvent {
    const known = this.byClass.get(eventClass);
    if (known) return known;
    const definition = typeof eventClass === 'function' ? readEventDefinition(eventClass) : undefined;
    if (!definition) {
      if (typeof eventClass === 'function' && eventClass.name) throw new UnregisteredEventError(eventClass.name);
      throw new UnregisteredEventError(describeValue(eventClass), false);
    }
    const holder = this.byName.get(definition.name);
    if (holder && holder.definition.eventClass !== eventClass) {
      throw new EventNameConflictError(definition.name, holder.definition.eventClass.name, eventClass.name);
    }
    const registered = { definition, codec: payloadCodecFor(eventClass) };
    this.byName.set(definition.name, registered);
    this.byClass.set(eventClass, registered);
    return registered;
  }

  /** The registration under a stored type name, if any. */
  named(name: string): RegisteredEvent | undefined {
    return this.byName.get(name);
  }

  /** Every registered event name, sorted. */
  names(): string[] {
    return [...this.byName.keys()].sort();
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'a plain object';
  return `a ${typeof value}`;
}
