import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Dispatcher, EventHandler, InvalidArgumentError, On, type DispatcherOptions, type HandlerContext } from '../../lib';
import { forEachBackend, postgresUrlOrReportSkip, temporaryFolder } from '../support/backends';
import { expectRejection } from '../support/expect-rejection';
import { processDatabases, type OpenedProcessDatabase } from '../support/process-databases';
import { Deposit } from '../support/subscriber-fixtures';

const script = join(__dirname, '..', 'support', 'shutdown-process.js');

/** The shutdown process, with what it printed so far. */
interface Run {
  readonly child: ChildProcess;
  /** Resolves once the process printed a line containing `text`; rejects if it exits first. */
  printed(text: string): Promise<void>;
  /** How the process ended: its exit code, or the signal that killed it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything it wrote to stdout and stderr. */
  output(): string;
}

function start(args: string[]): Run {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  const listeners = new Set<() => void>();
  const take = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const printed = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => output.includes(text) && resolve();
      listeners.add(check);
      check();
      void exited.then(({ code }) =>
        output.includes(text) ? resolve() : reject(new Error(`the shutdown process ended (${code}) before printing '${text}':\n${output}`)),
      );
    });
  return { child, printed, exited, output: () => output };
}

const EVENTS = 20;
/** The event the process is handling when the signal comes. */
const HOLD = 8;

/** The recorder of the shutdown process, run in this process: it takes over where that one stopped. */
@EventHandler('shutdown-recorder', { concurrency: 1 })
class Recorder {
  readonly positions: number[] = [];

  @On(Deposit)
  deposited(_event: Deposit, { position }: HandlerContext): void {
    this.positions.push(position);
  }
}

// The signals are listened to once Dispatcher.start has resolved, which the process prints as
// 'started': on PostgreSQL it may reach the held event first.
const url = postgresUrlOrReportSkip();
for (const database of processDatabases('shutdown.db', url)) {
  describe(`Dispatcher option stopOnSignals [${database.name}]`, function () {
    this.timeout(60_000);
    let folder: ReturnType<typeof temporaryFolder>;
    let opened: OpenedProcessDatabase;
    let handledFile: string;
    let run: Run | undefined;
    const dispatchers: Dispatcher[] = [];

    beforeEach(async () => {
      folder = temporaryFolder();
      handledFile = join(folder.path, 'handled.txt');
      opened = await database.open(folder.path);
      for (let amount = 1; amount <= EVENTS; amount++)
        await opened.store.append({ type: 'Account', id: `account-${amount % 3}` }, [new Deposit(`account-${amount % 3}`, amount)]);
    });

    afterEach(async () => {
      run?.child.kill('SIGKILL');
      await run?.exited;
      run = undefined;
      await Promise.all(dispatchers.splice(0).map((dispatcher) => dispatcher.stop()));
      await opened.store.close();
      await opened.dispose();
      folder.remove();
    });

    /** Positions the shutdown process handled, in order. */
    const handledThere = () =>
      existsSync(handledFile)
        ? readFileSync(handledFile, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((line) => Number(line.split(' ')[0]))
        : [];
    const stored = () => opened.store.db.selectFrom('eventfold_subscriptions').selectAll().where('name', '=', 'shutdown-recorder').executeTakeFirstOrThrow();
    /** Starts the recorder here, with a lease as long as the shutdown process's. */
    const takeOver = async () => {
      const recorder = new Recorder();
      const dispatcher = await Dispatcher.start(opened.store, [recorder], { leaseMs: 60_000, logger: false });
      dispatchers.push(dispatcher);
      return { recorder, dispatcher };
    };

    for (const [signal, exitCode] of [
      ['SIGTERM', 143],
      ['SIGINT', 130],
    ] as const) {
      it(`on ${signal} finishes the event in progress, saves the checkpoint, gives up the lease and exits with ${exitCode}`, async () => {
        run = start([...opened.args, handledFile, String(HOLD), '20000']);
        await run.printed('started');
        await run.printed(`holding ${HOLD}`);
        run.child.kill(signal);
        await run.printed(`${signal} received`);
        // The event in hand when the signal came is finished, not cut short.
        run.child.stdin!.write('go on\n');
        expect(await run.exited).to.deep.equal({ code: exitCode, signal: null });
        expect(run.output()).to.include(`shutdown ${signal}`);

        expect(handledThere()).to.deep.equal(Array.from({ length: HOLD }, (_, index) => index + 1));
        const row = await stored();
        expect({ position: Number(row.position), ahead: row.ahead, owner: row.lease_owner, status: row.status }).to.deep.equal({
          position: HOLD,
          ahead: '[]',
          owner: null,
          status: 'stopped',
        });

        // The lease was given up: it is taken here at once, not once 60 s have run out.
        const { recorder, dispatcher } = await takeOver();
        await dispatcher.waitUntilLive({ timeoutMs: 10_000 });
        expect(recorder.positions).to.deep.equal(Array.from({ length: EVENTS - HOLD }, (_, index) => HOLD + 1 + index));
      });
    }

    it('exits at once on a second signal, without waiting for the event in progress', async () => {
      run = start([...opened.args, handledFile, String(HOLD), '20000']);
      await run.printed('started');
      await run.printed(`holding ${HOLD}`);
      run.child.kill('SIGTERM');
      await run.printed('SIGTERM received');
      run.child.kill('SIGTERM');
      expect(await run.exited).to.deep.equal({ code: 143, signal: null });
      expect(run.output()).to.include('received again while stopping');
      expect(run.output()).not.to.include('shutdown SIGTERM');

      expect(handledThere()).to.deep.equal(Array.from({ length: HOLD - 1 }, (_, index) => index + 1));
      const row = await stored();
      expect(Number(row.position)).to.be.at.most(HOLD - 1);
      // Left to run out, as after a crash: the stop did not get as far as giving it up.
      expect(row.lease_owner).not.to.equal(null);
    });

    it('exits once shutdownTimeoutMs has passed when the event in progress does not finish', async () => {
      run = start([...opened.args, handledFile, String(HOLD), '300']);
      await run.printed('started');
      await run.printed(`holding ${HOLD}`);
      run.child.kill('SIGTERM');
      expect(await run.exited).to.deep.equal({ code: 143, signal: null });
      expect(run.output()).to.include('took longer than shutdownTimeoutMs (300 ms)');
      expect(handledThere()).to.deep.equal(Array.from({ length: HOLD - 1 }, (_, index) => index + 1));
    });

    it('leaves ending the process to the application when it listens to the signal too', async () => {
      run = start([...opened.args, handledFile, String(EVENTS + 1), '20000', 'listen']);
      await run.printed('started');
      run.child.kill('SIGTERM');
      // The application's timer kept the process alive until onShutdown cleared it; then it ended
      // by itself, with no exit code forced on it.
      expect(await run.exited).to.deep.equal({ code: 0, signal: null });
      expect(run.output()).to.include('application saw SIGTERM');
      expect(run.output()).to.include('shutdown SIGTERM');
      const row = await stored();
      expect(row.lease_owner).to.equal(null);
    });
  });
}

@EventHandler('signal-listener', {})
class Quiet {
  @On(Deposit)
  deposited(): void {}
}

forEachBackend('Dispatcher option stopOnSignals, in process', (backend) => {
  const listening = () => ({ SIGTERM: process.listenerCount('SIGTERM'), SIGINT: process.listenerCount('SIGINT'), SIGHUP: process.listenerCount('SIGHUP') });

  it('listens to SIGTERM and SIGINT with true, and stops listening on stop()', async () => {
    const before = listening();
    const store = await backend.open();
    const dispatcher = await backend.dispatch(store, [new Quiet()], { stopOnSignals: true });
    expect(listening()).to.deep.equal({ SIGTERM: before.SIGTERM + 1, SIGINT: before.SIGINT + 1, SIGHUP: before.SIGHUP });
    await dispatcher.stop();
    expect(listening()).to.deep.equal(before);
  });

  it('listens to the signals listed, and stops listening when the store closes', async () => {
    const before = listening();
    const store = await backend.open();
    await backend.dispatch(store, [new Quiet()], { stopOnSignals: ['SIGHUP'] });
    expect(listening()).to.deep.equal({ ...before, SIGHUP: before.SIGHUP + 1 });
    await store.close();
    expect(listening()).to.deep.equal(before);
  });

  const wrong: Array<[string, DispatcherOptions, RegExp]> = [
    [
      'a signal it does not stop on',
      { stopOnSignals: ['SIGKILL' as 'SIGTERM'] },
      /options\.stopOnSignals: .*SIGTERM, SIGINT, SIGHUP, SIGQUIT, got "SIGKILL" in the list/,
    ],
    ['an empty list of signals', { stopOnSignals: [] }, /options\.stopOnSignals: .*got an empty list/],
    ['a signal name alone', { stopOnSignals: 'SIGTERM' as unknown as true }, /options\.stopOnSignals: expected true, false or a list/],
    ['a shutdownTimeoutMs of 0', { stopOnSignals: true, shutdownTimeoutMs: 0 }, /options\.shutdownTimeoutMs: expected a whole number from 1 to 2147483647, got 0/],
    [
      'a shutdownTimeoutMs longer than a timer takes',
      { stopOnSignals: true, shutdownTimeoutMs: 2 ** 31 },
      /options\.shutdownTimeoutMs: expected a whole number from 1 to 2147483647, got 2147483648/,
    ],
    ['an onShutdown that is no function', { stopOnSignals: true, onShutdown: 'close' as unknown as () => void }, /options\.onShutdown: expected a function/],
    ['onShutdown without stopOnSignals', { onShutdown: () => undefined }, /options\.onShutdown: is used only on a signal: set stopOnSignals/],
    ['shutdownTimeoutMs without stopOnSignals', { stopOnSignals: false, shutdownTimeoutMs: 1000 }, /options\.shutdownTimeoutMs: is used only on a signal/],
  ];
  for (const [what, options, message] of wrong) {
    it(`refuses ${what} before anything starts`, async () => {
      const before = listening();
      const store = await backend.open();
      const error = await expectRejection(backend.dispatch(store, [new Quiet()], options), InvalidArgumentError);
      expect(error.message).to.match(message);
      expect(listening()).to.deep.equal(before);
    });
  }
});
