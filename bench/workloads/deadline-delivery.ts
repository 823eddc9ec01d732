import { Dispatcher, EventStore } from '../../lib';
import { DeadlineTimers, TIMERS, TIMERS_PROCESS_MANAGER, TimerArmed, countTimerRows, moveDueTimes, prepareTimers } from '../deadline-timers';
import { openRawEventLog } from '../raw-event-log';
import { prepareRawDeadlineDelivery } from '../raw-deadlines';
import { startClock } from '../timing';
import type { Measurement, Workload, WorkloadRun } from '../workload';

/** Deadlines per second, with a detail line for the results table. */
function deliveryRate(delivered: number, milliseconds: number): Pick<Measurement, 'value' | 'detail'> {
  const seconds = milliseconds / 1000;
  return { value: delivered / seconds, detail: `${delivered.toLocaleString('en-US')} deadlines in ${seconds.toFixed(2)} s` };
}

/** What both sides must leave: every deadline delivered once, no instance or deadline row left. */
function checksumOf(file: string, delivered: number): string {
  const left = countTimerRows(file);
  return `${delivered} delivered, ${left.instances} instances and ${left.deadlines} deadlines left`;
}

/** Between the due times of two deadlines, as in deadline-delay. */
const SPACING_MS = 0.2;
/** How long before the timed part the deadlines fell due, the first to the last. */
const SPAN_MS = TIMERS * SPACING_MS;

/** Every deadline due before the timed part begins, over the {@link SPAN_MS} before. */
function moveAllDue(file: string): void {
  moveDueTimes(file, { firstDueAtMs: Date.now() - SPAN_MS - 1, spacingMs: SPACING_MS });
}

async function measureEventfold(run: WorkloadRun): Promise<Measurement> {
  moveAllDue(run.file);
  const store = await EventStore.open({ sqlite: run.file, durability: run.durability, events: [TimerArmed] });
  const timers = new DeadlineTimers(TIMERS);
  let measured: Pick<Measurement, 'value' | 'detail'>;
  let delivered: number;
  try {
    const elapsed = startClock();
    // The deadlines were due while no dispatcher ran: it delivers them as it starts.
    const dispatcher = await Dispatcher.start(store, [timers], { logger: false });
    try {
      await timers.fired;
      // The last delivery's transaction commits after its step: idle() waits for a look after it.
      await dispatcher.idle();
      const milliseconds = elapsed();
      delivered = dispatcher.stats().find((stats) => stats.name === TIMERS_PROCESS_MANAGER)?.deadlines?.delivered ?? 0;
      measured = deliveryRate(delivered, milliseconds);
    } finally {
      await dispatcher.stop();
    }
  } finally {
    await store.close();
  }
  return { ...measured, checksum: checksumOf(run.file, delivered) };
}

async function measureRaw(run: WorkloadRun): Promise<Measurement> {
  moveAllDue(run.file);
  const database = openRawEventLog(run.file, run.durability);
  let measured: Pick<Measurement, 'value' | 'detail'>;
  let delivered = 0;
  try {
    const delivery = prepareRawDeadlineDelivery(database);
    const elapsed = startClock();
    while (delivery.deliverNextDue(Date.now())) delivered++;
    measured = deliveryRate(delivered, elapsed());
  } finally {
    database.close();
  }
  return { ...measured, checksum: checksumOf(run.file, delivered) };
}

/**
 * Deadlines that fell due while no process ran, delivered by a dispatcher as it starts: how many
 * a second, each in a transaction of its own with the step it runs.
 */
export const deadlineDelivery: Workload = {
  name: 'deadline-delivery',
  label: () => `deliver ${TIMERS.toLocaleString('en-US')} due deadlines, 1 per instance`,
  unit: 'deadlines/s',
  durabilities: ['normal'],
  note: () =>
    `${TIMERS.toLocaleString('en-US')} instances of a @ProcessManager, each started by an event whose step scheduled one deadline, written once through a dispatcher ` +
    `and copied for each trial; before the timed part one UPDATE moves the due times into the ${SPAN_MS / 1000} s just past, ${SPACING_MS} ms apart; timed: Dispatcher.start() ` +
    `until the @OnDeadline step (which ends the instance: its row and deadline deleted) has run for every deadline and dispatcher.idle() resolved; ` +
    `eventfold: up to 10 due deadlines per transaction (the default), so BEGIN IMMEDIATE and COMMIT per 10, and per deadline the claim (SELECT * by id), ` +
    `SAVEPOINT, SELECT of the instance, DELETE of the instance's deadlines, DELETE of the instance, RELEASE, DELETE of the deadline by id, and a look ` +
    `(SELECT of up to 100 due) per 100; raw: one transaction per deadline, BEGIN IMMEDIATE, SELECT * of the first due ` +
    `deadline (the look's WHERE and ORDER BY, LIMIT 1), SELECT of the instance, JSON.parse of payload and state, DELETE of the instance, DELETE of the ` +
    `deadline by id, COMMIT, per deadline, all synchronous`,
  target: () => undefined,
  prepare: prepareTimers,
  eventfold: { measure: measureEventfold },
  raw: { measure: measureRaw },
};
