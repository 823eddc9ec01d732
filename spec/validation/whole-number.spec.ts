import { expect } from 'chai';
import { InvalidArgumentError } from '../../lib';
import { checkWholeNumber } from '../../lib/validation/whole-number';

describe('checkWholeNumber', () => {
  it('returns a whole number from 1, up to the maximum when there is one', () => {
    expect(checkWholeNumber(1, 'options.pageSize')).to.equal(1);
    expect(checkWholeNumber(Number.MAX_SAFE_INTEGER, 'options.from')).to.equal(Number.MAX_SAFE_INTEGER);
    expect(checkWholeNumber(10_000, 'options.pageSize', { max: 10_000 })).to.equal(10_000);
  });

  it('refuses what is not a whole number from 1, naming the argument, the value and what to pass', () => {
    for (const [value, got] of [
      [0, '0'],
      [-1, '-1'],
      [1.5, '1.5'],
      [Number.NaN, 'NaN'],
      [2 ** 53, String(2 ** 53)],
      ['3', '"3"'],
      [null, 'null'],
      [[1], 'an array'],
    ] as const) {
      const check = () => checkWholeNumber(value, 'options.batchSize');
      expect(check, String(value)).to.throw(InvalidArgumentError, `Invalid options.batchSize: expected a whole number >= 1, got ${got}.`);
    }
  });

  it('refuses a number above the maximum, giving the range', () => {
    expect(() => checkWholeNumber(10_001, 'options.pageSize', { max: 10_000 })).to.throw(
      InvalidArgumentError,
      'Invalid options.pageSize: expected a whole number from 1 to 10000, got 10001.',
    );
  });

  it('says what the number stands for when the argument does not', () => {
    let caught: unknown;
    try {
      checkWholeNumber(0, 'id', { meaning: "a dead letter's id" });
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(InvalidArgumentError).and.to.include({ argument: 'id' });
    expect((caught as Error).message).to.equal("Invalid id: expected a dead letter's id, a whole number >= 1, got 0.");
  });
});
