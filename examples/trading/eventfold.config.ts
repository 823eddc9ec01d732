// What the `eventfold` command line needs to know about the trading example.
import { defineConfig } from '../../lib/cli';
import { FlakySender } from './flaky-sender';
import { FillNotifier, PositionKeeper } from './handlers';
import { Order } from './order';
import { Position } from './position';
import { OpenOrders, Positions, RealizedPnl } from './projections';
import { createReadModels, readModels } from './read-models';

export default defineConfig({
  database: 'trading.db',
  aggregates: [Order, Position],
  setup: createReadModels,
  subscribers: (store) => [new OpenOrders(), new Positions(), new RealizedPnl(), new PositionKeeper(store), new FillNotifier(new FlakySender(readModels(store)))],
});
