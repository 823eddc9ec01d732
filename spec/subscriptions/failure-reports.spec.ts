import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DomainEvent, EventHandler, On } from '../../lib';
import { forEachBackend, temporaryFolder } from '../support/backends';
import { watchLeaseAttempts } from '../support/lease-attempts';
import { until } from '../support/until';

@DomainEvent('ReportedJob')
class ReportedJob {
  constructor(readonly job: string) {}
}

/** Fails the jobs named in `failing`, on every attempt. */
function worker(name: string, failing: Set<string>, onFailure: 'park' | 'halt' = 'park') {
  @EventHandler(name, { onFailure, retry: { maxAttempts: 2, initialDelayMs: 1, jitter: 0 } })
  class Worker {
    @On(ReportedJob)
    run(event: ReportedJob): void {
      if (failing.has(event.job)) throw new Error(`job ${event.job} is broken`);
    }
  }
  return new Worker();
}

/** A logger that keeps what it is told, by level. */
function capturingLogger() {
  const lines: Array<{ level: string; line: string }> = [];
  return {
    lines,
    logger: {
      info: (line: string) => lines.push({ level: 'info', line }),
      warn: (line: string) => lines.push({ level: 'warn', line }),
      error: (line: string) => lines.push({ level: 'error', line }),
    },
  };
}

forEachBackend('Failure reports', (backend) => {
  it('reports a parked event once, with the subscriber, event, error and the command that deals with it', async () => {
    const store = await backend.open();
    const { lines, logger } = capturingLogger();
    const dispatcher = await backend.dispatch(store, [worker('reported', new Set(['b']))], { logger });
    await store.publish(new ReportedJob('a'), { stream: { type: 'Job', id: 'a' } });
    const parked = await store.publish(new ReportedJob('b'), { stream: { type: 'Job', id: 'b' } });
    await dispatcher.idle();
    const [letter] = await dispatcher.deadLetters();
    expect(lines).to.have.length(1);
    expect(lines[0]!.level).to.equal('warn');
    for (const fact of [
      `subscriber 'reported'`,
      `event ${parked.position} (ReportedJob, stream Job/b, id ${parked.eventId})`,
      'after 2 attempts: job b is broken',
      `eventfold dead-letters retry ${letter!.id}`,
      `eventfold dead-letters discard ${letter!.id}`,
    ]) {
      expect(lines[0]!.line).to.include(fact);
    }
  });

  it('reports a halt as an error naming the event it halted on', async () => {
    const store = await backend.open();
    const { lines, logger } = capturingLogger();
    const dispatcher = await backend.dispatch(store, [worker('halting', new Set(['a']), 'halt')], { logger });
    const halted = await store.publish(new ReportedJob('a'), { stream: { type: 'Job', id: 'a' } });
    await dispatcher.idle();
    expect(lines.map(({ level }) => level)).to.deep.equal(['error']);
    expect(lines[0]!.line).to.match(new RegExp(`subscriber 'halting' halted on event ${halted.position} \\(ReportedJob.*job a is broken.*Nothing after it is handled`));
  });

  it('reports nothing with logger: false', async () => {
    const store = await backend.open();
    const printed: unknown[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => void printed.push(args);
    try {
      const dispatcher = await backend.dispatch(store, [worker('silent', new Set(['a']))], { logger: false });
      await store.publish(new ReportedJob('a'), { stream: { type: 'Job', id: 'a' } });
      await dispatcher.idle();
      expect(await dispatcher.deadLetters()).to.have.length(1);
    } finally {
      console.warn = original;
    }
    expect(printed).to.deep.equal([]);
  });

  it('reports a lease another process took over, once', async () => {
    const store = await backend.open();
    const { lines, logger } = capturingLogger();
    const leases = watchLeaseAttempts();
    try {
      const dispatcher = await backend.dispatch(store, [worker('taken-over', new Set())], { logger, leaseMs: 150 });
      // Another process takes the lease, as one would after this process stalled past its expiry.
      await store.db
        .updateTable('eventfold_subscriptions')
        .set({ lease_owner: 'intruder', lease_expires_at: Date.now() + 600_000 })
        .where('name', '=', 'taken-over')
        .execute();
      await until(() => dispatcher.stats()[0]!.state === 'standby', 'the subscriber did not notice that it lost its lease');
      // Standing by, it tries again and again to take the lease back: none of that is reported.
      const before = leases.attempts.length;
      await until(() => leases.attempts.length >= before + 3, 'the subscriber did not try to take its lease back');
      const tries = leases.attempts.slice(before);
      expect(tries.filter((attempt) => attempt.subscriber !== 'taken-over' || attempt.held)).to.deep.equal([]);
    } finally {
      leases.stop();
    }
    expect(lines.map(({ level }) => level)).to.deep.equal(['warn']);
    expect(lines[0]!.line).to.match(/subscriber 'taken-over' lost its lease to another process and stands by/);
  });

  it('counts a dead letter that succeeds on retry as processed, and no longer as dead-lettered', async () => {
    const store = await backend.open();
    const failing = new Set(['b']);
    const dispatcher = await backend.dispatch(store, [worker('recounted', failing)], { logger: false });
    await store.publish(new ReportedJob('a'), { stream: { type: 'Job', id: 'a' } });
    await store.publish(new ReportedJob('b'), { stream: { type: 'Job', id: 'b' } });
    await dispatcher.idle();
    expect(dispatcher.stats()[0]).to.include({ processed: 1, deadLettered: 1 });
    failing.clear();
    const [letter] = await dispatcher.deadLetters();
    expect(await dispatcher.retryDeadLetter(letter!.id)).to.equal(true);
    expect(dispatcher.stats()[0]).to.include({ processed: 2, deadLettered: 0 });
  });

  it('counts a halted event that succeeds on retry as processed, and no longer as dead-lettered', async () => {
    const store = await backend.open();
    const failing = new Set(['a']);
    const dispatcher = await backend.dispatch(store, [worker('recounted-halt', failing, 'halt')], { logger: false });
    await store.publish(new ReportedJob('a'), { stream: { type: 'Job', id: 'a' } });
    await dispatcher.idle();
    expect(dispatcher.stats()[0]).to.include({ state: 'halted', processed: 0, deadLettered: 1 });
    failing.clear();
    const [letter] = await dispatcher.deadLetters();
    expect(await dispatcher.retryDeadLetter(letter!.id)).to.equal(true);
    expect(dispatcher.stats()[0]).to.include({ processed: 1, deadLettered: 0 });
  });
});

describe('A program that parks an event and prints nothing else', function () {
  this.timeout(30_000);

  it('shows one clear line about it by default', async () => {
    const folder = temporaryFolder();
    try {
      const program = join(__dirname, '..', 'support', 'quiet-program.js');
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [program, join(folder.path, 'quiet.db')]);
      const lines = `${stdout}${stderr}`.split('\n').filter(Boolean);
      expect(lines).to.have.length(1);
      expect(lines[0]).to.match(
        /^eventfold: subscriber 'quiet-worker' parked event 2 \(QuietJob, stream Job\/2, id .*\) as dead letter 1 after 2 attempts: the job cannot be done\. .*eventfold dead-letters retry 1/,
      );
    } finally {
      folder.remove();
    }
  });
});
