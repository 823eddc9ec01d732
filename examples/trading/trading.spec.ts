import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStore } from '../../lib';
import { MARKETS, OrderCancelled, OrderFilled, OrderPlaced, PositionClosed, PositionOpened, PositionReduced, PriceTicked } from './events';
import { runTradingExample } from './main';
import { Order } from './order';
import { Position } from './position';
import { readModels } from './read-models';
import { isStopLossOrder } from './stop-loss';
import type { Summary } from './summary';
import { dropSchemas, postgresUrlOrReportSkip, uniqueSchema } from '../../spec/support/backends';

/** Every row of the positions projection equals the Position aggregate of its market, loaded by replay. */
async function expectPositionsMatchAggregates(store: EventStore): Promise<void> {
  const rows = await readModels(store).selectFrom('positions').selectAll().orderBy('market').execute();
  expect(rows.length).to.be.greaterThan(0);
  for (const row of rows) {
    const position = await store.repository(Position).load(row.market);
    expect(row).to.deep.equal({
      market: position.id,
      direction: position.direction,
      volume: position.volume,
      average_entry_price: position.averageEntryPrice,
      realized_pnl: position.realizedPnl,
      fees: position.fees,
    });
  }
}

describe('Trading example', function () {
  this.timeout(120_000);
  let folder: string;
  let database: string;
  let first: Summary;
  let second: Summary;
  const lines: string[] = [];

  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'eventfold-trading-'));
    database = join(folder, 'trading.db');
    // Orders expire 20 ms after they are placed, while the run goes on: some during the run, the
    // last ones in the next run.
    first = await runTradingExample({ database, orders: 80, seed: 7, expireAfterMs: 20, print: (line) => lines.push(line) });
    second = await runTradingExample({ database, orders: 40, seed: 7, expireAfterMs: 20, print: (line) => lines.push(line) });
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  it('continues from where the last run stopped when run again', () => {
    expect(first.orders).to.equal(80);
    expect(second.orders).to.equal(120);
    expect(lines).to.include('Placing orders 81 to 120 (seed 7)...');
    expect(lines.filter((line) => line.includes('up to date at position'))).to.have.length(8);
  });

  it('keeps the positions projection equal to the Position aggregates', async () => {
    const store = await EventStore.open({ sqlite: database, aggregates: [Position] });
    await expectPositionsMatchAggregates(store);
    await store.close();
  });

  it('rebuilds each position by replay to the same state as the live one', async () => {
    const store = await EventStore.open({ sqlite: database, aggregates: [Position] });
    const positions = store.repository(Position);
    // The seeded runs trade in every market, so each has a position to compare.
    for (const market of MARKETS) {
      const live = await positions.load(market);
      let replayed: Position | undefined;
      for await (const step of positions.history(market)) replayed = step.state;
      expect(replayed?.version, market).to.equal(live.version);
      expect({ ...replayed }).to.deep.equal({ ...live });
      expect({ ...(await positions.load(market, { snapshot: false })) }).to.deep.equal({ ...live });
    }
    await store.close();
  });

  it('applies every fill to its market position exactly once', async () => {
    const store = await EventStore.open({ sqlite: database, aggregates: [Order, Position], events: [PriceTicked] });
    const fills = new Map<string, number>();
    const applied = new Map<number, number>();
    for await (const recorded of store.readAll()) {
      if (recorded.event instanceof OrderFilled) fills.set(String(recorded.position), 1);
      const event = recorded.event as PositionOpened | PositionReduced | PositionClosed;
      if ('fillPosition' in event) applied.set(event.fillPosition, (applied.get(event.fillPosition) ?? 0) + 1);
    }
    expect(fills.size).to.be.greaterThan(0);
    expect([...fills.keys()].map(Number).sort((a, b) => a - b)).to.deep.equal([...applied.keys()].sort((a, b) => a - b));
    // A fill that turns a position around closes it and opens the other way: two events, one fill.
    expect([...applied.values()].every((count) => count === 1 || count === 2)).to.equal(true);
    await store.close();
  });

  it('expires orders left open, cancelling each order at most once', async () => {
    const store = await EventStore.open({ sqlite: database, aggregates: [Order, Position], events: [PriceTicked] });
    const cancels = new Map<string, number>();
    let expired = 0;
    for await (const recorded of store.readAll()) {
      if (!(recorded.event instanceof OrderCancelled)) continue;
      cancels.set(recorded.streamId, (cancels.get(recorded.streamId) ?? 0) + 1);
      if (recorded.event.reason !== 'expired') continue;
      expired++;
      expect(String(recorded.metadata.causationId)).to.match(/^deadline:/);
    }
    await store.close();
    expect(expired).to.be.greaterThan(0);
    expect(second.expired).to.equal(expired);
    expect([...cancels.values()].every((count) => count === 1)).to.equal(true);
    expect(lines.find((line) => line.startsWith('  expired '))).to.match(/^ {2}expired +\d+ of the \d+ cancelled, by order-expiry; the latest: ord-\d{6} \(/);
  });

  it('sells positions at their stop loss, never again before the sale has reached the position', async () => {
    const store = await EventStore.open({ sqlite: database, aggregates: [Order, Position], events: [PriceTicked] });
    /** Per market, the log position of a stop-loss fill that no position event has taken yet. */
    const unapplied = new Map<string, number>();
    let sales = 0;
    for await (const recorded of store.readAll()) {
      const { event } = recorded;
      if (event instanceof OrderPlaced && isStopLossOrder(event.orderId)) {
        expect(unapplied.get(event.market), `a second sale of ${event.market} at ${recorded.position}`).to.equal(undefined);
        sales++;
      }
      if (event instanceof OrderFilled && isStopLossOrder(event.orderId)) unapplied.set(event.market, recorded.position);
      const positionEvent = event instanceof PositionOpened || event instanceof PositionReduced || event instanceof PositionClosed;
      if (positionEvent && unapplied.get(event.market) === event.fillPosition) unapplied.delete(event.market);
    }
    await store.close();
    expect(sales).to.be.greaterThan(0);
    expect(second.stopLossSales).to.have.length(sales);
    expect(lines).to.include(`  stop-loss sells ${second.stopLossSales.length}${sales > 3 ? ', the latest 3:' : ''}`);
  });

  it('shows retries and dead letters from the flaky notifier', () => {
    expect(first.retries).to.be.greaterThan(0);
    expect(second.deadLetters).to.be.at.least(first.deadLetters);
    expect(second.notifications + second.deadLetters).to.equal(second.fills);
  });
});

const postgresUrl = postgresUrlOrReportSkip();
if (postgresUrl) {
  describe('Trading example on PostgreSQL', function () {
    this.timeout(120_000);
    const schema = uniqueSchema();
    after(() => dropSchemas(postgresUrl, [schema]));

    it('runs unchanged, expiring orders, and its positions projection equals the Position aggregates', async () => {
      const lines: string[] = [];
      const summary = await runTradingExample({ database: postgresUrl, schema, orders: 60, seed: 7, expireAfterMs: 20, print: (line) => lines.push(line) });
      expect(summary.orders).to.equal(60);
      expect(summary.expired).to.be.greaterThan(0);
      expect(lines[0]).to.contain(`schema ${schema}`);

      const store = await EventStore.open({ postgres: postgresUrl, schema, poolSize: 2, aggregates: [Position] });
      try {
        await expectPositionsMatchAggregates(store);
      } finally {
        await store.close();
      }
    });
  });
}
