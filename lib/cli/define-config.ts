import type { AggregateClass } from '../aggregates/aggregate-class';
import type { EventClass } from '../events/event-class';
import type { EventStore } from '../event-store/event-store';

/**
 * What the `eventfold` command line needs to know about an application: its event and aggregate
 * classes (to decode and replay histories) and its subscribers (to rebuild projections and retry
 * dead letters). Export it, as default, from `eventfold.config.ts` (or `.js`).
 *
 * @example
 * ```ts
 * // eventfold.config.ts
 * export default defineConfig({
 *   database: 'trading.db',
 *   aggregates: [Order, Position],
 *   events: [PriceTicked],
 *   setup: createReadModelTables,
 *   subscribers: (store) => [new OpenOrders(), new Positions(), new FillNotifier(sender)],
 * });
 * ```
 */
export interface EventfoldConfig {
  /** The database to use when `--db` is not given: an SQLite file name or a postgres:// URL. */
  readonly database?: string;
  /** The PostgreSQL schema of the event log, when `--schema` is not given. Defaults to `public`. */
  readonly schema?: string;
  /** Event classes to register (those applied by `aggregates` are registered already). */
  readonly events?: readonly EventClass[];
  /** Aggregate classes, for `history` and for decoding their events. */
  readonly aggregates?: readonly AggregateClass[];
  /** Prepares the database before use (creates read-model tables, say). */
  readonly setup?: (store: EventStore) => Promise<void> | void;
  /** The application's subscribers, for `rebuild` and `dead-letters retry`. */
  readonly subscribers?: (store: EventStore) => readonly object[] | Promise<readonly object[]>;
}

/** Returns `config` unchanged; exists so that editors check and complete a config file. */
export function defineConfig(config: EventfoldConfig): EventfoldConfig {
  return config;
}
