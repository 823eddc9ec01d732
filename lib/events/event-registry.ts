import { readEventDefinition } from './domain-event.decorator';
import type { EventClass, EventDefinition } from './event-class';
import { EventNameConflictError } from './event-name-conflict-error';
import { UnregisteredEventError } from './unregistered-event-error';

/**
 * The event classes one store knows, by name and by class. Each store owns its registry, so two
 * stores in one process never see each other's registrations.
 */
export class EventRegistry {
  private readonly byName = new Map<string, EventDefinition>();
  private readonly byClass = new Map<Function, EventDefinition>();

  /** Registers decorated classes; throws if one is not decorated or its name is taken. */
  register(...eventClasses: EventClass[]): void {
    for (const eventClass of eventClasses) this.definitionOfClass(eventClass);
  }

  /** The definition of an event object's class, registering the class on first sight. */
  definitionOf(event: object): EventDefinition {
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      throw new UnregisteredEventError(describeValue(event));
    }
    return this.definitionOfClass(event.constructor as EventClass);
  }

  /** The definition of an event class, registering it on first sight. */
  definitionOfClass(eventClass: EventClass): EventDefinition {
    const known = this.byClass.get(eventClass);
    if (known) return known;
    const definition = typeof eventClass === 'function' ? readEventDefinition(eventClass) : undefined;
    if (!definition) throw new UnregisteredEventError(eventClass?.name || describeValue(eventClass));
    const holder = this.byName.get(definition.name);
    if (holder && holder.eventClass !== eventClass) {
      throw new EventNameConflictError(definition.name, holder.eventClass.name, eventClass.name);
    }
    this.byName.set(definition.name, definition);
    this.byClass.set(eventClass, definition);
    return definition;
  }

  /** The definition registered under a stored type name, if any. */
  definitionNamed(name: string): EventDefinition | undefined {
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
