import { expect } from 'chai';
import {
  DeadLetterNotFoundError,
  DomainEvent,
  EventHandler,
  InvalidArgumentError,
  On,
  Projection,
  StoreClosedError,
  SubscriberBusyError,
  SubscriberOperations,
  UnknownSubscriberError,
  type DispatcherOptions,
  type EventStore,
  type HandlerContext,
  type ProjectionContext,
} from '../../lib';
import type { DeadLetter } from '../../lib/subscriptions/dead-letter-store';
import { statusAfterSettling } from '../../lib/subscriptions/operations/halted-letter';
import { segmentOfStream } from '../../lib/subscriptions/segments/segments';
import { SubscriptionStore, type InFlightRecord } from '../../lib/subscriptions/subscription-store';
import { forEachBackend, type Backend } from '../support/backends';
import { expectRejection } from '../support/expect-rejection';

@DomainEvent('OperationsEntryBooked')
class EntryBooked {
  constructor(
    readonly entry: string = '',
    readonly amount: number = 0,
  ) {}
}

const fast = { initialDelayMs: 1, maxDelayMs: 5, jitter: 0, maxAttempts: 2 };
const quiet: DispatcherOptions = { logger: false };

type Tables = { ops_ledger: { entry: string; amount: number } };

/** Entries the subscribers below refuse, until they are taken out again. */
type Refused = Set<string>;

/** A projection with one row per application of an entry, so that one applied twice shows twice. */
function ledger(refused: Refused, options: object = {}) {
  @Projection('ops-ledger', { retry: fast, ...options })
  class Ledger {
    readonly attempts: string[] = [];

    @On(EntryBooked)
    async booked(event: EntryBooked, { db, attempt }: ProjectionContext<Tables>): Promise<void> {
      this.attempts.push(`${event.entry}#${attempt}`);
      if (refused.has(event.entry)) throw new Error(`entry ${event.entry} refused (attempt ${attempt})`);
      await db.insertInto('ops_ledger').values({ entry: event.entry, amount: event.amount }).execute();
    }
  }
  return new Ledger();
}

/** A handler that notes each entry it handled, and the store its context gave it. */
function notifier(refused: Refused, options: object = {}) {
  @EventHandler('ops-notifier', { retry: fast, ...options })
  class Notifier {
    readonly attempts: string[] = [];
    readonly handled: string[] = [];
    readonly stores: EventStore[] = [];

    @On(EntryBooked)
    booked(event: EntryBooked, { attempt, store }: HandlerContext): void {
      this.attempts.push(`${event.entry}#${attempt}`);
      if (refused.has(event.entry)) throw new Error(`entry ${event.entry} refused`);
      this.handled.push(event.entry);
      this.stores.push(store);
    }
  }
  return new Notifier();
}

async function openWithLedger(backend: Backend): Promise<EventStore> {
  const store = await backend.open({ events: [EntryBooked] });
  await store.db.schema
    .createTable('ops_ledger')
    .addColumn('entry', 'text', (column) => column.notNull())
    .addColumn('amount', 'integer', (column) => column.notNull())
    .execute();
  return store;
}

async function book(store: EventStore, ...entries: string[]): Promise<void> {
  for (const entry of entries) await store.append({ type: 'Ledger', id: entry }, [new EntryBooked(entry, entry.length)]);
}

/** Every entry the ledger applied, once per application, sorted. */
async function ledgerRows(store: EventStore): Promise<string[]> {
  const rows = await store.db.withTables<Tables>().selectFrom('ops_ledger').select('entry').execute();
  return rows.map((row) => row.entry).sort();
}

/** Runs `subscribers` until they have caught up or halted, then stops them. */
async function runUntilIdle(backend: Backend, store: EventStore, subscribers: object[], options: DispatcherOptions = {}): Promise<string[]> {
  const dispatcher = await backend.dispatch(store, subscribers, { ...quiet, ...options });
  await dispatcher.idle();
  const states = dispatcher.stats().map((stats) => stats.state);
  await dispatcher.stop();
  return states;
}

/** Leaves an in-flight record behind, as a process that died while attempting would. */
async function leaveInFlight(store: EventStore, name: string, record: InFlightRecord): Promise<void> {
  const subscriptions = new SubscriptionStore(store.backend);
  expect(await subscriptions.acquireLease(name, 'gone:1:dead', 60_000)).to.equal(true);
  expect(await subscriptions.saveInFlight(name, 'gone:1:dead', record)).to.equal(true);
  await subscriptions.releaseLease(name, 'gone:1:dead');
}

function singleRecord(position: number, crashes: number, gaveUp = false): InFlightRecord {
  const at = '2026-01-01T09:00:00.000Z';
  return { from: position, to: position, crashes, carefulUntil: position, carefulCrashes: 0, firstAt: at, lastAt: at, ...(gaveUp ? { gaveUp } : {}) };
}

forEachBackend('SubscriberOperations', (backend) => {
  describe('new SubscriberOperations', () => {
    it('refuses what is not an open event store, and a lease time that is not a whole number', async () => {
      await expectRejection(async () => new SubscriberOperations({} as EventStore), InvalidArgumentError);
      const store = await backend.open();
      await expectRejection(async () => new SubscriberOperations(store, { leaseMs: 0 }), InvalidArgumentError);
      await store.close();
      await expectRejection(async () => new SubscriberOperations(store), StoreClosedError);
    });
  });

  describe('status', () => {
    it('reports the head and, per subscriber, checkpoint, lag, state, lease holder, halted reason and dead letters', async () => {
      const store = await openWithLedger(backend);
      const refused = new Set(['b']);
      await book(store, 'a', 'b', 'c');
      const dispatcher = await backend.dispatch(store, [ledger(refused), notifier(refused)], { ...quiet, processId: 'ops-spec:1' });
      await dispatcher.idle();
      // The head reported is the readable one, which on PostgreSQL a transaction elsewhere on the
      // server can hold back for a while after the appends.
      await store.waitForReadable();
      const operations = new SubscriberOperations(store);

      const running = await operations.status();
      await dispatcher.stop();
      const stopped = await operations.status();

      expect(running.head).to.equal(3);
      expect(running.subscribers.map((entry) => entry.name)).to.deep.equal(['ops-ledger', 'ops-notifier']);
      const [halted, parked] = running.subscribers;
      expect(halted).to.include({ kind: 'projection', state: 'halted', checkpoint: 1, lag: 2, leaseHolder: 'ops-spec:1', deadLetters: 1, crash: null });
      expect(halted!.haltedReason).to.equal('event at position 2 (OperationsEntryBooked) failed: entry b refused (attempt 2)');
      expect(halted!.leaseExpiresAt).to.be.instanceOf(Date);
      expect(parked).to.include({ kind: 'handler', state: 'running', checkpoint: 3, lag: 0, leaseHolder: 'ops-spec:1', haltedReason: null, deadLetters: 1 });
      expect(stopped.subscribers[0]).to.include({ state: 'halted', leaseHolder: null, leaseExpiresAt: null });
      expect(stopped.subscribers[1]).to.include({ state: 'stopped', leaseHolder: null, endedWithoutStopping: false });
    });

    it('shows a subscriber split into segments as its segments', async () => {
      const store = await openWithLedger(backend);
      await book(store, 'a', 'b', 'c', 'd');
      await runUntilIdle(backend, store, [notifier(new Set(), { segments: 2 })]);

      const { subscribers } = await new SubscriberOperations(store).status();

      expect(subscribers.map((entry) => entry.name)).to.deep.equal(['ops-notifier[1/2]', 'ops-notifier[2/2]']);
      expect(subscribers.map((entry) => entry.lag)).to.deep.equal([0, 0]);
    });

    it('tells of attempts at an event that the last process never finished', async () => {
      const store = await openWithLedger(backend);
      await book(store, 'a', 'b', 'c');
      await runUntilIdle(backend, store, [ledger(new Set(['b']))]);
      await leaveInFlight(store, 'ops-ledger', singleRecord(2, 2));

      const [entry] = (await new SubscriberOperations(store).status()).subscribers;

      expect(entry!.crash).to.deep.equal({
        position: 2,
        unfinishedAttempts: 3,
        gaveUp: false,
        firstAttemptAt: new Date('2026-01-01T09:00:00.000Z'),
        lastAttemptAt: new Date('2026-01-01T09:00:00.000Z'),
      });
    });

    it('tells of a subscriber whose last process ended without stopping it', async () => {
      const store = await openWithLedger(backend);
      await book(store, 'a');
      await runUntilIdle(backend, store, [notifier(new Set())]);
      await new SubscriptionStore(store.backend).setStatus('ops-notifier', 'running');

      const [entry] = (await new SubscriberOperations(store).status()).subscribers;

      expect(entry).to.include({ state: 'stopped', endedWithoutStopping: true, leaseHolder: null });
    });
  });

  describe('deadLetters and deadLetter', () => {
    it('list dead letters oldest first, telling the event a subscriber halted on from a parked one', async () => {
      const store = await openWithLedger(backend);
      const refused = new Set(['b']);
      await book(store, 'a', 'b', 'c');
      await runUntilIdle(backend, store, [ledger(refused), notifier(refused)]);
      const operations = new SubscriberOperations(store);

      const letters = await operations.deadLetters();

      expect(
        letters.map(({ subscriber, position, halted }) => ({ subscriber, position, halted })).sort((a, b) => a.subscriber.localeCompare(b.subscriber)),
      ).to.deep.equal([
        { subscriber: 'ops-ledger', position: 2, halted: true },
        { subscriber: 'ops-notifier', position: 2, halted: false },
      ]);
      expect((await operations.deadLetters('ops-notifier')).map((letter) => letter.id)).to.deep.equal(
        letters.filter((letter) => letter.subscriber === 'ops-notifier').map((letter) => letter.id),
      );
      const parked = letters.find((letter) => !letter.halted);
      expect(await operations.deadLetter(parked?.id ?? 0)).to.deep.equal(parked);
    });

    it("list the dead letters of every segment under a split subscriber's name", async () => {
      const store = await openWithLedger(backend);
      const entries = ['a', 'b', 'c', 'd', 'e', 'f'];
      await book(store, ...entries);
      await runUntilIdle(backend, store, [notifier(new Set(entries), { segments: 2 })]);

      const letters = await new SubscriberOperations(store).deadLetters('ops-notifier');

      expect(letters).to.have.length(6);
      expect(new Set(letters.map((letter) => letter.subscriber))).to.deep.equal(new Set(['ops-notifier[1/2]', 'ops-notifier[2/2]']));
      expect(letters.map((letter) => letter.id)).to.deep.equal([...letters.map((letter) => letter.id)].sort((a, b) => a - b));
    });

    it('refuse unknown names and ids, naming those there are', async () => {
      const store = await openWithLedger(backend);
      await book(store, 'a');
      await runUntilIdle(backend, store, [notifier(new Set(['a']), { segments: 2 })]);
      const operations = new SubscriberOperations(store);
      const [letter] = await operations.deadLetters();

      const unknown = await expectRejection(operations.deadLetters('ops-notifer'), UnknownSubscriberError);
      const missing = await expectRejection(operations.deadLetter(letter!.id + 1), DeadLetterNotFoundError);

      expect(unknown.known).to.deep.equal(['ops-notifier', 'ops-notifier[1/2]', 'ops-notifier[2/2]']);
      expect(missing.known).to.deep.equal([letter!.id]);
      expect(missing.message).to.contain(`Dead letters now: id ${letter!.id}.`);
      await expectRejection(operations.deadLetter(0), InvalidArgumentError);
      await expectRejection(operations.deadLetters(''), InvalidArgumentError);
    });
  });

  describe('retryDeadLetter', () => {
    it('applies a parked projection letter exactly once and removes it', async () => {
      const store = await openWithLedger(backend);
      const refused = new Set(['b']);
      await book(store, 'a', 'b', 'c');
      await runUntilIdle(backend, store, [ledger(refused, { onFailure: 'park' })]);
      const operations = new SubscriberOperations(store);
      const [letter] = await operations.deadLetters();
      refused.clear();
      const retried = ledger(refused, { onFailure: 'park' });

      expect(await operations.retryDeadLetter(letter!.id, retried)).to.equal(true);
      await expectRejection(operations.retryDeadLetter(letter!.id, retried), DeadLetterNotFoundError);
      await runUntilIdle(backend, store, [ledger(refused, { onFailure: 'park' })]);

      expect(retried.attempts).to.deep.equal(['b#3']);
      expect(await ledgerRows(store)).to.deep.equal(['a', 'b', 'c']);
      expect(await operations.deadLetters()).to.deep.equal([]);
    });

    it('records a failure again, with attempts numbered on, and keeps the letter', async () => {
      const store = await openWithLedger(backend);
      const refused = new Set(['b']);
      await book(store, 'a', 'b');
      await runUntilIdle(backend, store, [ledger(refused, { onFailure: 'park' })]);
      const operations = new SubscriberOperations(store);
      const [letter] = await operations.deadLetters();
      const retried = ledger(refused, { onFailure: 'park' });

      expect(await operations.retryDeadLetter(letter!.id, retried)).to.equal(false);

      expect(retried.attempts).to.deep.equal(['b#3', 'b#4']);
      const after = await operations.deadLetter(letter!.id);
      expect(after).to.include({ attempts: 4, errorMessage: 'entry b refused (attempt 4)', halted: false });
      expect(after.failedAt.getTime()).to.be.at.least(letter!.failedAt.getTime());
      expect(await ledgerRows(store)).to.deep.equal(['a']);
    });

    it('moves the checkpoint past a halted event, so a dispatcher started afterwards does not redeliver it', async () => {
      const store = await openWithLedger(backend);
      const refused = new Set(['b']);
      await book(store, 'a', 'b', 'c');
      await runUntilIdle(backend, store, [ledger(refused)]);
      const operations = new SubscriberOperations(store);
      const [letter] = await operations.deadLetters();
      refused.clear();

      expect(await operations.retryDeadLetter(letter!.id, ledger(refused))).to.equal(true);
      const [entry] = (await operations.status()).subscribers;
      expect(entry).to.include({ checkpoint: 2, state: 'stopped', haltedReason: null, deadLetters: 0 });
      expect(await ledgerRows(store)).to.deep.equal(['a', 'b']);

      const next = ledger(refused);
      expect(await runUntilIdle(backend, store, [next])).to.deep.equal(['live']);
      expect(next.attempts).to.deep.equal(['c#1']);
      expect(await ledgerRows(store)).to.deep.equal(['a', 'b', 'c']);
    });

    it("runs a handler's halted event with the store in its context, and clears the halt", async () => {
      const store = await openWithLedger(backend);
      const refused = new Set(['b']);
      await book(store, 'a', 'b', 'c');
      await runUntilIdle(backend, store, [notifier(refused, { onFailure: 'halt' })]);
      const operations = new SubscriberOperations(store);
      const [letter] = await operations.deadLetters();
      refused.clear();
      const retried = notifier(refused, { onFailure: 'halt' });

      expect(await operations.retryDeadLetter(letter!.id, retried)).to.equal(true);
      const next = notifier(refused, { onFailure: 'halt' });
      await runUntilIdle(backend, store, [next]);

      expect(retried.handled).to.deep.equal(['b']);
      expect(retried.stores[0]).to.equal(store);
      expect(next.handled).to.deep.equal(['c']);
      expect(await operations.deadLetters()).to.deep.equal([]);
    });

    it('keeps the subscriber halted on the event when it fails again, with the latest error', async () => {
      const store = await openWithLedger(backend);
      const refused = new Set(['b']);
      await book(store, 'a', 'b', 'c');
      await runUntilIdle(backend, store, [ledger(refused)]);
      const operations = new SubscriberOperations(store);
      const [letter] = await operations.deadLetters();

      expect(await operations.retryDeadLetter(letter!.id, ledger(refused))).to.equal(false);

      const [entry] = (await operations.status()).subscribers;
      expect(entry).to.include({
        checkpoint: 1,
        state: 'halted',
        deadLetters: 1,
        haltedReason: 'event at position 2 (OperationsEntryBooked) failed: entry b refused (attempt 4)',
      });
      expect(await operations.deadLetter(letter!.id)).to.include({ attempts: 4, halted: true });
    });

    it('retries a parked letter while another process runs the subscriber', async () => {
      const store = await openWithLedger(backend);
      const refused = new Set(['b']);
      await book(store, 'a', 'b', 'c');
      const dispatcher = await backend.dispatch(store, [notifier(refused)], quiet);
      await dispatcher.idle();
      const operations = new SubscriberOperations(store);
      const [letter] = await operations.deadLetters();
      refused.clear();
      const retried = notifier(refused);

      expect(await operations.retryDeadLetter(letter!.id, retried)).to.equal(true);

      expect(retried.handled).to.deep.equal(['b']);
      expect(dispatcher.stats()[0]).to.include({ state: 'live', checkpoint: 3 });
      await dispatcher.stop();
    });

    it('refuses the event a subscriber halted on while another dispatcher holds its lease', async () => {
      const store = await openWithLedger(backend);
      const refused = new Set(['b']);
      await book(store, 'a', 'b', 'c');
      const dispatcher = await backend.dispatch(store, [ledger(refused)], { ...quiet, processId: 'ops-spec:holder' });
      await dispatcher.idle();
      const operations = new SubscriberOperations(store);
      const [letter] = await operations.deadLetters();
      refused.clear();
      const retried = ledger(refused);

      const busy = await expectRejection(operations.retryDeadLetter(letter!.id, retried), SubscriberBusyError);

      expect(busy).to.include({ code: 'EVENTFOLD_SUBSCRIBER_BUSY', subscriber: 'ops-ledger', heldBy: 'ops-spec:holder' });
      expect(busy.leaseExpiresAt).to.be.instanceOf(Date);
      expect(busy.message).to.contain("Cannot retry the event 'ops-ledger' halted on: 'ops-ledger' is running in another process (ops-spec:holder).");
      expect(retried.attempts).to.deep.equal([]);
      expect(await operations.deadLetter(letter!.id)).to.include({ attempts: 2, halted: true });
      expect(dispatcher.stats()[0]).to.include({ state: 'halted', checkpoint: 1 });
    });

    it('refuses a subscriber the letter does not belong to', async () => {
      const store = await openWithLedger(backend);
      await book(store, 'a');
      await runUntilIdle(backend, store, [notifier(new Set(['a']))]);
      const operations = new SubscriberOperations(store);
      const [letter] = await operations.deadLetters();

      const wrong = await expectRejection(operations.retryDeadLetter(letter!.id, ledger(new Set())), InvalidArgumentError);
      await expectRejection(operations.retryDeadLetter(letter!.id, null as unknown as object), InvalidArgumentError);

      expect(wrong.message).to.contain(`dead letter ${letter!.id} belongs to 'ops-notifier', not to 'ops-ledger'`);
      expect(await operations.deadLetter(letter!.id)).to.include({ attempts: 2 });
    });

    it('holds the lease of a halted subscriber while it retries its event, and gives it back', async () => {
      const store = await openWithLedger(backend);
      const refused = new Set(['b']);
      await book(store, 'a', 'b', 'c');
      await runUntilIdle(backend, store, [ledger(refused)]);
      const operations = new SubscriberOperations(store);
      const [letter] = await operations.deadLetters();
      const holders: Array<string | null> = [];
      // The projection's transaction runs while the retry holds the lease.
      @Projection('ops-ledger', { retry: fast })
      class Watching {
        @On(EntryBooked)
        async booked(event: EntryBooked, { db }: ProjectionContext): Promise<void> {
          const row = await db.selectFrom('eventfold_subscriptions').select('lease_owner').where('name', '=', 'ops-ledger').executeTakeFirst();
          holders.push(row?.lease_owner ?? null);
          await db.insertInto('ops_ledger').values({ entry: event.entry, amount: event.amount }).execute();
        }
      }

      expect(await operations.retryDeadLetter(letter!.id, new Watching())).to.equal(true);

      expect(holders).to.have.length(1);
      expect(holders[0]).to.match(/:eventfold-operations:/);
      expect((await operations.status()).subscribers[0]).to.include({ leaseHolder: null });
    });
  });

  describe('discardDeadLetter', () => {
    it('removes a parked letter and leaves the checkpoint as it was', async () => {
      const store = await openWithLedger(backend);
      await book(store, 'a', 'b', 'c');
      await runUntilIdle(backend, store, [notifier(new Set(['b']))]);
      const operations = new SubscriberOperations(store);
      const [letter] = await operations.deadLetters();

      await operations.discardDeadLetter(letter!.id);

      expect(await operations.deadLetters()).to.deep.equal([]);
      expect((await operations.status()).subscribers[0]).to.include({ checkpoint: 3, state: 'stopped' });
    });

    it('moves a halted subscriber past its event: a later dispatcher goes on from the next event without handling it', async () => {
      const store = await openWithLedger(backend);
      const refused = new Set(['b']);
      await book(store, 'a', 'b', 'c');
      await runUntilIdle(backend, store, [ledger(refused)]);
      const operations = new SubscriberOperations(store);
      const [letter] = await operations.deadLetters();

      await operations.discardDeadLetter(letter!.id);
      expect((await operations.status()).subscribers[0]).to.include({ checkpoint: 2, state: 'stopped', haltedReason: null, deadLetters: 0 });
      const next = ledger(refused);

      expect(await runUntilIdle(backend, store, [next])).to.deep.equal(['live']);
      expect(next.attempts).to.deep.equal(['c#1']);
      expect(await ledgerRows(store)).to.deep.equal(['a', 'c']);
    });

    it('folds positions finished ahead of the event into the checkpoint, and clears the record of its unfinished attempts', async () => {
      const store = await openWithLedger(backend);
      await book(store, 'a', 'b', 'c', 'd');
      await runUntilIdle(backend, store, [ledger(new Set(['b']))]);
      // As a handler running streams side by side leaves it: c finished while b failed.
      const subscriptions = new SubscriptionStore(store.backend);
      await subscriptions.acquireLease('ops-ledger', 'spec', 60_000);
      expect(await subscriptions.saveCheckpoint(store.db, 'ops-ledger', 'spec', 1, 1, [3])).to.equal(true);
      await subscriptions.releaseLease('ops-ledger', 'spec');
      await leaveInFlight(store, 'ops-ledger', singleRecord(2, 3, true));
      const operations = new SubscriberOperations(store);
      const [letter] = await operations.deadLetters();

      await operations.discardDeadLetter(letter!.id);

      const saved = await subscriptions.load('ops-ledger');
      expect(saved).to.include({ position: 3, status: 'stopped', statusReason: null, inFlight: null, leaseOwner: null });
      expect(saved?.ahead).to.deep.equal([]);
    });

    it('keeps a finished position that does not follow the checkpoint as finished ahead', async () => {
      const store = await openWithLedger(backend);
      await book(store, 'a', 'b', 'c');
      await runUntilIdle(backend, store, [ledger(new Set(['b']))]);
      const subscriptions = new SubscriptionStore(store.backend);
      // As a process that stopped before saving the checkpoint after a leaves it.
      await subscriptions.acquireLease('ops-ledger', 'spec', 60_000);
      expect(await subscriptions.saveCheckpoint(store.db, 'ops-ledger', 'spec', 1, 0, [])).to.equal(true);
      await subscriptions.releaseLease('ops-ledger', 'spec');
      const operations = new SubscriberOperations(store);
      const [letter] = await operations.deadLetters();

      await operations.discardDeadLetter(letter!.id);

      const saved = await subscriptions.load('ops-ledger');
      expect(saved).to.include({ position: 0, status: 'stopped' });
      expect(saved?.ahead).to.deep.equal([2]);
    });

    it('refuses the event a subscriber halted on while another dispatcher holds its lease', async () => {
      const store = await openWithLedger(backend);
      await book(store, 'a', 'b', 'c');
      const dispatcher = await backend.dispatch(store, [ledger(new Set(['b']))], { ...quiet, processId: 'ops-spec:holder' });
      await dispatcher.idle();
      const operations = new SubscriberOperations(store);
      const [letter] = await operations.deadLetters();

      const busy = await expectRejection(operations.discardDeadLetter(letter!.id), SubscriberBusyError);

      expect(busy).to.include({ subscriber: 'ops-ledger', heldBy: 'ops-spec:holder' });
      expect(await operations.deadLetter(letter!.id)).to.include({ halted: true });
      expect((await operations.status()).subscribers[0]).to.include({ checkpoint: 1, state: 'halted', leaseHolder: 'ops-spec:holder' });
    });
  });

  describe('resume', () => {
    it('clears a stored halt, and the next dispatcher carries on with the halted event', async () => {
      const store = await openWithLedger(backend);
      const refused = new Set(['b']);
      await book(store, 'a', 'b', 'c');
      await runUntilIdle(backend, store, [ledger(refused)]);
      const operations = new SubscriberOperations(store);

      expect(await operations.resume('ops-ledger')).to.deep.equal(['ops-ledger']);
      expect((await operations.status()).subscribers[0]).to.include({ state: 'stopped', haltedReason: null, checkpoint: 1, deadLetters: 1 });
      refused.clear();
      const next = ledger(refused);

      expect(await runUntilIdle(backend, store, [next])).to.deep.equal(['live']);
      expect(next.attempts).to.deep.equal(['b#3', 'c#1']);
      expect(await ledgerRows(store)).to.deep.equal(['a', 'b', 'c']);
      expect(await operations.deadLetters()).to.deep.equal([]);
    });

    it('lets the next start attempt an event the subscriber gave up on', async () => {
      const store = await openWithLedger(backend);
      await book(store, 'a', 'b');
      await runUntilIdle(backend, store, [ledger(new Set(['b']))]);
      await leaveInFlight(store, 'ops-ledger', singleRecord(2, 3, true));
      const operations = new SubscriberOperations(store);

      await operations.resume('ops-ledger');
      const next = ledger(new Set());
      await runUntilIdle(backend, store, [next]);

      expect(next.attempts).to.deep.equal(['b#3']);
      expect(await ledgerRows(store)).to.deep.equal(['a', 'b']);
    });

    it('refuses while another process runs the halted subscriber', async () => {
      const store = await openWithLedger(backend);
      await book(store, 'a', 'b');
      const dispatcher = await backend.dispatch(store, [ledger(new Set(['b']))], { ...quiet, processId: 'ops-spec:holder' });
      await dispatcher.idle();
      const operations = new SubscriberOperations(store);

      const busy = await expectRejection(operations.resume('ops-ledger'), SubscriberBusyError);

      expect(busy).to.include({ subscriber: 'ops-ledger', heldBy: 'ops-spec:holder' });
      expect(busy.message).to.contain("Cannot resume 'ops-ledger'");
      expect((await operations.status()).subscribers[0]).to.include({ state: 'halted' });
    });

    it("resumes every halted segment of a split subscriber by the subscriber's name, and leaves one not halted as it is", async () => {
      const store = await openWithLedger(backend);
      const first = ['a', 'b', 'c', 'd', 'e', 'f'].find((entry) => segmentOfStream('Ledger', entry, 2) === 0) as string;
      const second = ['a', 'b', 'c', 'd', 'e', 'f'].find((entry) => segmentOfStream('Ledger', entry, 2) === 1) as string;
      await book(store, first, second);
      await runUntilIdle(backend, store, [notifier(new Set([first, second]), { segments: 2, onFailure: 'halt' })]);
      const operations = new SubscriberOperations(store);

      expect(await operations.resume('ops-notifier')).to.deep.equal(['ops-notifier[1/2]', 'ops-notifier[2/2]']);

      expect((await operations.status()).subscribers.map((entry) => entry.state)).to.deep.equal(['stopped', 'stopped']);
      expect(await operations.resume('ops-notifier')).to.deep.equal([]);
      await expectRejection(operations.resume('ops-notifiers'), UnknownSubscriberError);
    });
  });
});

describe('statusAfterSettling', () => {
  const letter = (id: number, position: number): DeadLetter => ({
    id,
    subscriber: 'mailer',
    position,
    eventId: `e-${position}`,
    eventType: 'OrderFilled',
    streamType: 'Order',
    streamId: `o-${position}`,
    errorMessage: `mail server down for ${position}.`,
    errorStack: null,
    attempts: 3,
    failedAt: new Date(0),
    halted: true,
  });
  const halted = {
    name: 'mailer',
    kind: 'handler',
    position: 4,
    ahead: [6],
    status: 'halted' as const,
    statusReason: 'x',
    leaseOwner: null,
    leaseExpiresAt: null,
    inFlight: null,
  };

  it('keeps a subscriber halted on another event it halted on, naming that event', () => {
    const letters = [letter(1, 2), letter(2, 5), letter(3, 7)];

    expect(statusAfterSettling(halted, letters[1]!, letters)).to.deep.equal({
      status: 'halted',
      reason: 'event at position 7 (OrderFilled) failed: mail server down for 7',
    });
  });

  it('stops a subscriber halted on no other event, and one that was not halted', () => {
    const letters = [letter(1, 2), letter(2, 5), letter(3, 6)];

    expect(statusAfterSettling(halted, letters[1]!, letters)).to.deep.equal({ status: 'stopped', reason: null });
    expect(statusAfterSettling({ ...halted, status: 'running' }, letters[1]!, [...letters, letter(4, 9)])).to.deep.equal({ status: 'stopped', reason: null });
  });
});
