import { expect } from 'chai';
import { InvalidArgumentError } from '../../../lib';
import { FAILED } from '../../../lib/process-managers/deadlines/deadline-table';
import { cancelDeadlinesOf, listDeadlines, scheduleDeadline, type DeadlineToSchedule } from '../../../lib/process-managers/deadlines/deadline-table';
import { recordFailedAttempt } from '../../../lib/process-managers/deadlines/due-deadline-queries';
import { forEachBackend } from '../../support/backends';
import { expectRejection } from '../../support/expect-rejection';
import { EXPIRY } from './deadline-fixtures';

class Limit {
  constructor(readonly price: number) {}
}

forEachBackend('Deadline table', (backend) => {
  const now = new Date('2026-03-01T09:00:00Z');
  const deadline = (fields: Partial<DeadlineToSchedule> = {}): DeadlineToSchedule => ({
    processManager: EXPIRY,
    instanceKey: 'o-1',
    name: 'expire',
    dueAt: 5_000,
    now,
    ...fields,
  });

  it('stores a scheduled deadline with its payload, and lists deadlines the first due first', async () => {
    const store = await backend.open();
    const db = store.eventfoldDb;
    const id = await scheduleDeadline(db, deadline({ payload: { market: 'KRW-BTC', limits: [101.5, null], filled: false } }));
    await scheduleDeadline(db, deadline({ instanceKey: 'o-2', dueAt: 4_000 }));
    await scheduleDeadline(db, deadline({ processManager: 'stop-loss', instanceKey: 'p-1', name: 'sell' }));
    const listed = await listDeadlines(db, { processManager: EXPIRY });
    expect(listed.map((row) => row.instanceKey)).to.deep.equal(['o-2', 'o-1']);
    expect(listed[1]).to.deep.equal({
      id,
      processManager: EXPIRY,
      instanceKey: 'o-1',
      name: 'expire',
      dueAt: new Date(5_000),
      payload: { market: 'KRW-BTC', limits: [101.5, null], filled: false },
      scheduledAt: now,
      attempts: 0,
      status: 'pending',
      lastError: null,
    });
    expect((await listDeadlines(db, { processManager: EXPIRY, instanceKey: 'o-2' })).map((row) => row.payload)).to.deep.equal([null]);
  });

  it('replaces a deadline of the same name and instance, failed ones included, under a new id', async () => {
    const store = await backend.open();
    const db = store.eventfoldDb;
    const first = await scheduleDeadline(db, deadline({ payload: 1 }));
    await recordFailedAttempt(db, first, { attempts: 5, lastError: 'exchange down', status: FAILED, dueAtMs: 5_000 });
    const second = await scheduleDeadline(db, deadline({ dueAt: 9_000, payload: 2 }));
    expect(second).to.not.equal(first);
    expect(
      (await listDeadlines(db, { processManager: EXPIRY })).map(({ id, dueAt, payload, attempts, status, lastError }) => ({
        id,
        dueAt,
        payload,
        attempts,
        status,
        lastError,
      })),
    ).to.deep.equal([{ id: second, dueAt: new Date(9_000), payload: 2, attempts: 0, status: 'pending', lastError: null }]);
  });

  it('cancels every deadline of one instance, and only those', async () => {
    const store = await backend.open();
    const db = store.eventfoldDb;
    await scheduleDeadline(db, deadline({ name: 'expire' }));
    await scheduleDeadline(db, deadline({ name: 'remind' }));
    await scheduleDeadline(db, deadline({ instanceKey: 'o-2' }));
    expect(await cancelDeadlinesOf(db, EXPIRY, 'o-1')).to.equal(2);
    expect((await listDeadlines(db, { processManager: EXPIRY })).map((row) => row.instanceKey)).to.deep.equal(['o-2']);
  });

  it('drops undefined object fields, as JSON does, and takes no payload as null', async () => {
    const store = await backend.open();
    const db = store.eventfoldDb;
    await scheduleDeadline(db, deadline({ payload: { market: 'KRW-BTC', note: undefined } }));
    expect((await listDeadlines(db, { processManager: EXPIRY }))[0]?.payload).to.deep.equal({ market: 'KRW-BTC' });
  });

  const refused: Array<[string, unknown, RegExp]> = [
    ['a function', () => 1, /deadline 'expire' of order-expiry 'o-1' payload: .*function/],
    ['a bigint', 10n, /payload: .*bigint/],
    ['NaN', NaN, /payload: .*NaN/],
    ['an infinity', Infinity, /payload: .*Infinity/],
    ['-0', -0, /payload: .*-0/],
    ['a Date', new Date(0), /payload: .*Date/],
    ['a Map', new Map(), /payload: .*Map/],
    ['a class instance', new Limit(100), /payload: .*Limit/],
    ['a nested Date', { placedAt: new Date(0) }, /payload\.placedAt: .*Date/],
    ['undefined in an array', { prices: [1, undefined] }, /payload\.prices\[1\]: .*undefined/],
    ['a nested NaN', { prices: [NaN] }, /payload\.prices\[0\]: .*NaN/],
  ];
  for (const [what, payload, message] of refused) {
    it(`refuses ${what} in a payload, naming the deadline, and writes nothing`, async () => {
      const store = await backend.open();
      const error = await expectRejection(scheduleDeadline(store.eventfoldDb, deadline({ payload })), InvalidArgumentError);
      expect(error.message).to.match(message);
      expect(await listDeadlines(store.eventfoldDb, { processManager: EXPIRY })).to.deep.equal([]);
    });
  }

  it('refuses empty names, due times that are not whole milliseconds, and invalid dates', async () => {
    const store = await backend.open();
    const db = store.eventfoldDb;
    const wrong: Array<[Partial<DeadlineToSchedule>, RegExp]> = [
      [{ processManager: '' }, /Invalid processManager: expected a non-empty string/],
      [{ instanceKey: undefined }, /Invalid instanceKey: expected a non-empty string, got undefined/],
      [{ name: '' }, /Invalid name/],
      [{ dueAt: 1.5 }, /dueAt: expected whole milliseconds since 1970/],
      [{ dueAt: new Date() as unknown as number }, /dueAt: expected whole milliseconds since 1970 \(Date.getTime\(\)\), got a Date/],
      [{ now: new Date(NaN) }, /now: expected a valid Date, got an invalid Date/],
    ];
    for (const [fields, message] of wrong) expect((await expectRejection(scheduleDeadline(db, deadline(fields)), InvalidArgumentError)).message).to.match(message);
    expect(await listDeadlines(db, { processManager: EXPIRY })).to.deep.equal([]);
  });
});
