import { expect } from 'chai';
import type { HorizonHolder, HorizonStall } from '../../lib';
import { HorizonWatch, STALL_NOTICE_MS, type WatchedSubscriber } from '../../lib/subscriptions/horizon-watch';
import { HorizonStallReports } from '../../lib/subscriptions/logging/horizon-stall-reports';

const holder: HorizonHolder = {
  kind: 'session',
  pid: 4242,
  transactionId: '7851',
  database: 'app',
  user: 'reports',
  applicationName: 'psql',
  state: 'idle in transaction',
  transactionAgeMs: 95_000,
  xidAge: 312,
  query: 'update accounts set frozen = true',
  redacted: false,
};

function stallAt(readableHead: number, forMs: number, by: HorizonHolder | null = holder): HorizonStall {
  return { readableHead, latestPosition: readableHead + 3, since: new Date('2026-03-02T09:14:05Z'), forMs, holder: by };
}

/** A watch on a clock and a database of the spec's making. */
function watch(options: { subscribers?: WatchedSubscriber[]; warnAfterMs?: number } = {}) {
  const clock = { now: 0 };
  const found: { stall: HorizonStall | undefined; error?: Error } = { stall: undefined };
  const lines: Array<{ level: string; line: string }> = [];
  const errors: unknown[] = [];
  let looks = 0;
  const keep = (level: string) => (line: string) => lines.push({ level, line });
  const subscribers = options.subscribers ?? [{ name: 'open-orders', isWorking: true, checkpoints: { checkpoint: 10 } }];
  const horizon = new HorizonWatch({
    lookUp: async () => {
      looks++;
      if (found.error) throw found.error;
      return found.stall;
    },
    reports: new HorizonStallReports({ info: keep('info'), warn: keep('warn'), error: keep('error') }),
    subscribers,
    warnAfterMs: options.warnAfterMs ?? 30_000,
    onError: (error) => errors.push(error),
    now: () => clock.now,
  });
  /** Lets the clock reach `at`, and a poll see the head and the latest position; resolves once any look it started is done. */
  const poll = async (at: number, readable: number, latest: number) => {
    clock.now = at;
    horizon.observe(readable, latest);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { horizon, clock, found, lines, errors, poll, subscribers, looks: () => looks };
}

describe('HorizonWatch', () => {
  it('looks into events waiting past an unmoving head only once they have waited a second', async () => {
    const { looks, poll } = watch();
    await poll(0, 10, 13);
    await poll(STALL_NOTICE_MS - 1, 10, 13);
    expect(looks()).to.equal(0);
    await poll(STALL_NOTICE_MS, 10, 13);
    expect(looks()).to.equal(1);
  });

  it('takes a head that keeps moving, as under concurrent appends, for no stall', async () => {
    const { looks, poll } = watch();
    for (let step = 0; step < 10; step++) await poll(step * 500, 10 + step, 13 + step);
    expect(looks()).to.equal(0);
  });

  it('shows the stall on subscribers that finished every readable event and work here, aged to the moment asked', async () => {
    const subscribers = [
      { name: 'caught-up', isWorking: true, checkpoints: { checkpoint: 10 } },
      { name: 'catching-up', isWorking: true, checkpoints: { checkpoint: 4 } },
      { name: 'elsewhere', isWorking: false, checkpoints: { checkpoint: 10 } },
    ];
    const { horizon, found, poll, clock } = watch({ subscribers });
    found.stall = stallAt(10, 2000);
    await poll(0, 10, 13);
    await poll(1000, 10, 13);
    clock.now = 1500;

    const [caughtUp, catchingUp, elsewhere] = subscribers.map((subscriber) => horizon.stallOf(subscriber));
    expect(caughtUp).to.deep.equal({ ...stallAt(10, 2500), holder: { ...holder, transactionAgeMs: 95_500 } });
    expect([catchingUp, elsewhere]).to.deep.equal([undefined, undefined]);
  });

  it('warns once past warnAfterMs however often it looks, and says when the head moves on', async () => {
    const { found, lines, poll, looks } = watch({ warnAfterMs: 30_000 });
    await poll(0, 10, 13);
    found.stall = stallAt(10, 29_000);
    await poll(1000, 10, 13);
    expect(lines).to.deep.equal([]);
    for (let at = 2000; at <= 5000; at += 1000) {
      found.stall = stallAt(10, 28_000 + at);
      await poll(at, 10, 13);
    }
    expect(looks()).to.equal(5);
    expect(lines).to.deep.equal([
      {
        level: 'warn',
        line:
          "eventfold: subscriber 'open-orders' is held back: the events committed after position 10 (up to 13) have waited 30 s for the transaction of backend pid 4242 " +
          '(database app, user reports, application psql, idle in transaction, transaction open 95 s, xid age 312, last statement: update accounts set frozen = true) to end. ' +
          'Nothing is lost: they are delivered, in order, once it ends. To release them now, commit or roll back that transaction, or end its session with ' +
          '`select pg_terminate_backend(4242)`. Setting idle_in_transaction_session_timeout on the server ends forgotten sessions by itself.',
      },
    ]);

    await poll(5500, 16, 16);
    expect(lines[1]).to.deep.equal({
      level: 'info',
      line: "eventfold: subscriber 'open-orders' is no longer held back: the transaction of backend pid 4242 ended after holding readers back for 34 s.",
    });
  });

  it('does not warn while no subscriber of this process is held back by the stall', async () => {
    const { found, lines, poll } = watch({ subscribers: [{ name: 'catching-up', isWorking: true, checkpoints: { checkpoint: 3 } }], warnAfterMs: 1 });
    found.stall = stallAt(10, 60_000);
    await poll(0, 10, 13);
    await poll(1000, 10, 13);
    await poll(2000, 11, 11);
    expect(lines).to.deep.equal([]);
  });

  it('warns about the next transaction when the one it named ends and another, as old as the waiting events, still holds the head', async () => {
    const { found, lines, poll } = watch({ warnAfterMs: 1 });
    const next: HorizonHolder = { kind: 'prepared', gid: 'payment-17', transactionId: '7852', database: 'app', user: 'billing', transactionAgeMs: 600_000, xidAge: 311 };
    found.stall = stallAt(10, 5000);
    await poll(0, 10, 13);
    await poll(1000, 10, 13);
    found.stall = stallAt(10, 6000, next);
    await poll(2000, 10, 13);

    expect(lines.map((line) => line.level)).to.deep.equal(['warn', 'info', 'warn']);
    expect(lines[1]!.line).to.include('the transaction of backend pid 4242 ended');
    expect(lines[2]!.line).to.include("prepared transaction 'payment-17' (database app, owner billing, prepared 10 min ago, xid age 311)");
    expect(lines[2]!.line).to.include("`COMMIT PREPARED 'payment-17'` or `ROLLBACK PREPARED 'payment-17'`");
  });

  it('reports a look that fails once per stall, and shows no stall meanwhile', async () => {
    const { horizon, found, errors, poll, subscribers } = watch();
    found.error = new Error('connection lost');
    await poll(0, 10, 13);
    await poll(1000, 10, 13);
    await poll(2000, 10, 13);
    expect(errors).to.deep.equal([found.error]);
    expect(horizon.stallOf(subscribers[0]!)).to.equal(undefined);
    await poll(3000, 12, 12);
    await poll(4000, 12, 15);
    await poll(5000, 12, 15);
    expect(errors).to.have.length(2);
  });
});
