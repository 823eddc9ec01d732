import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import type { ShutdownSignal } from '../../lib';
import type { SubscriberLogger } from '../../lib/subscriptions/logging/subscriber-logger';
import { SignalShutdown, type SignalShutdownSettings, type SignalTarget } from '../../lib/subscriptions/shutdown/signal-shutdown';
import { deferred, type Deferred } from '../support/deferred';

/** A process as far as signals go: signals are emitted by the spec, and exits are recorded. */
class FakeProcess extends EventEmitter implements SignalTarget {
  readonly exits: number[] = [];
  readonly exited: Deferred<number> = deferred();

  exit(code: number): void {
    this.exits.push(code);
    this.exited.resolve(code);
  }

  override listenerCount(signal: ShutdownSignal): number {
    return super.listenerCount(signal);
  }
}

/** A logger that keeps its lines. */
function lines(): SubscriberLogger & { readonly lines: string[] } {
  const kept: string[] = [];
  return { lines: kept, info: (line) => kept.push(line), warn: (line) => kept.push(line), error: (line) => kept.push(line) };
}

const settings = (overrides: Partial<SignalShutdownSettings> = {}): SignalShutdownSettings => ({
  signals: ['SIGTERM', 'SIGINT'],
  timeoutMs: 60_000,
  onShutdown: undefined,
  ...overrides,
});

describe('SignalShutdown', () => {
  it('stops, then runs onShutdown, then exits with 128 + the signal number', async () => {
    const target = new FakeProcess();
    const steps: string[] = [];
    const onShutdown = async (signal: ShutdownSignal) => void steps.push(`onShutdown ${signal}`);
    new SignalShutdown(settings({ onShutdown }), async () => void steps.push('stop'), lines(), target).listen();
    target.emit('SIGINT');
    expect(await target.exited.promise).to.equal(130);
    expect(steps).to.deep.equal(['stop', 'onShutdown SIGINT']);
    expect(target.listenerCount('SIGINT') + target.listenerCount('SIGTERM')).to.equal(0);
  });

  it('exits once the last of several listening to the signal has stopped', async () => {
    const target = new FakeProcess();
    const first = deferred();
    const second = deferred();
    new SignalShutdown(settings(), () => first.promise, lines(), target).listen();
    new SignalShutdown(settings(), () => second.promise, lines(), target).listen();
    target.emit('SIGTERM');
    first.resolve();
    // The first is done, and leaves the process to the one still listening.
    await new Promise((resolve) => setImmediate(resolve));
    expect(target.exits).to.deep.equal([]);
    expect(target.listenerCount('SIGTERM')).to.equal(1);
    second.resolve();
    expect(await target.exited.promise).to.equal(143);
    expect(target.exits).to.deep.equal([143]);
  });

  it('reports an onShutdown that fails, and exits all the same', async () => {
    const target = new FakeProcess();
    const logger = lines();
    const onShutdown = () => Promise.reject(new Error('the pool would not close'));
    new SignalShutdown(settings({ onShutdown }), async () => undefined, logger, target).listen();
    target.emit('SIGTERM');
    expect(await target.exited.promise).to.equal(143);
    expect(logger.lines).to.include('eventfold: onShutdown failed on SIGTERM: the pool would not close');
  });

  it('removes its listeners on forget(), unless a signal is being handled', async () => {
    const target = new FakeProcess();
    const stop = deferred();
    const forgotten = new SignalShutdown(settings(), async () => undefined, lines(), target);
    forgotten.listen();
    forgotten.forget();
    expect(target.listenerCount('SIGTERM')).to.equal(0);

    const busy = new SignalShutdown(settings(), () => stop.promise, lines(), target);
    busy.listen();
    target.emit('SIGTERM');
    // dispatcher.stop() calls forget() as the signal's stop begins: a second signal must still be heard.
    busy.forget();
    target.emit('SIGTERM');
    expect(target.exits).to.deep.equal([143]);
    stop.resolve();
  });
});
