import { expect } from 'chai';
import { DomainEvent, EventHandler, On, OnDeadline, ProcessManager, type EventStore, type HandlerContext, type ProcessContext } from '../../lib';
import { forEachBackend } from '../support/backends';
import { deferred } from '../support/deferred';
import { Order, OrderCancelled, OrderFilled, OrderPlaced } from '../support/domain';
import { until } from '../support/until';

@DomainEvent('ReminderSent')
class ReminderSent {
  constructor(readonly orderId: string) {}
}

interface Reminder {
  market: string;
  reminded: number;
}

interface Fired {
  key: string;
  payload: unknown;
  state: Reminder | undefined;
  dueAt: number;
  calledAt: number;
}

/** Reminds about an order after `afterMs`, unless a fill comes first; the reminder publishes an event and ends the instance. */
@ProcessManager('order-reminder', { retry: { maxAttempts: 2, initialDelayMs: 1 } })
class OrderReminder {
  readonly fired: Fired[] = [];
  readonly firstFired = deferred();
  failNext = false;

  constructor(private readonly afterMs: number) {}

  @On(OrderPlaced)
  placed(event: OrderPlaced, process: ProcessContext<Reminder>): void {
    process.state = { market: event.market, reminded: 0 };
    process.schedule('remind', { afterMs: this.afterMs }, { volume: event.volume });
    if (event.market === 'KRW-NONE') process.schedule('nobody-handles-this', { afterMs: 0 });
  }

  @On(OrderFilled)
  filled(_event: OrderFilled, process: ProcessContext<Reminder>): void {
    process.cancel('remind');
  }

  @OnDeadline('remind')
  async remind(payload: unknown, process: ProcessContext<Reminder>): Promise<void> {
    await process.store.publish(new ReminderSent(process.key), { metadata: process.causation });
    if (this.failNext) throw new Error(`reminder of ${process.key} failed`);
    this.fired.push({ key: process.key, payload, state: process.state && { ...process.state }, dueAt: process.deadline!.dueAt.getTime(), calledAt: Date.now() });
    process.state!.reminded++;
    process.end();
    this.firstFired.resolve();
  }
}

/** Asks for a reminder of each order cancelled, from outside the process manager: scheduled, then cancelled and scheduled again. */
@EventHandler('reminder-requests')
class ReminderRequests {
  @On(OrderCancelled)
  async cancelled(_event: OrderCancelled, { deadlines, recorded }: HandlerContext): Promise<void> {
    const target = { processManager: 'order-reminder', key: recorded.streamId, name: 'remind' };
    await deadlines.schedule(target, { afterMs: 60_000 }, { volume: -1 });
    expect(await deadlines.cancel(target)).to.equal(true);
    await deadlines.schedule(target, { afterMs: 0 }, { volume: 0 });
  }
}

async function reminders(store: EventStore): Promise<string[]> {
  const sent: string[] = [];
  // On PostgreSQL a committed event is readable once older transactions of the server end.
  await store.waitForReadable();
  for await (const recorded of store.readAll()) if (recorded instanceof Object && recorded.type === 'ReminderSent') sent.push((recorded.event as ReminderSent).orderId);
  return sent;
}

async function deadlineRows(store: EventStore): Promise<Array<{ name: string; status: string; attempts: number; last_error: string | null }>> {
  const rows = await store.db.selectFrom('eventfold_deadlines').select(['name', 'status', 'attempts', 'last_error']).orderBy('name').execute();
  return (rows as Array<{ name: string; status: string; attempts: number; last_error: string | null }>).map((row) => ({ ...row, attempts: Number(row.attempts) }));
}

forEachBackend('Process manager deadlines', (backend) => {
  it('delivers a deadline when due, not before, with its payload and the instance state, and commits what the step did', async () => {
    const store = await backend.open({ aggregates: [Order], events: [ReminderSent] });
    const reminder = new OrderReminder(100);
    const dispatcher = await backend.dispatch(store, [reminder], { pollIntervalMs: 1000 });
    await store.repository(Order).save(Order.place('o-1', 'KRW-BTC', 3));
    await reminder.firstFired.promise;
    await dispatcher.idle();
    const [fired, ...more] = reminder.fired;
    expect(more).to.deep.equal([]);
    expect({ key: fired!.key, payload: fired!.payload, state: fired!.state }).to.deep.equal({
      key: 'o-1',
      payload: { volume: 3 },
      state: { market: 'KRW-BTC', reminded: 0 },
    });
    expect(fired!.calledAt).to.be.at.least(fired!.dueAt);
    expect(await reminders(store)).to.deep.equal(['o-1']);
    expect(await deadlineRows(store)).to.deep.equal([]);
    const instances = await store.db.selectFrom('eventfold_process_instances').selectAll().execute();
    expect(instances).to.deep.equal([]);
    expect(dispatcher.stats()[0]!.deadlines).to.deep.include({ delivered: 1, failed: 0 });
  });

  it('never fires a cancelled deadline', async () => {
    const store = await backend.open({ aggregates: [Order], events: [ReminderSent] });
    const reminder = new OrderReminder(500);
    const dispatcher = await backend.dispatch(store, [reminder]);
    const orders = store.repository(Order);
    await orders.save(Order.place('o-1', 'KRW-BTC', 1));
    await orders.update('o-1', (order) => order.fill(1));
    await dispatcher.idle();
    expect(await deadlineRows(store)).to.deep.equal([]);
    const cancelledAt = Date.now();
    await until(() => Date.now() > cancelledAt + 700, 'time did not pass');
    await dispatcher.idle();
    expect(reminder.fired).to.deep.equal([]);
    expect(await reminders(store)).to.deep.equal([]);
  });

  it('delivers after a restart that came before the deadline was due, and after one that came after', async () => {
    const store = await backend.open({ aggregates: [Order], events: [ReminderSent] });
    const first = await backend.dispatch(store, [new OrderReminder(1500)]);
    await store.repository(Order).save(Order.place('early', 'KRW-BTC', 1));
    await store.repository(Order).save(Order.place('late', 'KRW-ETH', 1));
    await first.idle();
    await first.stop();
    expect((await deadlineRows(store)).length).to.equal(2);
    // Restarted before either is due: both fire while it runs.
    const second = new OrderReminder(1500);
    const running = await backend.dispatch(store, [second]);
    await until(() => second.fired.length === 2, 'the deadlines were not delivered after the restart');
    await running.stop();
    expect(second.fired.map((fired) => fired.key).sort()).to.deep.equal(['early', 'late']);
    for (const fired of second.fired) expect(fired.calledAt).to.be.at.least(fired.dueAt);

    await store.repository(Order).save(Order.place('while-down', 'KRW-XRP', 1));
    const third = await backend.dispatch(store, [new OrderReminder(1000)]);
    await third.idle();
    await third.stop();
    expect(await deadlineRows(store)).to.have.length(1);
    const stoppedAt = Date.now();
    await until(() => Date.now() > stoppedAt + 1000, 'time did not pass', 5000);
    // Restarted after it fell due: delivered on start.
    const fourth = new OrderReminder(1000);
    const restarted = await backend.dispatch(store, [fourth]);
    await restarted.idle();
    expect(fourth.fired.map((fired) => fired.key)).to.deep.equal(['while-down']);
    expect(await reminders(store)).to.have.members(['early', 'late', 'while-down']);
  });

  it('undoes a failing deadline step, retries it, and keeps it as failed once its attempts are spent', async () => {
    const store = await backend.open({ aggregates: [Order], events: [ReminderSent] });
    const reminder = new OrderReminder(0);
    reminder.failNext = true;
    const errors: unknown[] = [];
    const dispatcher = await backend.dispatch(store, [reminder], { onError: (error) => errors.push(error) });
    await store.repository(Order).save(Order.place('o-1', 'KRW-BTC', 1));
    await until(async () => (await deadlineRows(store))[0]?.status === 'failed', 'the deadline was not given up on');
    await dispatcher.idle();
    expect(await deadlineRows(store)).to.deep.equal([{ name: 'remind', status: 'failed', attempts: 2, last_error: 'reminder of o-1 failed' }]);
    expect(await reminders(store)).to.deep.equal([]);
    expect(errors.map((error) => (error as Error).message)).to.deep.equal([
      "The delivery of deadline 'remind' of order-reminder 'o-1' failed 2 time(s) and will not be tried again: reminder of o-1 failed. Fix the cause, then schedule the deadline again (it is kept with status failed until then).",
    ]);
  });

  it('delivers deadlines that an event handler scheduled', async () => {
    const store = await backend.open({ aggregates: [Order], events: [ReminderSent] });
    const reminder = new OrderReminder(60_000);
    const dispatcher = await backend.dispatch(store, [reminder, new ReminderRequests()]);
    // The cancel's handler replaces the pending reminder with one due at once.
    await store.repository(Order).save(Order.place('o-1', 'KRW-BTC', 1));
    await dispatcher.idle();
    await store.repository(Order).update('o-1', (order) => order.cancel('changed my mind'));
    await reminder.firstFired.promise;
    await dispatcher.idle();
    expect(reminder.fired.map((fired) => ({ key: fired.key, payload: fired.payload }))).to.deep.equal([{ key: 'o-1', payload: { volume: 0 } }]);
  });

  it('fails a deadline its process manager has no method for, naming those it has', async () => {
    const store = await backend.open({ aggregates: [Order], events: [ReminderSent] });
    const dispatcher = await backend.dispatch(store, [new OrderReminder(60_000)], { onError: () => undefined });
    await store.repository(Order).save(Order.place('o-1', 'KRW-NONE', 1));
    await until(async () => (await deadlineRows(store)).some((row) => row.status === 'failed'), 'the deadline was not given up on');
    await dispatcher.idle();
    const failed = (await deadlineRows(store)).find((row) => row.status === 'failed');
    expect(failed?.last_error).to.equal(
      "Process manager 'order-reminder' has no @OnDeadline('nobody-handles-this') method, so the deadline cannot be delivered (it has: remind). Add the method, or cancel the deadline where it is scheduled.",
    );
  });
});
