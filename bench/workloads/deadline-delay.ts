import { setTimeout as sleep } from 'node:timers/promises';
import { Dispatcher, EventStore } from '../../lib';
import { DeadlineTimers, TIMERS, TimerArmed, countTimerRows, moveDueTimes, prepareTimers, type DueTimes } from '../deadline-timers';
import { openRawEventLog } from '../raw-event-log';
import { prepareRawDeadlineDelivery } from '../raw-deadlines';
import { percentile } from '../timing';
import type { Measurement, Workload, WorkloadRun } from '../workload';

/** How long after the due times are moved the first falls due: time for the dispatcher to start. */
const LEAD_MS = 1000;

/** How the deadlines of a delay workload fall due: `due` of the {@link TIMERS} pending, `spacingMs` apart. */
interface Pace {
  readonly spacingMs: number;
  readonly due: number;
}

/** The figure: p99 of the delays, with p50, max, the early ones and the rate reached in the detail. */
function delayMeasurement(delaysMs: readonly number[], spentMs: number, file: string): Measurement {
  const early = delaysMs.filter((delay) => delay < 0).length;
  const p99 = percentile(delaysMs, 99);
  const left = countTimerRows(file);
  const rate = Math.round(delaysMs.length / (spentMs / 1000)).toLocaleString('en-US');
  return {
    value: p99,
    detail:
      `${delaysMs.length.toLocaleString('en-US')} delivered in ${(spentMs / 1000).toFixed(2)} s from the first due time (${rate}/s): ` +
      `delay p50 ${percentile(delaysMs, 50)} ms, p99 ${p99} ms, max ${Math.max(...delaysMs)} ms, ${early} early`,
    checksum: `${delaysMs.length} delivered, ${early} early, ${left.instances} instances and ${left.deadlines} deadlines left`,
  };
}

/** The first deadline falls due {@link LEAD_MS} from now; returns when. */
function moveDueSoon(file: string, pace: Pace): number {
  const times: DueTimes = { firstDueAtMs: Date.now() + LEAD_MS, ...pace };
  moveDueTimes(file, times);
  return times.firstDueAtMs;
}

function assertStartedInTime(firstDueAt: number, side: string): void {
  const late = Date.now() - firstDueAt;
  if (late >= 0) throw new Error(`the ${side} side started ${late} ms after the first deadline fell due; raise LEAD_MS`);
}

async function measureEventfold(run: WorkloadRun, pace: Pace): Promise<Measurement> {
  const firstDueAt = moveDueSoon(run.file, pace);
  const store = await EventStore.open({ sqlite: run.file, durability: run.durability, events: [TimerArmed] });
  const timers = new DeadlineTimers(pace.due);
  let spentMs: number;
  try {
    const dispatcher = await Dispatcher.start(store, [timers], { logger: false });
    try {
      assertStartedInTime(firstDueAt, 'eventfold');
      await timers.fired;
      await dispatcher.idle();
      spentMs = Date.now() - firstDueAt;
    } finally {
      await dispatcher.stop();
    }
  } finally {
    await store.close();
  }
  return delayMeasurement(timers.delaysMs, spentMs, run.file);
}

async function measureRaw(run: WorkloadRun, pace: Pace): Promise<Measurement> {
  const firstDueAt = moveDueSoon(run.file, pace);
  const database = openRawEventLog(run.file, run.durability);
  const delaysMs: number[] = [];
  let spentMs: number;
  try {
    const delivery = prepareRawDeadlineDelivery(database);
    assertStartedInTime(firstDueAt, 'raw');
    while (delaysMs.length < pace.due) {
      const next = delivery.nextDueAt();
      if (next === undefined) throw new Error(`the raw side ran out of deadlines after ${delaysMs.length}`);
      const waitMs = next - Date.now();
      if (waitMs > 0) await sleep(waitMs);
      for (let delivered = delivery.deliverNextDue(Date.now()); delivered; delivered = delivery.deliverNextDue(Date.now())) {
        delaysMs.push(delivered.delayMs);
        if (delaysMs.length === pace.due) break;
      }
    }
    spentMs = Date.now() - firstDueAt;
  } finally {
    database.close();
  }
  return delayMeasurement(delaysMs, spentMs, run.file);
}

/**
 * How late a running dispatcher delivers deadlines with {@link TIMERS} pending: `pace.due` of them
 * fall due `pace.spacingMs` apart, the rest a day later; the figure is the p99 of due time to delivery.
 */
function deadlineDelayWorkload(name: string, pace: Pace): Workload {
  const due = pace.due.toLocaleString('en-US');
  const waiting = TIMERS - pace.due;
  return {
    name,
    label: () => `delay of ${due} deadlines ${pace.spacingMs} ms apart${waiting > 0 ? `, ${waiting.toLocaleString('en-US')} more pending` : ''}, p99`,
    unit: 'ms',
    durabilities: ['normal'],
    note: () =>
      `the ${TIMERS.toLocaleString('en-US')} instances and deadlines of deadline-delivery, copied for each trial; before the timed part one UPDATE moves ` +
      `the due times of ${pace.due === TIMERS ? 'all' : `the first ${due}`} to ${pace.spacingMs} ms apart from ${LEAD_MS / 1000} s later` +
      `${waiting > 0 ? ` (the others a day later, still pending)` : ''}, then a dispatcher starts (pollIntervalMs 250, woken by its own schedule); each ` +
      `@OnDeadline step records Date.now() minus the deadline's dueAt; the figure is the p99 of those delays, the detail also gives p50, max, ` +
      `how many came before their due time (must be 0), and the rate of delivery from the first due time to the last delivery; raw: a loop ` +
      `that reads the first pending due time, sleeps until then (setTimeout), then delivers what is due as deadline-delivery's raw side does, ` +
      `one transaction each, the delay taken inside the transaction`,
    target: () => undefined,
    prepare: prepareTimers,
    eventfold: { measure: (run) => measureEventfold(run, pace) },
    raw: { measure: (run) => measureRaw(run, pace) },
  };
}

/**
 * All {@link TIMERS} deadlines falling due 0.2 ms apart, 5,000 a second: above what one process
 * delivers, so the delays grow as a backlog does, and the figure tells how fast it is worked off.
 */
export const deadlineDelay = deadlineDelayWorkload('deadline-delay', { spacingMs: 0.2, due: TIMERS });

/**
 * 1,000 deadlines falling due 2 ms apart, 500 a second, with 9,000 more pending behind them: a
 * pace both sides keep up with, so the figure is the lateness of a single delivery at 10,000 pending.
 */
export const deadlineDelayPaced = deadlineDelayWorkload('deadline-delay-paced', { spacingMs: 2, due: 1000 });
