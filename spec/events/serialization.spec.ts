import { expect } from 'chai';
import { DomainEvent } from '../../lib';
import { forEachBackend } from '../support/backends';
import { Money, OrderFilled, OrderPlaced } from '../support/domain';
import { collect } from '../support/expect-rejection';

@DomainEvent('Annotated')
class Annotated {
  constructor(readonly note: Record<string, unknown>) {}
}

forEachBackend('Event payload serialization', (backend) => {
  it('restores Dates, nested classes and @Transform fields after a round trip through the database', async () => {
    const store = await backend.open();
    const placedAt = new Date('2026-03-04T05:06:07.089Z');
    await store.append({ type: 'Order', id: 'o-1' }, [
      new OrderPlaced('o-1', 'KRW-ETH', 3, placedAt),
      new OrderFilled(2, new Money(4_500_000, 'KRW'), 12345678901234567890n),
    ]);
    const reader = await backend.reopen({ events: [OrderPlaced, OrderFilled] });
    await reader.waitForReadable();
    const [placed, filled] = (await collect(reader.readAll())).map((recorded) => recorded.event);

    expect(placed).to.be.instanceOf(OrderPlaced);
    expect((placed as OrderPlaced).placedAt).to.be.instanceOf(Date);
    expect((placed as OrderPlaced).placedAt.toISOString()).to.equal(placedAt.toISOString());
    expect(filled).to.be.instanceOf(OrderFilled);
    expect((filled as OrderFilled).price).to.be.instanceOf(Money);
    expect((filled as OrderFilled).price.format()).to.equal('4500000 KRW');
    expect((filled as OrderFilled).tradeSequence).to.equal(12345678901234567890n);
  });

  it('never lets a stored __proto__ key change a prototype', async () => {
    const store = await backend.open();
    await store.append({ type: 'Note', id: 'n-1' }, [new Annotated({ fine: true }), new Annotated({ fine: true })]);
    await store.db
      .updateTable('eventfold_events')
      .set({ payload: '{"__proto__": {"polluted": "yes"}, "note": {"__proto__": {"polluted": "yes"}, "fine": true}}' })
      .where('position', '=', 1)
      .execute();
    await store.db
      .updateTable('eventfold_events')
      .set({
        payload: '{"\\u005f\\u005fproto\\u005f\\u005f": {"polluted": "yes"}, "note": {}}',
        metadata: '{"__proto__": {"polluted": "yes"}}',
      })
      .where('position', '=', 2)
      .execute();
    await store.waitForReadable();

    const [first, second] = await collect(store.readAll());

    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    expect(Object.getPrototypeOf(first!.event)).to.equal(Annotated.prototype);
    expect(Object.getPrototypeOf(second!.event)).to.equal(Annotated.prototype);
    expect((first!.event as unknown as Record<string, unknown>).polluted).to.equal(undefined);
    expect((first!.event as Annotated).note.polluted).to.equal(undefined);
    expect((first!.event as Annotated).note.fine).to.equal(true);
    expect(Object.getPrototypeOf(second!.metadata)).to.equal(Object.prototype);
    expect(second!.metadata.polluted).to.equal(undefined);
  });

  it('keeps a __proto__ key of an appended payload as data, without touching a prototype', async () => {
    const store = await backend.open();
    const note = JSON.parse('{"__proto__": {"polluted": "yes"}, "kept": 1}') as Record<string, unknown>;
    await store.append({ type: 'Note', id: 'n-1' }, [new Annotated(note)]);
    await store.waitForReadable();
    const [stored] = await collect(store.readAll());
    const readBack = (stored!.event as Annotated).note;
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    expect(Object.getPrototypeOf(readBack)).to.equal(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(readBack, '__proto__')?.value).to.deep.equal({ polluted: 'yes' });
    expect(readBack).to.deep.equal(note);
  });
});
