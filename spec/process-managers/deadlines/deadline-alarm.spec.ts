import { expect } from 'chai';
import { DeadlineAlarm } from '../../../lib/process-managers/deadlines/deadline-alarm';
import { FakeClock } from './deadline-fixtures';

describe('DeadlineAlarm', () => {
  const outcome = (sleep: Promise<void>, otherwise: Promise<void>) => Promise.race([sleep.then(() => 'woke'), otherwise.then(() => 'slept on')]);
  const shortly = () => new Promise<void>((resolve) => setTimeout(resolve, 30));

  it('does not sleep when told, since its last look began, that something is due now', async () => {
    const clock = new FakeClock(1_000);
    const alarm = new DeadlineAlarm(clock.now);
    alarm.lookBegins();
    alarm.tell(1_000);
    await alarm.sleep(Infinity);
  });

  it('forgets what it was told before a look began: that look saw it', async () => {
    const clock = new FakeClock(1_000);
    const alarm = new DeadlineAlarm(clock.now);
    alarm.tell();
    alarm.lookBegins();
    const sleep = alarm.sleep(clock.nowMs + 60_000);
    expect(await outcome(sleep, shortly())).to.equal('slept on');
    alarm.tell();
    await sleep;
  });

  it('wakes at once when told during its sleep that something is due now', async () => {
    const clock = new FakeClock(1_000);
    const alarm = new DeadlineAlarm(clock.now);
    const sleep = alarm.sleep(clock.nowMs + 60_000);
    alarm.tell(999);
    await sleep;
  });

  it('wakes sooner when told of a due time before the one it sleeps until', async () => {
    const clock = new FakeClock(1_000);
    const alarm = new DeadlineAlarm(clock.now);
    const sleep = alarm.sleep(clock.nowMs + 60_000);
    alarm.tell(clock.nowMs + 5);
    await sleep;
  });

  it('wakes for a due time it was told while looking', async () => {
    const clock = new FakeClock(1_000);
    const alarm = new DeadlineAlarm(clock.now);
    alarm.lookBegins();
    alarm.tell(clock.nowMs + 5);
    await alarm.sleep(clock.nowMs + 60_000);
  });

  it('sleeps on past the longest delay Node timers take, instead of waking after 1 ms', async () => {
    const clock = new FakeClock(1_000);
    const alarm = new DeadlineAlarm(clock.now);
    const sleep = alarm.sleep(clock.nowMs + 2 ** 40);
    expect(await outcome(sleep, shortly())).to.equal('slept on');
    alarm.tell();
    await sleep;
  });
});
