import { expect } from 'chai';
import { Aggregate, AggregateRoot, Apply, ApplyFailedError, DomainEvent, SnapshotRestoreError, isEventfoldError } from '../../lib';
import { SNAPSHOTS_TABLE } from '../../lib/store/schema';
import { forEachBackend } from '../support/backends';
import { Order } from '../support/domain';
import { expectRejection } from '../support/expect-rejection';

@DomainEvent('MeterOpened')
class MeterOpened {}

@DomainEvent('MeterRead')
class MeterRead {
  constructor(readonly value: number = 0) {}
}

/** Rejects readings that go backwards: a rule that has no place in an apply method. */
@Aggregate('Meter')
class Meter extends AggregateRoot {
  value = 0;

  static open(id: string): Meter {
    const meter = new Meter(id);
    meter.raise(new MeterOpened());
    return meter;
  }

  read(value: number): void {
    this.raise(new MeterRead(value));
  }

  @Apply(MeterOpened)
  protected opened(): void {}

  @Apply(MeterRead)
  protected wasRead(event: MeterRead): void {
    if (event.value < this.value) throw new RangeError(`reading ${event.value} is below ${this.value}`);
    this.value = event.value;
  }
}

forEachBackend('@Apply methods that throw on replay', (backend) => {
  async function meterWithBackwardsReading(options: Parameters<typeof backend.open>[0] = {}) {
    const store = await backend.open(options);
    // The event is appended past the aggregate, as an older version of the code might have done.
    await store.repository(Meter).save(Meter.open('m-1'));
    await store.append({ type: 'Meter', id: 'm-1' }, [new MeterRead(5), new MeterRead(3)], { expectedVersion: 1 });
    return store;
  }

  it('load fails with ApplyFailedError naming the aggregate, stream, version, event type and method, caused by the original error', async () => {
    const store = await meterWithBackwardsReading();
    const error = await expectRejection(store.repository(Meter).load('m-1'), ApplyFailedError);
    expect(error).to.include({
      code: 'EVENTFOLD_APPLY_FAILED',
      aggregateClass: 'Meter',
      streamType: 'Meter',
      streamId: 'm-1',
      streamVersion: 3,
      eventType: 'MeterRead',
      method: 'wasRead',
    });
    expect(error.cause).to.be.instanceOf(RangeError);
    expect((error.cause as Error).message).to.equal('reading 3 is below 5');
    expect(error.message).to.contain('Meter.wasRead threw while replaying Meter/m-1 version 3').and.contain('reading 3 is below 5');
    expect(isEventfoldError(error, 'EVENTFOLD_APPLY_FAILED')).to.equal(true);
  });

  it('find and history fail the same way, history after yielding the steps before the failing event', async () => {
    const store = await meterWithBackwardsReading();
    const meters = store.repository(Meter);
    expect((await expectRejection(meters.find('m-1'), ApplyFailedError)).streamVersion).to.equal(3);
    const versions: number[] = [];
    const error = await expectRejection(async () => {
      for await (const step of meters.history('m-1')) versions.push(step.recorded.streamVersion);
    }, ApplyFailedError);
    expect(versions).to.deep.equal([1, 2]);
    expect(error).to.include({ streamVersion: 3, eventType: 'MeterRead' });
  });

  it('loads up to the version before the failing event, and a version past it fails', async () => {
    const store = await meterWithBackwardsReading();
    const meters = store.repository(Meter);
    expect((await meters.load('m-1', { version: 2 })).value).to.equal(5);
    await expectRejection(meters.load('m-1', { version: 3 }), ApplyFailedError);
  });

  it('raising an event whose apply method throws fails with the original error, out of the domain method', async () => {
    const store = await backend.open();
    const meter = Meter.open('m-2');
    meter.read(5);
    expect(() => meter.read(3)).to.throw(RangeError, 'reading 3 is below 5');
    expect(meter.pendingEvents).to.have.length(2);
    await store.repository(Meter).save(meter);
    expect((await store.repository(Meter).load('m-2')).value).to.equal(5);
  });
});

forEachBackend('Snapshots that cannot be restored', (backend) => {
  it('are skipped with a SnapshotRestoreError to onSnapshotError, and the load replays the whole stream', async () => {
    const reported: unknown[] = [];
    const store = await backend.open({ onSnapshotError: (error) => reported.push(error) });
    const orders = store.repository(Order);
    const order = Order.place('o-1', 'KRW-BTC', 100);
    for (let fill = 0; fill < 60; fill++) order.fill(1);
    await orders.save(order);
    const damaged = await store.db.updateTable(SNAPSHOTS_TABLE).set({ state: '{"filled": 5' }).executeTakeFirst();
    expect(Number(damaged.numUpdatedRows)).to.equal(1);

    const loaded = await orders.load('o-1');

    expect(loaded.filled).to.equal(60);
    expect(loaded.version).to.equal(61);
    expect(reported).to.have.length(1);
    const error = reported[0] as SnapshotRestoreError;
    expect(error).to.be.instanceOf(SnapshotRestoreError);
    expect(error).to.include({ code: 'EVENTFOLD_SNAPSHOT_RESTORE', aggregateClass: 'Order', streamVersion: 61 });
    expect(error.stream).to.deep.equal({ type: 'Order', id: 'o-1' });
    expect(error.cause).to.be.instanceOf(SyntaxError);
  });
});
