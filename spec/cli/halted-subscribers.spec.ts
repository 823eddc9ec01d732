import { expect } from 'chai';
import { join } from 'node:path';
import { Dispatcher, EventStore } from '../../lib';
import { SubscriptionStore } from '../../lib/subscriptions/subscription-store';
import { createLedger, EntryBooked, Ledger } from './fixtures/ledger.config';
import { ROOT, runCli } from './support/run-cli';
import { query, scratchFolder } from './support/trading-database';

const LEDGER_CONFIG = join(ROOT, 'spec', 'cli', 'fixtures', 'ledger.config.ts');

interface Subscription {
  position: number;
  ahead: string;
  status: string;
  status_reason: string | null;
}

describe('eventfold with a subscriber halted on an event', () => {
  let db: string;
  let letterId: number;

  /** Books three entries, and runs the ledger, whose table is missing, until it halts on the first. */
  beforeEach(async () => {
    db = join(scratchFolder(), 'ledger.db');
    const store = await EventStore.open({ sqlite: db });
    try {
      for (const [entry, amount] of [
        ['e-1', 10],
        ['e-2', 20],
        ['e-3', 30],
      ] as const) {
        await store.append({ type: 'Ledger', id: entry }, [new EntryBooked(entry, amount)]);
      }
      const dispatcher = await Dispatcher.start(store, [new Ledger()], { logger: false });
      await dispatcher.idle();
      expect(dispatcher.stats()[0]!.state).to.equal('halted');
      await dispatcher.stop();
    } finally {
      await store.close();
    }
    [{ id: letterId }] = query<{ id: number }>(db, 'select id from eventfold_dead_letters') as [{ id: number }];
  });

  const subscription = () => query<Subscription>(db, "select * from eventfold_subscriptions where name = 'ledger'")[0];
  const ledger = () => query<{ entry: string }>(db, 'select entry from ledger order by entry').map((row) => row.entry);
  const letters = () => query(db, 'select * from eventfold_dead_letters');

  /** Starts the ledger as the application would, with its table, and lets it catch up. */
  async function runLedger(): Promise<string> {
    const store = await EventStore.open({ sqlite: db });
    try {
      await createLedger(store);
      const dispatcher = await Dispatcher.start(store, [new Ledger()], { logger: false });
      await dispatcher.idle();
      const { state } = dispatcher.stats()[0]!;
      await dispatcher.stop();
      return state;
    } finally {
      await store.close();
    }
  }

  it('retries the halted event alone, moving the checkpoint past it, without catching up', async () => {
    const { code, stdout, stderr } = await runCli(['dead-letters', 'retry', String(letterId), '--config', LEDGER_CONFIG, '--db', db]);

    expect(code, stderr).to.equal(0);
    expect(stdout).to.equal(`Dead letter ${letterId} (ledger, position 1, LedgerEntryBooked): succeeded, removed.\n`);
    expect(ledger()).to.deep.equal(['e-1']);
    expect(subscription()).to.include({ position: 1, ahead: '[]', status: 'stopped', status_reason: null });
    expect(letters()).to.deep.equal([]);
    // Applying e-1 again would fail on the primary key and halt the ledger.
    expect(await runLedger()).to.equal('live');
    expect(ledger()).to.deep.equal(['e-1', 'e-2', 'e-3']);
    expect(subscription()).to.include({ position: 3, status: 'stopped' });
  });

  it('discards the halted event, moving the checkpoint past it without applying it', async () => {
    const { code, stdout, stderr } = await runCli(['dead-letters', 'discard', String(letterId), '--db', db]);

    expect(code, stderr).to.equal(0);
    expect(stdout).to.equal(`Dead letter ${letterId} (ledger, position 1, LedgerEntryBooked): discarded.\n`);
    expect(query(db, "select name from sqlite_master where name = 'ledger'")).to.deep.equal([]);
    expect(subscription()).to.include({ position: 1, status: 'stopped', status_reason: null });
    expect(letters()).to.deep.equal([]);
    expect(await runLedger()).to.equal('live');
    expect(ledger()).to.deep.equal(['e-2', 'e-3']);
  });

  it('refuses to retry or discard it while another process runs the subscriber, naming that process', async () => {
    const store = await EventStore.open({ sqlite: db });
    const dispatcher = await Dispatcher.start(store, [new Ledger()], { processId: 'ledger-app:4242', logger: false });
    try {
      await dispatcher.idle();
      for (const [verb, config] of [
        ['retry', ['--config', LEDGER_CONFIG]],
        ['discard', []],
      ] as const) {
        const { code, stderr } = await runCli(['dead-letters', verb, String(letterId), ...config, '--db', db]);

        expect(code, verb).to.equal(1);
        expect(stderr).to.match(
          new RegExp(
            `^error: Cannot ${verb} the event 'ledger' halted on: 'ledger' is running in another process \\(ledger-app:4242\\)\\. Stop that process and try again`,
          ),
        );
      }
      expect(letters()).to.have.length(1);
      expect(subscription()).to.include({ position: 0, status: 'halted' });
    } finally {
      await dispatcher.stop();
      await store.close();
    }
  });

  it('shows the halt, and attempts that never finished, in the status', async () => {
    const store = await EventStore.open({ sqlite: db });
    try {
      // What a process that died during its second attempt at the event leaves behind.
      const subscriptions = new SubscriptionStore(store.backend);
      const at = '2026-01-01T09:00:00.000Z';
      expect(await subscriptions.acquireLease('ledger', 'gone:1:dead', 60_000)).to.equal(true);
      await subscriptions.saveInFlight('ledger', 'gone:1:dead', { from: 1, to: 1, crashes: 1, carefulUntil: 1, carefulCrashes: 0, firstAt: at, lastAt: at });
      await subscriptions.releaseLease('ledger', 'gone:1:dead');
    } finally {
      await store.close();
    }

    const text = await runCli(['status', '--db', db]);
    const json = await runCli(['status', '--json', '--db', db]);

    expect(text.code, text.stderr).to.equal(0);
    expect(text.stdout.trimEnd().split('\n').slice(-2)).to.deep.equal([
      'ledger halted: event at position 1 (LedgerEntryBooked) failed: no such table: ledger',
      'ledger: 2 attempts at the event at position 1 never finished (the process stopped during them)',
    ]);
    const [ledgerStatus] = (JSON.parse(json.stdout) as { subscribers: Array<Record<string, unknown>> }).subscribers;
    expect(ledgerStatus).to.deep.include({ name: 'ledger', state: 'halted', checkpoint: 0, lag: 3, crash: { position: 1, unfinishedAttempts: 2, gaveUp: false } });
  });
});
