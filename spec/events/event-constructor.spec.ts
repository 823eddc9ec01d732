import { Transform, Type } from 'class-transformer';
import { expect } from 'chai';
import { Aggregate, AggregateRoot, Apply, CorruptEventError, DomainEvent, EventConstructorError, UndecodableEventError } from '../../lib';
import { forEachBackend } from '../support/backends';
import { collect, expectRejection } from '../support/expect-rejection';

/** Validates in its constructor, so `new PriceSet()` (as decoding calls it) throws. */
@DomainEvent('PriceSet')
class PriceSet {
  constructor(readonly price: number) {
    if (!(price > 0)) throw new RangeError(`price must be positive, got ${price}`);
  }
}

/** The same mistake in a class decoded through class-transformer (it has @Type). */
@DomainEvent('ListingDated')
class ListingDated {
  @Type(() => Date)
  readonly at: Date;

  constructor(at: Date) {
    if (!(at instanceof Date)) throw new TypeError('at must be a Date');
    this.at = at;
  }
}

/** Decodes through a @Transform that fails on the stored value: the payload, not the constructor, is at fault. */
@DomainEvent('SkuSet')
class SkuSet {
  @Transform(({ value }) => (value as string).toUpperCase(), { toClassOnly: true })
  readonly sku: string;

  constructor(sku = '') {
    this.sku = sku;
  }
}

@Aggregate('Listing')
class Listing extends AggregateRoot {
  price = 0;

  @Apply(PriceSet)
  protected priced(event: PriceSet): void {
    this.price = event.price;
  }
}

const listing = { type: 'Listing', id: 'l-1' };

forEachBackend('Event classes whose constructor throws on decode', (backend) => {
  it('readAll reports EventConstructorError with where the event is stored, the class and the fix, caused by what the constructor threw', async () => {
    const store = await backend.open();
    const [stored] = (await store.append(listing, [new PriceSet(10)])).events;
    await store.waitForReadable();
    const error = await expectRejection(() => collect(store.readAll()), EventConstructorError);
    expect(error).to.be.instanceOf(UndecodableEventError);
    expect(error).to.not.be.instanceOf(CorruptEventError);
    expect(error).to.include({
      code: 'EVENTFOLD_EVENT_CONSTRUCTOR',
      eventClass: 'PriceSet',
      position: stored!.position,
      type: 'PriceSet',
      streamType: 'Listing',
      streamId: 'l-1',
      streamVersion: 1,
      eventId: stored!.eventId,
    });
    expect(error.cause).to.be.instanceOf(RangeError);
    expect(error.message)
      .to.contain('the constructor of PriceSet threw when called without arguments (price must be positive, got undefined)')
      .and.contain('give its parameters defaults');
  });

  it('says the same for a class decoded through class-transformer, and for readStream and a repository load', async () => {
    const store = await backend.open();
    await store.append({ type: 'Listing', id: 'l-2' }, [new ListingDated(new Date('2026-01-01T00:00:00Z'))]);
    const dated = await expectRejection(() => collect(store.readStream({ type: 'Listing', id: 'l-2' })), EventConstructorError);
    expect(dated).to.include({ eventClass: 'ListingDated', streamId: 'l-2' });
    expect(dated.cause).to.be.instanceOf(TypeError);

    await store.append(listing, [new PriceSet(10)]);
    const loaded = await expectRejection(store.repository(Listing).load('l-1'), EventConstructorError);
    expect(loaded).to.include({ eventClass: 'PriceSet', streamVersion: 1 });
  });

  it("is passed over by onUndecodable: 'skip' and handed to an onUndecodable function, like any undecodable event", async () => {
    const store = await backend.open();
    await store.append(listing, [new PriceSet(10)]);
    await store.append({ type: 'Listing', id: 'l-3' }, [new SkuSet('abc')]);
    await store.waitForReadable();
    expect((await collect(store.readAll({ onUndecodable: 'skip' }))).map((recorded) => recorded.type)).to.deep.equal(['SkuSet']);
    const told: UndecodableEventError[] = [];
    const read = await collect(store.readAll({ onUndecodable: (error) => told.push(error) }));
    expect(read.map((recorded) => recorded.type)).to.deep.equal(['SkuSet']);
    expect((read[0]!.event as SkuSet).sku).to.equal('ABC');
    expect(told.map((error) => error.code)).to.deep.equal(['EVENTFOLD_EVENT_CONSTRUCTOR']);
  });

  it('still reports a payload class-transformer cannot build from as CorruptEventError', async () => {
    const store = await backend.open();
    await store.append(listing, [{ event: new SkuSet('abc') }]);
    // A stored sku that is no string makes the @Transform throw; the constructor is fine.
    await store.db.updateTable('eventfold_events').set({ payload: '{"sku": 42}' }).execute();
    await store.waitForReadable();
    const error = await expectRejection(() => collect(store.readAll()), CorruptEventError);
    expect(error.reason).to.contain('class-transformer could not build SkuSet');
  });
});
