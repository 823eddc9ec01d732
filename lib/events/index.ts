export { DomainEvent, readEventDefinition, type DomainEventOptions } from './domain-event.decorator';
export type { EventClass, EventDefinition, Upcaster } from './event-class';
export type { EventMetadata, JsonValue } from './event-metadata';
export { MAX_NESTING_DEPTH } from './exact-json';
export { EventNameConflictError } from './event-name-conflict-error';
export { UnregisteredEventError } from './unregistered-event-error';
export { CorruptEventError, EventConstructorError, UndecodableEventError, UnknownEventTypeError, type StoredEventLocation } from './undecodable-event-error';
