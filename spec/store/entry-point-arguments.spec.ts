import { expect } from 'chai';
import { MysqlDialect } from 'kysely';
import { Aggregate, AggregateRoot, EventStore, InvalidArgumentError } from '../../lib';
import { forEachBackend } from '../support/backends';
import { Order, OrderPlaced } from '../support/domain';
import { collect, expectRejection } from '../support/expect-rejection';

const order = { type: 'Order', id: 'o-1' };
const placed = () => new OrderPlaced('o-1', 'KRW-BTC', 1);
const MAX_VERSION = 2 ** 31 - 1;

type Store = EventStore;

/** One hostile call and the argument its InvalidArgumentError must name. */
type Case = readonly [label: string, call: (store: Store) => unknown, argument: string];

/** Runs a call that may throw at once, reject, or fail on its first page, as reads do. */
async function settle(result: unknown): Promise<void> {
  const value = await result;
  if (value !== null && typeof value === 'object' && Symbol.asyncIterator in value) await collect(value as AsyncIterable<unknown>);
}

async function expectArgumentErrors(store: Store, cases: readonly Case[]): Promise<void> {
  for (const [label, call, argument] of cases) {
    const error = await expectRejection(() => settle(call(store)), InvalidArgumentError);
    expect(error.argument, label).to.equal(argument);
    expect(error.code, label).to.equal('EVENTFOLD_INVALID_ARGUMENT');
  }
}

forEachBackend('Entry point arguments', (backend) => {
  it('append, publish and streamVersion refuse an options object that is null or not an object', async () => {
    const store = await backend.open();
    await expectArgumentErrors(store, [
      ['append options null', (s) => s.append(order, [placed()], null as never), 'options'],
      ['append options 42', (s) => s.append(order, [placed()], 42 as never), 'options'],
      ['publish options null', (s) => s.publish(placed(), null as never), 'options'],
      ['publish options "x"', (s) => s.publish(placed(), 'x' as never), 'options'],
      ['streamVersion options null', (s) => s.streamVersion(order, null as never), 'options'],
      ['streamVersion options []', (s) => s.streamVersion(order, [] as never), 'options'],
    ]);
    expect(await store.headPosition()).to.equal(0);
  });

  it('publish checks its stream and refuses metadata it would have taken apart to add a priority', async () => {
    const store = await backend.open();
    await expectArgumentErrors(store, [
      ['stream null', (s) => s.publish(placed(), { stream: null as never }), 'options.stream'],
      ['stream "Order/o-1"', (s) => s.publish(placed(), { stream: 'Order/o-1' as never }), 'options.stream'],
      ['stream without id', (s) => s.publish(placed(), { stream: { type: 'Order' } as never }), 'options.stream.id'],
      ['array metadata with priority', (s) => s.publish(placed(), { metadata: [1, 2] as never, priority: 1 }), 'options.metadata'],
      ['string metadata with priority', (s) => s.publish(placed(), { metadata: 'abc' as never, priority: 1 }), 'options.metadata'],
    ]);
    expect(await store.headPosition()).to.equal(0);
  });

  it('readAll and readStream refuse options, positions, versions and page sizes of the wrong type or range', async () => {
    const store = await backend.open();
    await store.append(order, [placed(), placed()]);
    await expectArgumentErrors(store, [
      ['readAll null', (s) => s.readAll(null as never), 'options'],
      ['readAll 42', (s) => s.readAll(42 as never), 'options'],
      ['from "1"', (s) => s.readAll({ from: '1' as never }), 'options.from'],
      ['from null', (s) => s.readAll({ from: null as never }), 'options.from'],
      ['to null', (s) => s.readAll({ to: null as never }), 'options.to'],
      ['to 2^53', (s) => s.readAll({ to: 2 ** 53 }), 'options.to'],
      ['pageSize null', (s) => s.readAll({ pageSize: null as never }), 'options.pageSize'],
      ['pageSize "10"', (s) => s.readAll({ pageSize: '10' as never }), 'options.pageSize'],
      ['readStream null options', (s) => s.readStream(order, null as never), 'options'],
      ['readStream stream "Order/o-1"', (s) => s.readStream('Order/o-1' as never), 'stream'],
      ['fromVersion null', (s) => s.readStream(order, { fromVersion: null as never }), 'options.fromVersion'],
      ['fromVersion above 32 bits', (s) => s.readStream(order, { fromVersion: MAX_VERSION + 1 }), 'options.fromVersion'],
      ['toVersion above 32 bits', (s) => s.readStream(order, { toVersion: MAX_VERSION + 1 }), 'options.toVersion'],
      ['toVersion 2^40', (s) => s.readStream(order, { toVersion: 2 ** 40 }), 'options.toVersion'],
      ['toVersion fractional', (s) => s.readStream(order, { toVersion: 1.5 }), 'options.toVersion'],
      ['toVersion negative', (s) => s.readStream(order, { toVersion: -1 }), 'options.toVersion'],
      ['pageSize 10001', (s) => s.readStream(order, { pageSize: 10_001 }), 'options.pageSize'],
    ]);
    // The largest version there can be is a valid bound: it reads what there is.
    expect(await collect(store.readStream(order, { toVersion: MAX_VERSION }))).to.have.length(2);
  });

  it('streamVersion refuses an at that is not a valid Date, and answers for moments far out of range', async () => {
    const store = await backend.open();
    await store.append(order, [placed()]);
    await expectArgumentErrors(store, [
      ['invalid Date', (s) => s.streamVersion(order, { at: new Date(Number.NaN) }), 'options.at'],
      ['ISO string', (s) => s.streamVersion(order, { at: '2026-01-01T00:00:00Z' as never }), 'options.at'],
      ['milliseconds', (s) => s.streamVersion(order, { at: Date.now() as never }), 'options.at'],
      ['null', (s) => s.streamVersion(order, { at: null as never }), 'options.at'],
      ['stream 42', (s) => s.streamVersion(42 as never), 'stream'],
    ]);
    // The last moment a Date can hold is written with a six-digit year, which neither database
    // compares as a time; before the fix SQLite answered 0 and PostgreSQL refused the text.
    expect(await store.streamVersion(order, { at: new Date(8.64e15) })).to.equal(1);
    expect(await store.streamVersion(order, { at: new Date(-8.64e15) })).to.equal(0);
    expect(await store.streamVersion(order, { at: new Date('0001-01-01T00:00:00Z') })).to.equal(0);
  });

  it('transaction, onAppended and watchAppends refuse what is not a function, leaving the store usable', async () => {
    const store = await backend.open();
    await expectArgumentErrors(store, [
      ['transaction()', (s) => s.transaction(undefined as never), 'work'],
      ['transaction("x")', (s) => s.transaction('x' as never), 'work'],
      ['onAppended(null)', (s) => s.onAppended(null as never), 'listener'],
      ['watchAppends(null)', (s) => s.watchAppends(null as never), 'onAppend'],
      ['watchAppends(fn, 42)', (s) => s.watchAppends(() => undefined, 42 as never), 'onError'],
    ]);
    // A refused listener is not kept: an append still commits and reports normally.
    const result = await store.append(order, [placed()]);
    expect(result.nextExpectedVersion).to.equal(1);
    expect(await store.transaction(async () => 'done')).to.equal('done');
  });

  it('repositories refuse bad ids, options, versions above 32 bits, invalid moments and a snapshot flag that is no boolean', async () => {
    const store = await backend.open();
    const orders = store.repository(Order);
    await orders.save(Order.place('o-1', 'KRW-BTC', 3));
    const loads: Array<[string, (id: unknown, options: unknown) => Promise<unknown>]> = [
      ['load', (id, options) => orders.load(id as string, options as never)],
      ['find', (id, options) => orders.find(id as string, options as never)],
      ['history', (id, options) => collect(orders.history(id as string, options as never))],
    ];
    for (const [method, call] of loads) {
      await expectArgumentErrors(store, [
        [`${method} id 42`, () => call(42, undefined), 'id'],
        [`${method} id null`, () => call(null, undefined), 'id'],
        [`${method} options null`, () => call('o-1', null), 'options'],
        [`${method} options 42`, () => call('o-1', 42), 'options'],
        [`${method} version above 32 bits`, () => call('o-1', { version: MAX_VERSION + 1 }), 'options.version'],
        [`${method} version 2^40`, () => call('o-1', { version: 2 ** 40 }), 'options.version'],
        [`${method} version 0`, () => call('o-1', { version: 0 }), 'options.version'],
        [`${method} version -1`, () => call('o-1', { version: -1 }), 'options.version'],
        [`${method} version 1.5`, () => call('o-1', { version: 1.5 }), 'options.version'],
        [`${method} version "1"`, () => call('o-1', { version: '1' }), 'options.version'],
        [`${method} at invalid Date`, () => call('o-1', { at: new Date(Number.NaN) }), 'options.at'],
        [`${method} at string`, () => call('o-1', { at: '2026-01-01' }), 'options.at'],
        [`${method} version and at`, () => call('o-1', { version: 1, at: new Date() }), 'options'],
      ]);
    }
    await expectArgumentErrors(store, [
      ['load snapshot "no"', () => orders.load('o-1', { snapshot: 'no' as never }), 'options.snapshot'],
      ['find snapshot null', () => orders.find('o-1', { snapshot: null as never }), 'options.snapshot'],
      ['save options null', () => orders.save(Order.place('o-2', 'KRW-BTC', 1), null as never), 'options'],
      ['save options 42', () => orders.save(Order.place('o-2', 'KRW-BTC', 1), 42 as never), 'options'],
    ]);
    // A moment past what a database compares as a time still finds the aggregate.
    expect((await orders.load('o-1', { at: new Date(8.64e15) })).volume).to.equal(3);
    expect(await orders.find('o-2')).to.equal(undefined);
  });
});

describe('EventStore.open arguments', () => {
  const cases: Array<[string, unknown, string]> = [
    ['null options', null, 'options'],
    ['a file name instead of options', 'orders.db', 'options'],
    ['an array', [], 'options'],
    ['events: {}', { sqlite: ':memory:', events: {} }, 'options.events'],
    ['events: 42', { sqlite: ':memory:', events: 42 }, 'options.events'],
    ['aggregates: 42', { sqlite: ':memory:', aggregates: 42 }, 'options.aggregates'],
    ['aggregates: {}', { sqlite: ':memory:', aggregates: {} }, 'options.aggregates'],
    ['migrate: "no"', { sqlite: ':memory:', migrate: 'no' }, 'options.migrate'],
    ['pageSize: null', { sqlite: ':memory:', pageSize: null }, 'options.pageSize'],
    ['onSnapshotError: 1', { sqlite: ':memory:', onSnapshotError: 1 }, 'options.onSnapshotError'],
    ['two databases', { sqlite: ':memory:', postgres: 'postgres://localhost/x' }, 'options'],
    ['a NUL in the file name', { sqlite: 'orders\0.db' }, 'options.sqlite'],
    ['busyTimeoutMs above 32 bits', { sqlite: ':memory:', busyTimeoutMs: 2 ** 31 }, 'options.busyTimeoutMs'],
    ['schema: null', { postgres: 'postgres://localhost/x', schema: null }, 'options.schema'],
    ['poolSize: null', { postgres: 'postgres://localhost/x', poolSize: null }, 'options.poolSize'],
    ['a dialect without its methods', { dialect: { createDriver: () => undefined } }, 'options.dialect'],
    [
      'a dialect whose adapter is null',
      { dialect: { createDriver: () => undefined, createQueryCompiler: () => undefined, createAdapter: () => null, createIntrospector: () => undefined } },
      'options.dialect',
    ],
  ];
  for (const [label, options, argument] of cases) {
    it(`refuses ${label} with InvalidArgumentError naming ${argument}`, async () => {
      const error = await expectRejection(() => EventStore.open(options as never), InvalidArgumentError);
      expect(error.argument).to.equal(argument);
    });
  }

  it('refuses a dialect of a database it does not run on, naming its adapter and the dialects it takes', async () => {
    // Made without connecting: the adapter alone says which database the dialect speaks to.
    const dialect = new MysqlDialect({ pool: async () => ({}) as never });
    const error = await expectRejection(() => EventStore.open({ dialect }), InvalidArgumentError);
    expect(error.argument).to.equal('options.dialect');
    expect(error.message).to.include('MysqlAdapter').and.include('SqliteDialect').and.include('PostgresDialect');
  });
});

describe('@Aggregate and raise arguments', () => {
  it('@Aggregate refuses options that are not an object and snapshot numbers above 32 bits', () => {
    for (const [options, argument] of [
      [null, "options of aggregate 'Cart'"],
      [42, "options of aggregate 'Cart'"],
      [{ snapshotEvery: 2 ** 31 }, "snapshotEvery of aggregate 'Cart'"],
      [{ snapshotEvery: '10' }, "snapshotEvery of aggregate 'Cart'"],
      [{ snapshotVersion: 2 ** 31 }, "snapshotVersion of aggregate 'Cart'"],
      [{ snapshotVersion: null }, "snapshotVersion of aggregate 'Cart'"],
    ] as const) {
      const error = (() => {
        try {
          Aggregate('Cart', options as never);
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(error, JSON.stringify(options)).to.be.instanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).argument).to.equal(argument);
    }
  });

  it('raise refuses metadata that is not a plain object at the raise, not at the save', () => {
    @Aggregate('Cart')
    class Cart extends AggregateRoot {
      add(metadata: unknown): void {
        this.raise(new OrderPlaced(this.id, 'KRW-BTC', 1), metadata as never);
      }
    }
    const cart = new Cart('c-1');
    for (const metadata of [null, 'trace', [1]]) {
      expect(() => cart.add(metadata), String(metadata)).to.throw(InvalidArgumentError, /Invalid metadata: expected a plain object/);
    }
    expect(cart.pendingEvents).to.have.length(0);
  });
});
