import { expect } from 'chai';
import { Aggregate, AggregateRoot, Apply, DomainEvent } from '../../lib';
import { forEachBackend } from '../support/backends';
import { Order } from '../support/domain';

@DomainEvent('CounterStepped')
class CounterStepped {
  constructor(readonly by: number) {}
}

function counterClass(snapshotVersion: number) {
  @Aggregate('Counter', { snapshotEvery: 10, snapshotVersion })
  class Counter extends AggregateRoot {
    total = 0;
    steps = 0;

    step(by: number): void {
      this.raise(new CounterStepped(by));
    }

    @Apply(CounterStepped)
    protected stepped(event: CounterStepped): void {
      this.total += event.by;
      this.steps += 1;
    }
  }
  return Counter;
}

/** A deterministic pseudo-random sequence, so a failing run can be repeated. */
function random(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

forEachBackend('Snapshots', (backend) => {
  it('give the same state as a full replay on a long stream', async () => {
    const store = await backend.open();
    const orders = store.repository(Order);
    const next = random(42);
    const order = Order.place('long', 'KRW-ETH', 1_000_000);
    await orders.save(order);
    let current = order;
    for (let round = 0; round < 40; round++) {
      current = await orders.load('long');
      const fills = 1 + Math.floor(next() * 30);
      for (let fill = 0; fill < fills; fill++) current.fill(1 + Math.floor(next() * 100));
      await orders.save(current);
    }
    expect(current.version).to.be.greaterThan(500);

    const snapshot = await store.db.selectFrom('eventfold_snapshots').selectAll().executeTakeFirstOrThrow();
    const viaSnapshot = await orders.load('long');
    const fullReplay = await orders.load('long', { snapshot: false });

    expect(snapshot.stream_version).to.be.greaterThan(current.version - 80);
    expect(viaSnapshot.version).to.equal(current.version);
    expect({ ...viaSnapshot }).to.deep.equal({ ...fullReplay });
    expect({ ...viaSnapshot }).to.deep.equal({ ...current });
    for (const version of [49, 50, 51, 333, snapshot.stream_version]) {
      expect({ ...(await orders.load('long', { version })) }).to.deep.equal({ ...(await orders.load('long', { version, snapshot: false })) });
    }
  });

  it('are used when loading: events before the snapshot are not read again', async () => {
    const store = await backend.open();
    const Counter = counterClass(1);
    const counters = store.repository(Counter);
    const counter = new Counter('c-1');
    for (let n = 1; n <= 25; n++) counter.step(n);
    await counters.save(counter);
    // Rewriting an event before the snapshot cannot change a load that starts from the snapshot.
    await store.db.updateTable('eventfold_events').set({ payload: '{"by": 1000}' }).where('stream_version', '=', 1).execute();

    expect((await counters.load('c-1')).total).to.equal(325);
    expect((await counters.load('c-1', { snapshot: false })).total).to.equal(325 - 1 + 1000);
  });

  it('of another snapshot version are ignored, not trusted, and replaced on the next save', async () => {
    const store = await backend.open();
    const OldCounter = counterClass(1);
    const old = new OldCounter('c-1');
    for (let n = 1; n <= 12; n++) old.step(1);
    await store.repository(OldCounter).save(old);
    await store.db.updateTable('eventfold_snapshots').set({ state: '{"total": -999, "steps": -999}' }).execute();

    const fresh = await backend.reopen();
    const NewCounter = counterClass(2);
    const counters = fresh.repository(NewCounter);
    const loaded = await counters.load('c-1');
    expect(loaded.total).to.equal(12);

    for (let n = 1; n <= 10; n++) loaded.step(1);
    await counters.save(loaded);
    const row = await fresh.db.selectFrom('eventfold_snapshots').selectAll().executeTakeFirstOrThrow();
    expect(row).to.include({ snapshot_version: 2, stream_version: 22 });
    expect(JSON.parse(row.state)).to.deep.equal({ total: 22, steps: 22 });
  });

  it('do not fail a save when writing the snapshot fails; the failure is reported', async () => {
    const reported: unknown[] = [];
    const store = await backend.open({ onSnapshotError: (error) => reported.push(error) });
    const Counter = counterClass(1);
    await store.db.schema.dropTable('eventfold_snapshots').execute();
    const counter = new Counter('c-1');
    for (let n = 1; n <= 10; n++) counter.step(1);

    await store.repository(Counter).save(counter);

    expect(reported).to.have.length(1);
    expect(await store.streamVersion({ type: 'Counter', id: 'c-1' })).to.equal(10);
  });
});
