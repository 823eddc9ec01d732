import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import type { OrderFields } from './bench-domain';
import { READ_MODEL_DDL, type ReadModelTable } from './order-read-models';

/** An event as the raw side hands it to a read model: where it is in the log, and its fields. */
export interface RawProjectedEvent {
  readonly position: number;
  readonly type: string;
  readonly fields: OrderFields;
}

/** One read model kept by hand-written SQL, with a checkpoint of its own. */
export interface RawProjection {
  readonly table: ReadModelTable;
  /** Applies one event to the read model; call it inside a transaction. */
  apply(event: RawProjectedEvent): void;
  /** Moves the checkpoint from `from` to `to`; throws when it is no longer at `from`. Call it inside the same transaction. */
  saveCheckpoint(from: number, to: number): void;
  /** Empties the read model and sets the checkpoint back to 0. */
  reset(): void;
}

const CHECKPOINTS_DDL = 'create table if not exists raw_checkpoints (name text primary key, position integer not null)';

/** The upsert of each read model for each event type: the statements eventfold's projections build with Kysely. */
const UPSERTS: Readonly<Record<ReadModelTable, { readonly placed: string; readonly filled: string }>> = {
  order_status: {
    placed:
      'insert into order_status (order_id, market, side, price, volume, filled_volume, status) values (?, ?, ?, ?, ?, 0, ?) ' +
      'on conflict (order_id) do update set market = excluded.market, side = excluded.side, price = excluded.price, ' +
      'volume = excluded.volume, status = excluded.status',
    filled:
      'insert into order_status (order_id, market, side, price, volume, filled_volume, status) values (?, ?, ?, ?, ?, ?, ?) ' +
      'on conflict (order_id) do update set filled_volume = order_status.filled_volume + excluded.filled_volume, status = excluded.status',
  },
  price_levels: {
    placed: priceLevelUpsert(),
    filled: priceLevelUpsert(),
  },
  market_volume: {
    placed: marketVolumeUpsert(),
    filled: marketVolumeUpsert(),
  },
  market_ticker: {
    placed:
      'insert into market_ticker (market, last_price, high_price, trades, orders, last_position) values (?, 0, 0, 0, 1, ?) ' +
      'on conflict (market) do update set orders = market_ticker.orders + 1, last_position = excluded.last_position',
    filled:
      'insert into market_ticker (market, last_price, high_price, trades, orders, last_position) values (?, ?, ?, 1, 0, ?) ' +
      'on conflict (market) do update set last_price = excluded.last_price, high_price = max(market_ticker.high_price, excluded.high_price), ' +
      'trades = market_ticker.trades + 1, last_position = excluded.last_position',
  },
};

function priceLevelUpsert(): string {
  return (
    'insert into price_levels (market, side, price, open_volume, open_orders) values (?, ?, ?, ?, ?) ' +
    'on conflict (market, side, price) do update set open_volume = price_levels.open_volume + excluded.open_volume, ' +
    'open_orders = price_levels.open_orders + excluded.open_orders'
  );
}

function marketVolumeUpsert(): string {
  return (
    'insert into market_volume (market, side, placed_volume, filled_volume, notional, fills) values (?, ?, ?, ?, ?, ?) ' +
    'on conflict (market, side) do update set placed_volume = market_volume.placed_volume + excluded.placed_volume, ' +
    'filled_volume = market_volume.filled_volume + excluded.filled_volume, notional = market_volume.notional + excluded.notional, ' +
    'fills = market_volume.fills + excluded.fills'
  );
}

/** Binds one event's values to its upsert, in the order of the statement's placeholders. */
type Binder = (placed: Statement, filled: Statement, event: RawProjectedEvent) => void;

const BINDERS: Readonly<Record<ReadModelTable, Binder>> = {
  order_status: (placed, filled, { type, fields: f }) => {
    if (type === 'OrderPlaced') placed.run(f.orderId, f.market, f.side, f.price, f.volume, 'open');
    else filled.run(f.orderId, f.market, f.side, f.price, f.volume, f.volume, 'filled');
  },
  price_levels: (placed, filled, { type, fields: f }) => {
    if (type === 'OrderPlaced') placed.run(f.market, f.side, f.price, f.volume, 1);
    else filled.run(f.market, f.side, f.price, -f.volume, -1);
  },
  market_volume: (placed, filled, { type, fields: f }) => {
    if (type === 'OrderPlaced') placed.run(f.market, f.side, f.volume, 0, 0, 0);
    else filled.run(f.market, f.side, 0, f.volume, f.price * f.volume, 1);
  },
  market_ticker: (placed, filled, { type, position, fields: f }) => {
    if (type === 'OrderPlaced') placed.run(f.market, position);
    else filled.run(f.market, f.price, f.price, position);
  },
};

/**
 * Creates `table` and a checkpoint row for it, and prepares the statements that keep it: what an
 * application would write by hand for the same read model as eventfold's projection.
 *
 * @example
 * ```ts
 * const orders = prepareRawProjection(database, 'order_status');
 * database.transaction(() => { for (const event of batch) orders.apply(event); orders.saveCheckpoint(0, last); }).immediate();
 * ```
 */
export function prepareRawProjection(database: SqliteDatabase, table: ReadModelTable): RawProjection {
  database.exec(READ_MODEL_DDL[table]);
  database.exec(CHECKPOINTS_DDL);
  database.prepare('insert or ignore into raw_checkpoints (name, position) values (?, 0)').run(table);
  const placed = database.prepare(UPSERTS[table].placed);
  const filled = database.prepare(UPSERTS[table].filled);
  const bind = BINDERS[table];
  const moveCheckpoint = database.prepare<[number, string, number]>('update raw_checkpoints set position = ? where name = ? and position = ?');
  const empty = database.prepare(`delete from ${table}`);
  const rewind = database.prepare<[string]>('update raw_checkpoints set position = 0 where name = ?');
  return {
    table,
    apply: (event) => bind(placed, filled, event),
    saveCheckpoint(from, to) {
      if (moveCheckpoint.run(to, table, from).changes !== 1) throw new Error(`the checkpoint of ${table} is no longer at ${from}`);
    },
    reset: database.transaction(() => {
      empty.run();
      rewind.run(table);
    }),
  };
}
