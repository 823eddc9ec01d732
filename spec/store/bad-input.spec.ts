import { expect } from 'chai';
import { DomainEvent, EventStore, InvalidArgumentError, UnregisteredEventError, isEventfoldError, type ExpectedVersion, type StreamRef } from '../../lib';
import { forEachBackend } from '../support/backends';
import { OrderPlaced } from '../support/domain';
import { collect, expectRejection } from '../support/expect-rejection';

const order = { type: 'Order', id: 'o-1' };
const placed = () => new OrderPlaced('o-1', 'KRW-BTC', 1);

forEachBackend('Bad input to the store', (backend) => {
  it('rejects an empty, missing or non-string stream id or type', async () => {
    const store = await backend.open();
    for (const [stream, argument] of [
      [{ type: 'Order', id: '' }, 'stream.id'],
      [{ type: '', id: 'o-1' }, 'stream.type'],
      [{ type: 'Order', id: 42 }, 'stream.id'],
      [{ type: 'Order' }, 'stream.id'],
      [null, 'stream'],
    ] as const) {
      const error = await expectRejection(() => store.append(stream as unknown as StreamRef, [placed()]), InvalidArgumentError);
      expect(error.argument).to.equal(argument);
      expect(error.code).to.equal('EVENTFOLD_INVALID_ARGUMENT');
    }
    expect(() => store.readStream({ type: 'Order', id: '' })).to.throw(InvalidArgumentError, /stream.id: must not be empty/);
    expect(await store.headPosition()).to.equal(0);
  });

  it('refuses stream types and ids with NUL or an unpaired surrogate, which no backend stores exactly', async () => {
    const store = await backend.open();
    const cases: Array<[StreamRef, string, RegExp]> = [
      [{ type: 'Order', id: 'x\ud800' }, 'stream.id', /unpaired UTF-16 surrogate \(\\ud800\) at index 1/],
      [{ type: 'Order', id: 'x\udc00' }, 'stream.id', /unpaired UTF-16 surrogate \(\\udc00\) at index 1/],
      [{ type: 'Order', id: '\ude00\ud83d' }, 'stream.id', /\\ude00\) at index 0/],
      [{ type: 'Order', id: 'o\u00001' }, 'stream.id', /U\+0000 \(NUL\) at index 1/],
      [{ type: 'Ord\ud83der', id: 'o-1' }, 'stream.type', /surrogate/],
    ];
    for (const [stream, argument, problem] of cases) {
      const error = await expectRejection(() => store.append(stream, [placed()]), InvalidArgumentError);
      expect(error.argument).to.equal(argument);
      expect(error.message).to.match(problem);
      expect(() => store.readStream(stream)).to.throw(InvalidArgumentError, problem);
    }
    expect(await store.headPosition()).to.equal(0);
  });

  it('stores a stream id with a surrogate pair (an emoji) and gives it back as written', async () => {
    const store = await backend.open();
    const stream = { type: 'Order', id: 'o-\ud83d\ude00' };
    await store.append(stream, [placed()]);
    await store.waitForReadable();
    const [recorded] = await collect(store.readAll());
    expect(recorded!.streamId).to.equal(stream.id);
    expect(await collect(store.readStream(stream))).to.have.length(1);
  });

  it('rejects an expected version that is not a whole number, no-stream, stream-exists or any', async () => {
    const store = await backend.open();
    for (const expectedVersion of [1.5, -1, Number.NaN, '3', 'latest', null]) {
      const error = await expectRejection(
        () => store.append(order, [placed()], { expectedVersion: expectedVersion as unknown as ExpectedVersion }),
        InvalidArgumentError,
      );
      expect(error.argument).to.equal('options.expectedVersion');
      expect(error.message).to.contain("'no-stream', 'stream-exists' or 'any'");
    }
  });

  it('rejects an event whose class is not registered with @DomainEvent, naming the class', async () => {
    const store = await backend.open();
    class PriceTicked {
      constructor(readonly price: number) {}
    }
    const error = await expectRejection(() => store.append(order, [new PriceTicked(1)]), UnregisteredEventError);
    expect(error.message).to.contain('PriceTicked is not a registered event').and.contain("@DomainEvent('PriceTicked')");
    const plain = await expectRejection(() => store.append(order, [{ price: 1 }]), UnregisteredEventError);
    expect(plain.message).to.equal("a plain object is not an event: events are instances of classes decorated with @DomainEvent('Name').");
    await expectRejection(() => store.append(order, ['text' as unknown as object]), UnregisteredEventError);
    expect(() => store.registerEvents(PriceTicked)).to.throw(UnregisteredEventError);
  });

  it('rejects an event with a field JSON cannot hold, naming the class and the fix', async () => {
    const store = await backend.open();
    @DomainEvent('Counted')
    class Counted {
      constructor(readonly total: bigint) {}
    }
    const error = await expectRejection(() => store.append(order, [new Counted(1n)]), InvalidArgumentError);
    expect(error.argument).to.equal('events[0].total');
    expect(error.message).to.contain('Counted.total is a bigint').and.contain('@Transform');
    expect(await store.headPosition()).to.equal(0);
  });

  it('rejects an empty event list and a duplicated or malformed event id', async () => {
    const store = await backend.open();
    await expectRejection(() => store.append(order, []), InvalidArgumentError);
    const id = '0190f5d2-7b5a-7c1e-8a3b-000000000001';
    const duplicate = await expectRejection(
      () =>
        store.append(order, [
          { event: placed(), id },
          { event: placed(), id },
        ]),
      InvalidArgumentError,
    );
    expect(duplicate.message).to.contain('appears twice');
    const malformed = await expectRejection(() => store.append(order, [{ event: placed(), id: 'not-a-uuid' }]), InvalidArgumentError);
    expect(malformed.argument).to.equal('events[0].id');
  });

  it('rejects metadata that cannot be stored as JSON, naming the field', async () => {
    const store = await backend.open();
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const cases: Array<[unknown, string, RegExp]> = [
      [{ big: 10n }, 'options.metadata.big', /bigint/],
      [{ call: () => 1 }, 'options.metadata.call', /function/],
      [{ when: new Date() }, 'options.metadata.when', /toISOString/],
      [{ nested: { ratio: Number.POSITIVE_INFINITY } }, 'options.metadata.nested.ratio', /Infinity/],
      [{ loop: circular }, 'options.metadata.loop.self', /cycle/],
      [{ correlationId: 7 }, 'options.metadata.correlationId', /expected a string/],
      [[1, 2], 'options.metadata', /plain object/],
    ];
    for (const [metadata, argument, message] of cases) {
      const error = await expectRejection(() => store.append(order, [placed()], { metadata: metadata as never }), InvalidArgumentError);
      expect(error.argument).to.equal(argument);
      expect(error.message).to.match(message);
    }
    const perEvent = await expectRejection(() => store.append(order, [{ event: placed(), metadata: { s: Symbol('x') as never } }]), InvalidArgumentError);
    expect(perEvent.argument).to.equal('events[0].metadata.s');
    expect(await store.headPosition()).to.equal(0);
  });

  it('rejects read positions, versions and page sizes that are not whole numbers in range', async () => {
    const store = await backend.open();
    expect(() => store.readAll({ from: 0 })).to.throw(InvalidArgumentError, /options.from/);
    expect(() => store.readAll({ from: 1.5 })).to.throw(InvalidArgumentError);
    expect(() => store.readAll({ pageSize: 0 })).to.throw(InvalidArgumentError, /options.pageSize/);
    expect(() => store.readStream(order, { toVersion: -2 })).to.throw(InvalidArgumentError, /options.toVersion/);
    expect(() => store.readAll({ onUndecodable: 'ignore' as never })).to.throw(InvalidArgumentError, /onUndecodable/);
    await expectRejection(() => store.repository(OrderPlaced as never), Error);
  });

  it('refuses work after close with StoreClosedError, and a second close is harmless', async () => {
    const store = await backend.open();
    await store.close();
    await store.close();
    let caught: unknown;
    try {
      await collect(store.readAll());
    } catch (error) {
      caught = error;
    }
    expect(isEventfoldError(caught, 'EVENTFOLD_STORE_CLOSED')).to.equal(true);
  });

  it('rejects open() options that name no database', async () => {
    await expectRejection(() => EventStore.open({} as never), InvalidArgumentError);
    await expectRejection(() => EventStore.open({ sqlite: '' }), InvalidArgumentError);
    await expectRejection(() => EventStore.open({ sqlite: ':memory:', durability: 'extra' as never }), InvalidArgumentError);
    await expectRejection(() => EventStore.open({ sqlite: ':memory:', pageSize: -1 }), InvalidArgumentError);
    for (const busyTimeoutMs of [-1, Number.NaN, '5000; drop table x' as never]) {
      const error = await expectRejection(() => EventStore.open({ sqlite: ':memory:', busyTimeoutMs }), InvalidArgumentError);
      expect(error.argument).to.equal('options.busyTimeoutMs');
    }
  });
});
