import { expect } from 'chai';
import { CorruptEventError, DomainEvent, InvalidArgumentError, type EventClass, type EventStore } from '../../lib';
import { forEachBackend } from '../support/backends';
import { OrderPlaced } from '../support/domain';
import { collect, expectRejection } from '../support/expect-rejection';

/** Stores a raw payload as if an older version of the code had written it. */
async function storeRaw(store: EventStore, type: string, schemaVersion: number, payload: object, version = 1) {
  await store.eventfoldDb
    .insertInto('eventfold_events')
    .values({
      event_id: `00000000-0000-7000-8000-${String(version).padStart(12, '0')}`,
      stream_type: 'Legacy',
      stream_id: 'l-1',
      stream_version: version,
      event_type: type,
      schema_version: schemaVersion,
      payload: JSON.stringify(payload),
      metadata: '{}',
      recorded_at: new Date().toISOString(),
    })
    .execute();
}

function shipmentClasses(): [EventClass] {
  @DomainEvent('ShipmentSent', {
    version: 3,
    upcasters: {
      1: (v1) => ({ ...v1, carrier: 'post' }),
      2: ({ weightGrams, ...rest }) => ({ ...rest, weightKg: Number(weightGrams) / 1000 }),
    },
  })
  class ShipmentSent {
    constructor(
      readonly parcel: string,
      readonly carrier: string,
      readonly weightKg: number,
    ) {}
  }
  return [ShipmentSent];
}

forEachBackend('Event upcasting', (backend) => {
  it('turns a stored OrderPlaced v1 (no market) into v2 with market KRW-BTC', async () => {
    const store = await backend.open({ events: [OrderPlaced] });
    await storeRaw(store, 'OrderPlaced', 1, { orderId: 'o-1', volume: 2, placedAt: '2026-01-01T00:00:00.000Z' });
    await store.waitForReadable();
    const [recorded] = await collect(store.readAll());
    expect(recorded!.schemaVersion).to.equal(1);
    expect(recorded!.event).to.be.instanceOf(OrderPlaced);
    expect(recorded!.event).to.deep.include({ orderId: 'o-1', market: 'KRW-BTC', volume: 2 });
  });

  it('chains upcasters from v1 through v2 to v3', async () => {
    const [ShipmentSent] = shipmentClasses();
    const store = await backend.open({ events: [ShipmentSent] });
    await storeRaw(store, 'ShipmentSent', 1, { parcel: 'p-1', weightGrams: 1500 }, 1);
    await storeRaw(store, 'ShipmentSent', 2, { parcel: 'p-2', carrier: 'courier', weightGrams: 250 }, 2);
    await store.append({ type: 'Legacy', id: 'l-1' }, [new ShipmentSent('p-3', 'drone', 0.1)]);
    await store.waitForReadable();

    const events = (await collect(store.readAll())).map((recorded) => ({ ...recorded.event }));

    expect(events).to.deep.equal([
      { parcel: 'p-1', carrier: 'post', weightKg: 1.5 },
      { parcel: 'p-2', carrier: 'courier', weightKg: 0.25 },
      { parcel: 'p-3', carrier: 'drone', weightKg: 0.1 },
    ]);
  });

  it('reports a stored version newer than the code, or one with no upcaster, as a corrupt event', async () => {
    @DomainEvent('Gap', { version: 3, upcasters: { 2: (v) => v } })
    class Gap {}
    const store = await backend.open({ events: [Gap] });
    await storeRaw(store, 'Gap', 4, {}, 1);
    await storeRaw(store, 'Gap', 1, {}, 2);
    await store.waitForReadable();
    const errors: string[] = [];
    await collect(store.readAll({ onUndecodable: (error) => errors.push(error.message) }));
    expect(errors).to.have.length(2);
    expect(errors[0]).to.contain('schema version 4').and.contain('at version 3');
    expect(errors[1]).to.contain('no upcaster turns version 1 into 2');
    const error = await expectRejection(collect(store.readAll()), CorruptEventError);
    expect(error.position).to.equal(1);
  });

  it('rejects upcasters keyed outside the versions they could upgrade', () => {
    expect(() => DomainEvent('Bad', { version: 2, upcasters: { 2: (v) => v } })).to.throw(InvalidArgumentError, /key 2 must be a version from 1 to 1/);
    expect(() => DomainEvent('Bad', { version: 0 })).to.throw(InvalidArgumentError, /version of event 'Bad': expected a whole number >= 1, got 0\./);
    expect(() => DomainEvent('')).to.throw(InvalidArgumentError, /non-empty name/);
  });
});
