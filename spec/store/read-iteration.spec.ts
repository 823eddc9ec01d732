import { expect } from 'chai';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { EventStore, type RecordedEvent } from '../../lib';
import { forEachBackend, temporaryFolder } from '../support/backends';
import { deferred } from '../support/deferred';
import { OrderCancelled, OrderFilled } from '../support/domain';
import { collect } from '../support/expect-rejection';

const order = { type: 'Order', id: 'o-1' };

function positionsOf(results: ReadonlyArray<IteratorResult<RecordedEvent>>): Array<number | 'done'> {
  return results.map((result) => (result.done ? 'done' : result.value.position));
}

forEachBackend('EventStore.readAll as an async iterator', (backend) => {
  it('reads nothing before the first next(), so events appended in between are read', async () => {
    const store = await backend.open();
    await store.append(order, [new OrderFilled(1)]);
    const events = store.readAll();
    await store.append(order, [new OrderFilled(2)]);
    await store.waitForReadable();

    expect((await collect(events)).map((e) => e.position)).to.deep.equal([1, 2]);
  });

  it('answers next() calls made before the earlier ones settle in order, across pages', async () => {
    const store = await backend.open();
    await store.append(
      order,
      Array.from({ length: 5 }, (_, n) => new OrderFilled(n)),
    );
    await store.waitForReadable();
    const iterator = store.readAll({ pageSize: 2 })[Symbol.asyncIterator]();

    const results = await Promise.all(Array.from({ length: 7 }, () => iterator.next()));

    expect(positionsOf(results)).to.deep.equal([1, 2, 3, 4, 5, 'done', 'done']);
  });

  it('ends the read when a loop breaks out of it', async () => {
    const store = await backend.open();
    await store.append(
      order,
      Array.from({ length: 5 }, (_, n) => new OrderFilled(n)),
    );
    await store.waitForReadable();
    const events = store.readAll({ pageSize: 2 });
    const iterator = events[Symbol.asyncIterator]();

    const read: number[] = [];
    for await (const recorded of { [Symbol.asyncIterator]: () => iterator }) {
      read.push(recorded.position);
      if (read.length === 3) break;
    }

    expect(read).to.deep.equal([1, 2, 3]);
    expect(positionsOf([await iterator.next()])).to.deep.equal(['done']);
  });

  it('ends the read at the first error, reporting done afterwards', async () => {
    const store = await backend.open();
    await store.append(order, [new OrderFilled(1), new OrderCancelled('no longer known'), new OrderFilled(3)]);
    const reader = await backend.reopen({ events: [OrderFilled] });
    await reader.waitForReadable();
    const failure = new Error('the callback gave up');
    const iterator = reader
      .readAll({
        onUndecodable: () => {
          throw failure;
        },
      })
      [Symbol.asyncIterator]();

    const first = await iterator.next();
    const second = await iterator.next().then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(positionsOf([first])).to.deep.equal([1]);
    expect(second).to.equal(failure);
    expect(positionsOf([await iterator.next()])).to.deep.equal(['done']);
  });

  it('gives each event a Date of its own, the same moment for the events of one append', async () => {
    const store = await backend.open();
    await store.append(order, [new OrderFilled(1), new OrderFilled(2), new OrderFilled(3)]);
    await store.append(order, [new OrderFilled(4)]);
    await store.waitForReadable();

    const [first, second, third, fourth] = (await collect(store.readAll())).map((e) => e.recordedAt);
    const secondTime = second!.getTime();
    first!.setTime(0);

    expect(second).to.not.equal(third);
    expect(secondTime).to.be.greaterThan(0);
    expect([second!.getTime(), third!.getTime()]).to.deep.equal([secondTime, secondTime]);
    expect(fourth!.getTime()).to.be.at.least(secondTime);
  });
});

describe('EventStore.readAll on SQLite', () => {
  let folder: ReturnType<typeof temporaryFolder>;
  beforeEach(() => (folder = temporaryFolder()));
  afterEach(() => folder.remove());

  it('never hands out an event written by a transaction that has not committed', async () => {
    const store = await EventStore.open({ sqlite: join(folder.path, 'log.db'), events: [OrderFilled] });
    try {
      await store.append(order, [new OrderFilled(1)]);
      const [stored] = await collect(store.readAll());
      const writing = deferred();
      const rollBack = deferred();
      // The store's one connection is in this transaction until it rolls back.
      const transaction = store.transaction(async (trx) => {
        await trx
          .insertInto('eventfold_events')
          .values({ ...rowOf(stored!), event_id: 'not-committed', stream_version: 2 })
          .execute();
        writing.resolve();
        await rollBack.promise;
        throw new Error('rolled back');
      });
      await writing.promise;

      const read = collect(store.readAll());
      // Every job the read could run without the connection runs before the rollback.
      await nextTurn();
      rollBack.resolve();
      await transaction.catch(() => undefined);

      expect((await read).map((e) => e.eventId)).to.deep.equal([stored!.eventId]);
    } finally {
      await store.close();
    }
  });
});

/** The stored row of a recorded event, to insert a copy of it. */
function rowOf(recorded: RecordedEvent): Record<string, unknown> {
  return {
    event_id: recorded.eventId,
    stream_type: recorded.streamType,
    stream_id: recorded.streamId,
    stream_version: recorded.streamVersion,
    event_type: recorded.type,
    schema_version: recorded.schemaVersion,
    payload: JSON.stringify({ volume: 2 }),
    metadata: '{}',
    recorded_at: recorded.recordedAt.toISOString(),
  };
}
