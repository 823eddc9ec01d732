import { expect } from 'chai';
import { stateChanges } from '../../lib/inspection/state-changes';
import { formatDuration, formatRate } from '../../lib/cli/output/duration';
import { formatTable } from '../../lib/cli/output/table';
import { colorsWanted } from '../../lib/cli/output/terminal';

describe('Command-line output', () => {
  describe('stateChanges', () => {
    it('lists changed, added and removed fields, comparing nested values as JSON', () => {
      const changes = stateChanges({ status: 'open', lines: { apple: 3 }, note: 'x', filled: 0 }, { status: 'filled', lines: { apple: 3 }, filled: 0, fills: [1] });

      expect(changes).to.deep.equal([
        { field: 'status', kind: 'changed', before: 'open', after: 'filled' },
        { field: 'fills', kind: 'added', after: [1] },
        { field: 'note', kind: 'removed', before: 'x' },
      ]);
    });

    it('finds a change inside a nested object', () => {
      expect(stateChanges({ lines: { apple: 3 } }, { lines: { apple: 3, pear: 1 } })).to.deep.equal([
        { field: 'lines', kind: 'changed', before: { apple: 3 }, after: { apple: 3, pear: 1 } },
      ]);
    });
  });

  describe('formatTable', () => {
    it('pads columns to their widest cell, numbers to the right, and leaves the last column unpadded', () => {
      const lines = formatTable(
        [{ header: 'NAME' }, { header: 'LAG', align: 'right' }, { header: 'NOTE' }],
        [
          ['open-orders', '0', ''],
          ['fill-notifier', '1200', 'behind'],
        ],
      );

      expect(lines).to.deep.equal(['NAME            LAG  NOTE', 'open-orders       0', 'fill-notifier  1200  behind']);
    });
  });

  describe('colorsWanted', () => {
    it('colours a terminal only, unless NO_COLOR or FORCE_COLOR says otherwise', () => {
      expect(colorsWanted({ isTTY: true }, {})).to.equal(true);
      expect(colorsWanted({ isTTY: false }, {})).to.equal(false);
      expect(colorsWanted({}, {})).to.equal(false);
      expect(colorsWanted({ isTTY: true }, { NO_COLOR: '1' })).to.equal(false);
      expect(colorsWanted({ isTTY: true }, { TERM: 'dumb' })).to.equal(false);
      expect(colorsWanted({ isTTY: false }, { FORCE_COLOR: '1' })).to.equal(true);
      expect(colorsWanted({ isTTY: false }, { FORCE_COLOR: '0' })).to.equal(false);
    });
  });

  describe('durations and rates', () => {
    it('reads naturally from milliseconds to hours', () => {
      expect([40, 1400, 12_000, 200_000, 7_500_000].map(formatDuration)).to.deep.equal(['40 ms', '1.4 s', '12 s', '3 min 20 s', '2 h 5 min']);
      expect([3.46, 1520.4].map(formatRate)).to.deep.equal(['3.5 events/s', '1520 events/s']);
    });
  });
});
