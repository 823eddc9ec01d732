// What the `eventfold` command line needs to know about the trading example.
import { defineConfig } from '../../lib/cli';
import { Order } from './order';
import { Position } from './position';
import { createReadModels } from './read-models';
import { tradingSubscribers } from './subscribers';

export default defineConfig({
  database: 'trading.db',
  aggregates: [Order, Position],
  setup: createReadModels,
  subscribers: (store) => tradingSubscribers(store),
});
