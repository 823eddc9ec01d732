// What the `eventfold` command line needs to know about the trading example.
import { defineConfig } from '../../lib/cli';
import { PriceTicked } from './events';
import { Order } from './order';
import { Position } from './position';
import { createReadModels } from './read-models';
import { tradingSubscribers } from './subscribers';

export default defineConfig({
  database: 'trading.db',
  aggregates: [Order, Position],
  // The events no aggregate applies.
  events: [PriceTicked],
  setup: createReadModels,
  subscribers: (store) => tradingSubscribers(store),
});
