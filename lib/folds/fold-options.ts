import type { Selectable } from 'kysely';
import type { EventMetadata } from '../events/event-metadata';
import type { RecordedEvent } from '../store/recorded-event';
import type { ProjectionOptions } from '../subscriptions/subscriber-options';

/** One column's part of a row key: what a key column holds. */
export type FoldKeyPart = string | number | bigint;

/**
 * The key of a read-model row: the value of the key column, or one value per key column, in the
 * order `key` lists them, for a table keyed by several columns.
 */
export type FoldKey = FoldKeyPart | readonly FoldKeyPart[];

/**
 * Where a fold projection keeps its rows: the table, and the column (or columns) that key it. The
 * key must be the table's primary key or a unique index, since rows are upserted on it. With
 * `DB`, both are checked against the read model's tables.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as for EventStore: untyped code names any table
export type FoldTable<DB = any> = {
  [Table in keyof DB & string]: {
    /** The read-model table, one row per key. */
    readonly table: Table;
    /** The key column, or the key columns of a composite key. */
    readonly key: (keyof DB[Table] & string) | readonly (keyof DB[Table] & string)[];
  };
}[keyof DB & string];

/**
 * Options of `@FoldProjection`: where the rows live, plus every option of `@Projection`.
 *
 * @example
 * ```ts
 * const options: FoldProjectionOptions<ReadModels> = { table: 'stock_levels', key: 'sku', batchSize: 2000 };
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as for EventStore: untyped code names any table
export type FoldProjectionOptions<DB = any> = FoldTable<DB> & ProjectionOptions;

/**
 * A row of a fold projection's table as its fold methods see it: the table's columns as Kysely
 * selects them.
 *
 * @example
 * ```ts
 * type StockLevel = FoldRow<ReadModels, 'stock_levels'>;
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as for EventStore: untyped code names any table
export type FoldRow<DB = any, Table extends keyof DB = keyof DB> = Selectable<DB[Table]>;

/** What a fold method receives besides the row and the event. */
export interface FoldContext {
  /** The event as stored: position, stream, metadata, time. */
  readonly recorded: RecordedEvent;
  /** Position of the event in the log. */
  readonly position: number;
  /** Stable id of the event. */
  readonly eventId: string;
  /** Metadata stored with the event. */
  readonly metadata: EventMetadata;
  /** The key of the row being folded, as the `@Fold` key function (or the stream id) gave it. */
  readonly key: FoldKey;
}
