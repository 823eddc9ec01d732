import { expect } from 'chai';
import {
  InvalidArgumentError,
  On,
  OnDeadline,
  ProcessManager,
  processInstances,
  processManagerSummaries,
  StoreClosedError,
  type EventStore,
  type ProcessContext,
} from '../../lib';
import { forEachBackend, type Backend } from '../support/backends';
import { Order, OrderCancelled, OrderPlaced } from '../support/domain';
import { expectRejection } from '../support/expect-rejection';

const EXPIRES = new Date('2100-01-01T00:00:00.000Z');
const REVIEWS = new Date('2100-06-01T00:00:00.000Z');

/** Watches orders, kept when they end; its deadlines fall due long after any spec has run. */
@ProcessManager('inspected-watch', { ended: 'keep' })
class Watch {
  @On(OrderPlaced)
  placed(event: OrderPlaced, process: ProcessContext<{ market: string }>): void {
    process.state = { market: event.market };
    process.schedule('review', { at: REVIEWS }, { by: 'desk' });
    process.schedule('expire', { at: EXPIRES });
  }

  @On(OrderCancelled)
  cancelled(_event: OrderCancelled, process: ProcessContext): void {
    process.end();
  }

  @OnDeadline('review')
  review(): void {}

  @OnDeadline('expire')
  expire(): void {}
}

/** Schedules a reminder per order and keeps no state. */
@ProcessManager('inspected-reminders')
class Reminders {
  @On(OrderPlaced)
  placed(_event: OrderPlaced, process: ProcessContext): void {
    process.schedule('remind', { at: EXPIRES });
  }

  @OnDeadline('remind')
  remind(): void {}
}

/** Orders o-1 to o-3 through both process managers; o-2 is cancelled, so its watch ends. */
async function watched(backend: Backend): Promise<EventStore> {
  const store = await backend.open({ aggregates: [Order] });
  const dispatcher = await backend.dispatch(store, [new Watch(), new Reminders()]);
  const orders = store.repository(Order);
  for (const id of ['o-3', 'o-1', 'o-2']) await orders.save(Order.place(id, `KRW-${id}`, 1));
  await orders.update('o-2', (order) => order.cancel('changed my mind'));
  await dispatcher.idle();
  await dispatcher.stop();
  return store;
}

forEachBackend('processInstances', (backend) => {
  it('lists the running instances by key, with their state and their deadlines, the earliest first', async () => {
    const store = await watched(backend);

    const instances = await processInstances(store, 'inspected-watch');

    expect(instances.map(({ key, status, state, version }) => ({ key, status, state, version }))).to.deep.equal([
      { key: 'o-1', status: 'running', state: { market: 'KRW-o-1' }, version: 1 },
      { key: 'o-3', status: 'running', state: { market: 'KRW-o-3' }, version: 1 },
    ]);
    const [first] = instances;
    expect(first!.deadlines.map(({ name, dueAt, payload, attempts, status, lastError }) => ({ name, dueAt, payload, attempts, status, lastError }))).to.deep.equal([
      { name: 'expire', dueAt: EXPIRES, payload: null, attempts: 0, status: 'pending', lastError: null },
      { name: 'review', dueAt: REVIEWS, payload: { by: 'desk' }, attempts: 0, status: 'pending', lastError: null },
    ]);
    expect(first!.startedAt).to.be.instanceOf(Date);
    expect(first!.updatedAt).to.deep.equal(first!.startedAt);
  });

  it('lists ended instances with includeEnded, and no more than limit', async () => {
    const store = await watched(backend);

    const all = await processInstances(store, 'inspected-watch', { includeEnded: true });
    const two = await processInstances(store, 'inspected-watch', { includeEnded: true, limit: 2 });

    expect(all.map(({ key, status, version, deadlines }) => [key, status, version, deadlines.length])).to.deep.equal([
      ['o-1', 'running', 1, 2],
      ['o-2', 'ended', 2, 0],
      ['o-3', 'running', 1, 2],
    ]);
    expect(two.map(({ key }) => key)).to.deep.equal(['o-1', 'o-2']);
  });

  it('lists instances that wait for deadlines without a state, and nothing for a name it does not know', async () => {
    const store = await watched(backend);

    const reminders = await processInstances(store, 'inspected-reminders');

    expect(
      reminders.map(({ key, status, state, version, startedAt, deadlines }) => [key, status, state, version, startedAt, deadlines.map(({ name }) => name)]),
    ).to.deep.equal([
      ['o-1', 'running', null, 0, null, ['remind']],
      ['o-2', 'running', null, 0, null, ['remind']],
      ['o-3', 'running', null, 0, null, ['remind']],
    ]);
    expect(await processInstances(store, 'never-ran')).to.deep.equal([]);
  });

  it('refuses what is not a store, a name or its options, and a closed store', async () => {
    const store = await watched(backend);

    await expectRejection(processInstances({} as EventStore, 'inspected-watch'), InvalidArgumentError);
    expect((await expectRejection(processInstances(store, ''), InvalidArgumentError)).message).to.match(
      /processManager: expected the name given to @ProcessManager, got ""/,
    );
    expect((await expectRejection(processInstances(store, 'inspected-watch', { limit: 0 }), InvalidArgumentError)).message).to.match(/options\.limit/);
    await expectRejection(processInstances(store, 'inspected-watch', { includeEnded: 'yes' as never }), InvalidArgumentError);
    await store.close();
    await expectRejection(processInstances(store, 'inspected-watch'), StoreClosedError);
  });
});

forEachBackend('processManagerSummaries', (backend) => {
  it("counts each process manager's running and ended instances, and its deadlines pending and overdue at a time", async () => {
    const store = await watched(backend);

    const today = await processManagerSummaries(store);
    const between = await processManagerSummaries(store, { now: new Date('2100-03-01T00:00:00Z') });

    expect(today).to.deep.equal([
      { name: 'inspected-reminders', running: 3, ended: 0, pendingDeadlines: 3, overdueDeadlines: 0, failedDeadlines: 0 },
      { name: 'inspected-watch', running: 2, ended: 1, pendingDeadlines: 4, overdueDeadlines: 0, failedDeadlines: 0 },
    ]);
    expect(between.map(({ name, overdueDeadlines }) => [name, overdueDeadlines])).to.deep.equal([
      ['inspected-reminders', 3],
      ['inspected-watch', 2],
    ]);
  });

  it('counts failed deadlines apart from pending ones, and lists nothing for an empty database', async () => {
    const store = await watched(backend);
    await store.db
      .updateTable('eventfold_deadlines')
      .set({ status: 'failed', attempts: 3 })
      .where('process_manager', '=', 'inspected-reminders')
      .where('instance_key', '=', 'o-1')
      .execute();

    const [reminders] = await processManagerSummaries(store);

    expect(reminders).to.deep.equal({ name: 'inspected-reminders', running: 3, ended: 0, pendingDeadlines: 2, overdueDeadlines: 0, failedDeadlines: 1 });
    expect(await processManagerSummaries(await backend.open())).to.deep.equal([]);
    expect((await expectRejection(processManagerSummaries(store, { now: new Date('nope') }), InvalidArgumentError)).message).to.match(/options\.now/);
  });
});
