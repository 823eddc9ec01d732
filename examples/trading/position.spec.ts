import { expect } from 'chai';
import { aggregateFixture } from '../../lib/testing';
import { OrderFilled, PositionClosed, PositionIncreased, PositionOpened, PositionReduced, type Side } from './events';
import { Position } from './position';

/** A fill of one of the account's orders on KRW-ETH; `fillPosition` is where it stands in the log. */
function fill(side: Side, price: number, volume: number, fee: number): OrderFilled {
  return new OrderFilled('o', `t-${side}-${price}`, 'KRW-ETH', side, price, volume, fee, 0, new Date('2026-03-02T09:00:00Z'));
}

const positions = aggregateFixture(Position, { id: 'KRW-ETH' });
/** Bought 2 at 1000 with a fee of 2: long 2 at 1001, fees included. */
const long = positions.given(new PositionOpened('KRW-ETH', 'long', 2, 1000, 2, 1001, 1));
/** Then bought 1 more at 1300 with a fee of 1: long 3 at (2002 + 1301) / 3 = 1101. */
const increased = long.given(new PositionIncreased('KRW-ETH', 1, 1300, 1, 1101, 2));
/** Then sold 1 at 1500 with a fee of 1.5: 1500 − 1.5 − 1101 = 397.5 realized. */
const reduced = increased.given(new PositionReduced('KRW-ETH', 1, 1500, 1.5, 397.5, 3));

describe('Position', () => {
  it('opens a long position on a first buy, with the fee inside the entry price', () => {
    const position = positions.when((position) => position.applyFill(fill('bid', 1000, 2, 2), 1)).thenEvents(new PositionOpened('KRW-ETH', 'long', 2, 1000, 2, 1001, 1));
    expect(position).to.include({ direction: 'long', volume: 2, averageEntryPrice: 1001, fees: 2, trades: 1 });
  });

  it('opens a short position on a first sell, the fee taken off the entry price', () => {
    positions.when((position) => position.applyFill(fill('ask', 1000, 2, 2), 1)).thenEvents(new PositionOpened('KRW-ETH', 'short', 2, 1000, 2, 999, 1));
  });

  it('increases a position on a buy, averaging the entry price with fees', () => {
    const position = long.when((position) => position.applyFill(fill('bid', 1300, 1, 1), 2)).thenEvents(new PositionIncreased('KRW-ETH', 1, 1300, 1, 1101, 2));
    expect(position).to.include({ direction: 'long', volume: 3, averageEntryPrice: 1101 });
  });

  it('reduces a position on a sell, realizing the profit net of fees', () => {
    const position = increased.when((position) => position.applyFill(fill('ask', 1500, 1, 1.5), 3)).thenEvents(new PositionReduced('KRW-ETH', 1, 1500, 1.5, 397.5, 3));
    expect(position).to.include({ volume: 2, realizedPnl: 397.5 });
  });

  it('changes nothing for a fill it has taken in already', () => {
    const position = reduced.when((position) => position.applyFill(fill('ask', 1500, 1, 1.5), 3)).thenEvents();
    expect(position).to.include({ volume: 2, realizedPnl: 397.5, lastFillPosition: 3 });
  });

  it('closes a position and opens the other way on a sell larger than it, splitting the fee', () => {
    // 2 of the 4 close the long: 2 × 900 − 1.8 of fee − 2 × 1101 of entry = −403.8. The other 2
    // open a short at (2 × 900 − 1.8) / 2 = 899.1.
    const position = reduced
      .when((position) => position.applyFill(fill('ask', 900, 4, 3.6), 4))
      .thenEvents(new PositionClosed('KRW-ETH', 2, 900, 1.8, -403.8, 4), new PositionOpened('KRW-ETH', 'short', 2, 900, 1.8, 899.1, 4));
    expect(position).to.include({ direction: 'short', volume: 2, averageEntryPrice: 899.1, realizedPnl: -6.3, fees: 8.1, trades: 5 });
  });

  it('closes a position on a sell of all of it, and is flat after', () => {
    const position = long.when((position) => position.applyFill(fill('ask', 1100, 2, 1.1), 2)).thenEvents(new PositionClosed('KRW-ETH', 2, 1100, 1.1, 196.9, 2));
    expect(position).to.include({ direction: 'flat', volume: 0, averageEntryPrice: 0, realizedPnl: 196.9 });
  });

  it('realizes the profit of a short position when it is bought back lower', () => {
    // Short 2 at 999; buying 1 back at 900 with a fee of 0.45 realizes 999 − 900 − 0.45.
    positions
      .given(new PositionOpened('KRW-ETH', 'short', 2, 1000, 2, 999, 1))
      .when((position) => position.applyFill(fill('bid', 900, 1, 0.45), 2))
      .thenEvents(new PositionReduced('KRW-ETH', 1, 900, 0.45, 98.55, 2));
  });
});
