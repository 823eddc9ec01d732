import { expect } from 'chai';
import { instanceToPlain, plainToInstance } from 'class-transformer';
import { DomainEvent } from '../../lib';
import { payloadCodecFor } from '../../lib/events/payload-codec';
import { hasClassTransformerMetadata } from '../../lib/events/class-transformer-metadata';
import { Money, OrderFilled, OrderPlaced } from '../support/domain';

@DomainEvent('Plain')
class Plain {
  status = 'new';
  constructor(
    readonly name?: string,
    readonly nested?: { list: number[]; deep: { flag: boolean } },
  ) {}

  describe(): string {
    return `${this.name} is ${this.status}`;
  }
}

class WithMap {
  constructor(readonly counts = new Map([['a', 1]])) {}
}

class ChildOfTyped extends OrderFilled {}

describe('Payload codecs', () => {
  it('recognise classes that carry class-transformer decorators, including through a parent', () => {
    expect(hasClassTransformerMetadata(OrderPlaced)).to.equal(true);
    expect(hasClassTransformerMetadata(OrderFilled)).to.equal(true);
    expect(hasClassTransformerMetadata(ChildOfTyped)).to.equal(true);
    expect(hasClassTransformerMetadata(Plain)).to.equal(false);
    expect(hasClassTransformerMetadata(Money)).to.equal(false);
  });

  it('encode an undecorated class exactly as class-transformer does', () => {
    const codec = payloadCodecFor(Plain);
    for (const event of [new Plain('a', { list: [1, 2], deep: { flag: true } }), new Plain(undefined), new Plain('x', undefined)]) {
      expect(codec.encode(event)).to.equal(JSON.stringify(instanceToPlain(event)));
    }
    const withMap = new WithMap();
    expect(payloadCodecFor(WithMap).encode(withMap)).to.equal(JSON.stringify(instanceToPlain(withMap)));
    expect(payloadCodecFor(WithMap).encode(withMap)).to.equal('{"counts":{"a":1}}');
  });

  it('decode an undecorated class exactly as class-transformer does, constructor defaults included', () => {
    const codec = payloadCodecFor(Plain);
    for (const payload of [{ name: 'a', nested: { list: [1], deep: { flag: false } } }, { name: 'b', status: 'done' }, {}]) {
      const fast = codec.decode(JSON.parse(JSON.stringify(payload)));
      const faithful = plainToInstance(Plain, JSON.parse(JSON.stringify(payload)));
      expect(fast).to.be.instanceOf(Plain);
      expect(fast).to.deep.equal(faithful);
    }
  });

  it('never lets a payload field replace a method of the class', () => {
    const decoded = payloadCodecFor(Plain).decode({ name: 'n', describe: 'not a function' }) as Plain;
    expect(decoded.describe()).to.equal('n is new');
  });
});
