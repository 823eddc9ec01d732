import Database from 'better-sqlite3';
import { DomainEvent, Dispatcher, EventStore, On, OnDeadline, ProcessManager, type ProcessContext } from '../lib';
import type { WorkloadRun } from './workload';

/** Instances, each with one pending deadline, that the deadline workloads start from. */
export const TIMERS = 10_000;
/** The name of the process manager, and of its instance and deadline rows. */
export const TIMERS_PROCESS_MANAGER = 'deadline-timers';
/** The name of the deadline each instance schedules. */
export const FIRE = 'fire';
/** How instance keys begin; the rest is the timer's index, which {@link moveDueTimes} reads back. */
const KEY_PREFIX = 'timer-';
const DAY_MS = 24 * 60 * 60 * 1000;

/** Events per append while preparing. */
const ARM_BATCH = 1000;

/** A timer was armed: its instance schedules a deadline at `dueAt`. */
@DomainEvent('TimerArmed')
export class TimerArmed {
  constructor(
    readonly timerId: string,
    readonly dueAt: number,
  ) {}
}

/** The key of the `index`-th timer, in the order of their due times. */
function timerId(index: number): string {
  return `${KEY_PREFIX}${index.toString().padStart(5, '0')}`;
}

interface TimerState {
  armedFor: number;
}

/**
 * One instance per timer: the event starts it and schedules its deadline; the deadline ends it,
 * which deletes its row and its deadline. Each delivery records how late it came, by the
 * dispatcher's clock, against the due time the instance received.
 */
@ProcessManager(TIMERS_PROCESS_MANAGER, { correlationKey: 'timerId' })
export class DeadlineTimers {
  /** For each delivery, delivery time minus due time, in milliseconds, in the order of delivery. */
  readonly delaysMs: number[] = [];
  private allFired: (() => void) | undefined;
  /** Resolves once `count` deadlines have been delivered. */
  readonly fired: Promise<void>;

  constructor(private readonly count: number) {
    this.fired = new Promise((resolve) => (this.allFired = resolve));
  }

  @On(TimerArmed)
  armed(event: TimerArmed, process: ProcessContext<TimerState>): void {
    process.state = { armedFor: event.dueAt };
    process.schedule(FIRE, { at: new Date(event.dueAt) });
  }

  @OnDeadline(FIRE)
  fire(_payload: unknown, process: ProcessContext<TimerState>): void {
    this.delaysMs.push(Date.now() - process.deadline!.dueAt.getTime());
    process.end();
    if (this.delaysMs.length === this.count) this.allFired?.();
  }
}

/**
 * Builds the rows both sides start from through the runtime itself: {@link TIMERS} `TimerArmed`
 * events, handled by a dispatcher running {@link DeadlineTimers}, each step starting an instance
 * and scheduling its deadline, a millisecond apart, a day ahead: none falls due while the
 * prepare's dispatcher runs, and each side moves them to its own time (see {@link moveDueTimes}).
 */
export async function prepareTimers(run: WorkloadRun): Promise<void> {
  const store = await EventStore.open({ sqlite: run.file, durability: run.durability, events: [TimerArmed] });
  try {
    const dispatcher = await Dispatcher.start(store, [new DeadlineTimers(TIMERS)], { logger: false });
    try {
      const firstDueAt = Date.now() + DAY_MS;
      for (let from = 0; from < TIMERS; from += ARM_BATCH) {
        const events = Array.from({ length: Math.min(ARM_BATCH, TIMERS - from) }, (_, offset) => {
          const index = from + offset;
          return new TimerArmed(timerId(index), firstDueAt + index);
        });
        await store.append({ type: 'TimerBook', id: `book-${from / ARM_BATCH}` }, events);
      }
      await dispatcher.idle();
    } finally {
      await dispatcher.stop();
    }
  } finally {
    await store.close();
  }
  const counts = countTimerRows(run.file);
  if (counts.instances !== TIMERS || counts.deadlines !== TIMERS) {
    throw new Error(`the prepare left ${counts.instances} instances and ${counts.deadlines} deadlines, expected ${TIMERS} of each`);
  }
}

/** Where a side puts the due times of the prepared deadlines before its timed part. */
export interface DueTimes {
  /** When the first timer falls due, in milliseconds since 1970. */
  readonly firstDueAtMs: number;
  /** Between one timer's due time and the next's (a fraction spreads them over whole milliseconds). */
  readonly spacingMs: number;
  /** How many timers, the first ones, fall due so; the others a day later. Defaults to all. */
  readonly due?: number;
}

/**
 * Gives the prepared deadlines, in the order of their timers, the due times `times` asks for:
 * one UPDATE of `due_at`, before the timed part, alike on both sides. The rows are otherwise as
 * the runtime wrote them.
 */
export function moveDueTimes(file: string, times: DueTimes): void {
  const { firstDueAtMs, spacingMs, due = TIMERS } = times;
  const database = new Database(file);
  try {
    const index = `cast(substr(instance_key, ${KEY_PREFIX.length + 1}) as integer)`;
    database
      .prepare(
        `update eventfold_deadlines set due_at = case when ${index} < @due then @first + cast(${index} * @spacing as integer) else @first + @day + ${index} end ` +
          'where process_manager = @processManager',
      )
      .run({ due, first: firstDueAtMs, spacing: spacingMs, day: DAY_MS, processManager: TIMERS_PROCESS_MANAGER });
  } finally {
    database.close();
  }
}

/** The instance and deadline rows of the timers left in a closed database. */
export function countTimerRows(file: string): { readonly instances: number; readonly deadlines: number } {
  const database = new Database(file, { readonly: true });
  try {
    const count = (table: string, column: string) =>
      database.prepare<[string], { count: number }>(`select count(*) as count from ${table} where ${column} = ?`).get(TIMERS_PROCESS_MANAGER)!.count;
    return { instances: count('eventfold_process_instances', 'process_manager'), deadlines: count('eventfold_deadlines', 'process_manager') };
  } finally {
    database.close();
  }
}
