import { expect } from 'chai';
import { findDifferences } from '../../lib/testing/value-differences';
import { Money } from '../support/domain';

class Label {
  constructor(readonly text: string) {}
}

describe('findDifferences', () => {
  it('finds none between values equal in class and data', () => {
    const value = () => ({ price: new Money(5, 'KRW'), at: new Date('2026-01-01T00:00:00Z'), lines: [1, 2], tags: new Set(['a']), big: 10n });
    expect(findDifferences(value(), value())).to.deep.equal([]);
  });

  it('names the path of each differing field, through nested objects and arrays', () => {
    const expected = { order: { lines: [{ sku: 'kbd', qty: 1 }], note: 'x' } };
    const actual = { order: { lines: [{ sku: 'kbd', qty: 2 }], note: 'y' } };
    expect(findDifferences(expected, actual)).to.deep.equal([
      { path: 'order.lines[0].qty', expected: 1, actual: 2 },
      { path: 'order.note', expected: 'x', actual: 'y' },
    ]);
  });

  it('reports objects of different classes where they stand, without comparing their fields', () => {
    const plain = { amount: 5, currency: 'KRW' };
    expect(findDifferences({ price: new Money(5, 'KRW') }, { price: plain })).to.deep.equal([{ path: 'price', expected: new Money(5, 'KRW'), actual: plain }]);
    expect(findDifferences(new Label('a'), new Money(1, 'a'))).to.have.length(1);
  });

  it('compares Dates by the moment they name', () => {
    expect(findDifferences(new Date(1000), new Date(1000))).to.deep.equal([]);
    expect(findDifferences({ at: new Date(1000) }, { at: new Date(2000) })).to.deep.equal([{ path: 'at', expected: new Date(1000), actual: new Date(2000) }]);
  });

  it('reports an array item that is missing or extra by its index', () => {
    expect(findDifferences([1, 2], [1, 2, 3])).to.deep.equal([{ path: '[2]', expected: undefined, actual: 3 }]);
    expect(findDifferences({ lines: ['a', 'b'] }, { lines: ['a'] })).to.deep.equal([{ path: 'lines[1]', expected: 'b', actual: undefined }]);
  });

  it('compares Maps and Sets by their entries, in order', () => {
    expect(findDifferences(new Map([['a', 1]]), new Map([['a', 2]]))).to.deep.equal([{ path: '[0][1]', expected: 1, actual: 2 }]);
    expect(findDifferences(new Set([1]), new Set([2]))).to.deep.equal([{ path: '[0]', expected: 1, actual: 2 }]);
  });

  it('takes a missing field for one set to undefined, as stored JSON does', () => {
    expect(findDifferences({ a: 1, b: undefined }, { a: 1 })).to.deep.equal([]);
  });

  it('takes 0 for -0 and NaN for NaN, but not 1 for "1"', () => {
    expect(findDifferences({ n: 0, m: NaN }, { n: -0, m: NaN })).to.deep.equal([]);
    expect(findDifferences({ n: 1 }, { n: '1' })).to.deep.equal([{ path: 'n', expected: 1, actual: '1' }]);
  });

  it('quotes field names that are not identifiers', () => {
    expect(findDifferences({ 'odd key': 1 }, { 'odd key': 2 })).to.deep.equal([{ path: '["odd key"]', expected: 1, actual: 2 }]);
  });

  it('stops at a cycle instead of recursing forever', () => {
    type Node = { next?: Node };
    const a: Node = {};
    const b: Node = {};
    a.next = a;
    b.next = b;
    expect(findDifferences(a, b)).to.have.length(1);
  });
});
