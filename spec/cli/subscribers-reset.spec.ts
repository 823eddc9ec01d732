import { expect } from 'chai';
import { PassThrough } from 'node:stream';
import picocolors from 'picocolors';
import { Dispatcher, DomainEvent, EventHandler, EventStore, On, SubscriberBusyError, SubscriberOperations, type HandlerContext } from '../../lib';
import { terminalConfirmation, type Confirmation } from '../../lib/cli/output/confirmation';
import type { Terminal } from '../../lib/cli/output/terminal';
import { resetWithConfirmation } from '../../lib/cli/subscribers/reset-subscriber';
import { SubscriptionStore } from '../../lib/subscriptions/subscription-store';
import { dropSchemas, forEachBackend, postgresUrlOrReportSkip, uniqueSchema } from '../support/backends';
import { expectRejection } from '../support/expect-rejection';
import { runCli } from './support/run-cli';
import { query, tradingDatabaseCopy } from './support/trading-database';

@DomainEvent('CliResetSpecPinged')
class Pinged {
  constructor(readonly n: number = 0) {}
}

@EventHandler('pinger')
class Pinger {
  @On(Pinged) pinged(_event: Pinged, _context: HandlerContext): void {}
}

/** A store whose handler 'pinger' has handled `count` events. */
async function handledBy(
  store: EventStore,
  count: number,
  dispatch: (store: EventStore, subscribers: object[]) => Promise<{ idle(): Promise<void>; stop(): Promise<void> }>,
) {
  for (let n = 0; n < count; n++) await store.append({ type: 'Ping', id: `ping-${n}` }, [new Pinged(n)]);
  const dispatcher = await dispatch(store, [new Pinger()]);
  await dispatcher.idle();
  await dispatcher.stop();
}

/** A terminal that keeps the lines written to stdout (`out`) and stderr (`err`). */
function recordingTerminal(): { terminal: Terminal; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const colors = picocolors.createColors(false);
  const terminal: Terminal = { colors, errorColors: colors, stderr: process.stderr, out: (line = '') => void out.push(line), err: (line = '') => void err.push(line) };
  return { terminal, out, err };
}

/** A person at a terminal who answers `answer`, noting each question. */
function operator(answer: boolean): Confirmation & { readonly questions: string[] } {
  const questions: string[] = [];
  return { interactive: true, questions, ask: async (question) => (questions.push(question), answer) };
}

describe('eventfold subscribers reset', () => {
  let db: string;
  let head: number;

  beforeEach(async function () {
    this.timeout(120_000);
    db = await tradingDatabaseCopy();
    head = query<{ head: number }>(db, 'select max(position) as head from eventfold_events')[0]!.head;
  });

  const checkpointOf = (name: string) => query<{ position: number }>(db, 'select position from eventfold_subscriptions where name = ?', name)[0]!.position;

  it('moves a handler to a position with --yes, and prints what changed', async () => {
    const { code, stdout, stderr } = await runCli(['subscribers', 'reset', 'position-keeper', '--to', '100', '--yes', '--db', db]);

    expect(stderr).to.equal('');
    expect(code).to.equal(0);
    const between = query<{ count: number }>(db, 'select count(*) as count from eventfold_events where position > 99')[0]!.count;
    expect(stdout).to.equal(`Reset 'position-keeper' to position 100:\n  position-keeper: checkpoint ${head} -> 99, ${between} events of the log delivered again\n`);
    expect(checkpointOf('position-keeper')).to.equal(99);
  });

  it('moves a handler back to the beginning, removing the dead letters of the events it delivers again', async () => {
    const letters = query<{ count: number }>(db, 'select count(*) as count from eventfold_dead_letters')[0]!.count;

    const { code, stdout } = await runCli(['subscribers', 'reset', 'fill-notifier', '--to', 'beginning', '-y', '--db', db]);

    expect(code).to.equal(0);
    expect(stdout).to.contain(`  fill-notifier: checkpoint ${head} -> 0, ${head} events of the log delivered again\n`);
    expect(stdout).to.contain(`  ${letters} dead letter${letters === 1 ? '' : 's'} of events delivered again removed (the events are attempted again)\n`);
    expect(checkpointOf('fill-notifier')).to.equal(0);
    expect(query(db, 'select * from eventfold_dead_letters')).to.deep.equal([]);
  });

  it('takes a date and time: the first event recorded at or after it is delivered first', async () => {
    const { code, stdout } = await runCli(['subscribers', 'reset', 'position-keeper', '--to', '2000-01-01T00:00:00Z', '--yes', '--db', db]);

    expect(code).to.equal(0);
    expect(stdout).to.match(/^Reset 'position-keeper' to 2000-01-01T00:00:00\.000Z:\n/);
    expect(checkpointOf('position-keeper')).to.equal(0);
  });

  it('refuses without --yes when it cannot ask, saying to pass --yes, and changes nothing', async () => {
    const { code, stdout, stderr } = await runCli(['subscribers', 'reset', 'fill-notifier', '--to', 'beginning', '--db', db]);

    expect(code).to.equal(1);
    expect(stdout).to.equal('');
    expect(stderr).to.equal(
      "error: Not done: reset 'fill-notifier' to the beginning asks for confirmation, and the input is not a terminal to ask on. Pass --yes to do it without asking.\n",
    );
    expect(checkpointOf('fill-notifier')).to.equal(head);
  });

  it('refuses a projection, saying to rebuild it', async () => {
    const { code, stderr } = await runCli(['subscribers', 'reset', 'open-orders', '--to', 'beginning', '--yes', '--db', db]);

    expect(code).to.equal(1);
    expect(stderr).to.match(/^error: Cannot reset 'open-orders': it is a projection, .* Rebuild it instead \(.*eventfold rebuild open-orders\)/);
    expect(checkpointOf('open-orders')).to.equal(head);
  });

  it('refuses a start it cannot read as a usage error', async () => {
    const { code, stderr } = await runCli(['subscribers', 'reset', 'fill-notifier', '--to', 'yesterday', '--yes', '--db', db]);

    expect(code).to.equal(2);
    expect(stderr).to.contain(
      "error: option '--to <start>' argument 'yesterday' is invalid. Expected beginning, now, a position (a whole number from 1) or a date and time, such as 2026-01-01T12:00:00Z.",
    );
    expect(checkpointOf('fill-notifier')).to.equal(head);
  });

  it('needs --to', async () => {
    const { code, stderr } = await runCli(['subscribers', 'reset', 'fill-notifier', '--db', db]);

    expect(code).to.equal(2);
    expect(stderr).to.contain("error: required option '--to <start>' not specified");
  });
});

forEachBackend('eventfold subscribers reset, asking on a terminal', (backend) => {
  it('shows what will change, asks, and resets when the operator says yes', async () => {
    const store = await backend.open();
    await handledBy(store, 3, (s, subscribers) => backend.dispatch(s, subscribers));
    const { terminal, out, err } = recordingTerminal();
    const yes = operator(true);

    const reset = await resetWithConfirmation(new SubscriberOperations(store), 'pinger', 'beginning', terminal, { yes: false, confirmation: yes });

    expect(err).to.deep.equal(["This will reset 'pinger' to the beginning:", '  pinger: checkpoint 3 -> 0, 3 events of the log delivered again']);
    expect(yes.questions).to.deep.equal(["Reset 'pinger'? [y/N] "]);
    expect(out).to.deep.equal(["Reset 'pinger' to the beginning:", '  pinger: checkpoint 3 -> 0, 3 events of the log delivered again']);
    expect(reset?.checkpoints[0]).to.include({ from: 3, to: 0 });
    expect((await new SubscriptionStore(store.backend).load('pinger'))?.position).to.equal(0);
  });

  it('changes nothing when the operator says no', async () => {
    const store = await backend.open();
    await handledBy(store, 3, (s, subscribers) => backend.dispatch(s, subscribers));
    const { terminal, out, err } = recordingTerminal();

    const reset = await resetWithConfirmation(new SubscriberOperations(store), 'pinger', { position: 2 }, terminal, { yes: false, confirmation: operator(false) });

    expect(reset).to.equal(undefined);
    expect(err).to.deep.equal([
      "This will reset 'pinger' to position 2:",
      '  pinger: checkpoint 3 -> 1, 2 events of the log delivered again',
      'Not reset: nothing changed.',
    ]);
    expect(out).to.deep.equal([]);
    expect((await new SubscriptionStore(store.backend).load('pinger'))?.position).to.equal(3);
  });

  it('refuses a handler another process runs before asking anything', async () => {
    const store = await backend.open();
    await store.append({ type: 'Ping', id: 'ping-0' }, [new Pinged(0)]);
    const running = await backend.dispatch(store, [new Pinger()]);
    await running.idle();
    const asked = operator(true);

    await expectRejection(
      resetWithConfirmation(new SubscriberOperations(store), 'pinger', 'beginning', recordingTerminal().terminal, { yes: false, confirmation: asked }),
      SubscriberBusyError,
    );

    expect(asked.questions).to.deep.equal([]);
  });
});

describe('terminalConfirmation', () => {
  function answering(text: string | undefined, isTTY = true) {
    const input = Object.assign(new PassThrough(), { isTTY });
    const output = new PassThrough();
    let asked = '';
    output.on('data', (chunk: Buffer) => (asked += chunk.toString()));
    const confirmation = terminalConfirmation(input, output);
    setImmediate(() => (text === undefined ? input.end() : input.write(text)));
    return { confirmation, asked: () => asked };
  }

  it('asks on its output and takes y or yes, in any case, as yes', async () => {
    for (const text of ['y\n', 'YES\n', ' yes \n']) {
      const { confirmation, asked } = answering(text);
      expect(await confirmation.ask('Reset? [y/N] '), text).to.equal(true);
      expect(asked()).to.equal('Reset? [y/N] ');
    }
  });

  it('takes anything else, an empty line and the end of the input as no', async () => {
    for (const text of ['n\n', '\n', 'yep\n', undefined]) {
      const { confirmation } = answering(text);
      expect(await confirmation.ask('Reset? [y/N] '), String(text)).to.equal(false);
    }
  });

  it('is interactive only when its input is a terminal', () => {
    expect(answering('y\n', true).confirmation.interactive).to.equal(true);
    expect(answering('y\n', false).confirmation.interactive).to.equal(false);
  });
});

const url = postgresUrlOrReportSkip();
if (url) {
  describe('eventfold subscribers reset on PostgreSQL', function () {
    this.timeout(60_000);
    const schema = uniqueSchema();
    after(() => dropSchemas(url, [schema]));

    it('moves a handler of a PostgreSQL schema with --yes', async () => {
      const store = await EventStore.open({ postgres: url, schema });
      try {
        await handledBy(store, 4, (s, subscribers) => Dispatcher.start(s, subscribers, { logger: false }));
      } finally {
        await store.close();
      }

      const { code, stdout, stderr } = await runCli(['subscribers', 'reset', 'pinger', '--to', '3', '--yes', '--db', url, '--schema', schema]);

      expect(stderr).to.equal('');
      expect(code).to.equal(0);
      expect(stdout).to.equal("Reset 'pinger' to position 3:\n  pinger: checkpoint 4 -> 2, 2 events of the log delivered again\n");
      const reopened = await EventStore.open({ postgres: url, schema });
      try {
        expect((await new SubscriptionStore(reopened.backend).load('pinger'))?.position).to.equal(2);
      } finally {
        await reopened.close();
      }
    });
  });
}
