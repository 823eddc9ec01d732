export { ConcurrencyError } from './concurrency-error';
export { DatabaseBusyError } from './database-busy-error';
export { DatabaseOpenError } from './database-open-error';
export { EventIdConflictError } from './event-id-conflict-error';
export { BUS_STREAM_TYPE, EventStore, type AppendListener, type PublishOptions } from './event-store';
export type { CommonStoreOptions, DialectOptions, EventStoreOptions, KyselyDialect } from './event-store-options';
export { ANY_VERSION, NO_STREAM, type ExpectedVersion } from './expected-version';
export type { AppendOptions, AppendResult, NewEvent } from './new-event';
export type { UndecodableHandling } from './read-events';
export type { ReadAllOptions, ReadStreamOptions } from './read-options';
export type { RecordedEvent } from './recorded-event';
export {
  DEAD_LETTERS_TABLE,
  EVENTS_TABLE,
  SNAPSHOTS_TABLE,
  SUBSCRIPTIONS_TABLE,
  type DeadLetterRow,
  type EventfoldTables,
  type EventRow,
  type SnapshotRow,
  type SubscriptionRow,
} from './schema';
export type { PostgresOptions } from './postgres/postgres-options';
export { DatabaseCorruptError, type SqliteCorruptionCode } from './sqlite/database-corrupt-error';
export type { Durability, SqliteOptions } from './sqlite/sqlite-options';
export { StoreClosedError } from './store-closed-error';
export type { StreamRef } from './stream-ref';
