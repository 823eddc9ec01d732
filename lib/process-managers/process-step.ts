import type { Kysely } from 'kysely';
import type { EventStore } from '../event-store/event-store';
import { checkExactJson } from '../events/exact-json';
import type { RecordedEvent } from '../store/recorded-event';
import type { EventfoldTables } from '../store/schema';
import { cancelDeadline, cancelDeadlinesOf, scheduleDeadline } from './deadlines/deadline-table';
import { insideStep } from './running-step';
import { deleteInstance, loadInstance, saveInstance, type StoredInstance } from './instance-table';
import { ProcessContext, type FiredDeadline } from './process-context';
import type { EndedInstances } from './process-manager-options';

/** A process manager's method, called with the event or the deadline's payload. */
export type StepMethod = (input: unknown, context: ProcessContext) => unknown;

/** Where a step runs: the store, the transaction it joins, and the step's clock reading. */
export interface StepScope {
  readonly store: EventStore;
  readonly db: Kysely<EventfoldTables>;
  /** Milliseconds since the epoch: the step's `now`. */
  readonly now: number;
  readonly attempt: number;
  readonly signal: AbortSignal;
  /** Runs `callback` once the transaction has committed, and never if it does not. */
  afterCommit(callback: () => void): void;
  /** Told, after the commit, when the earliest deadline the step scheduled falls due. */
  readonly onScheduled: ((dueAt: number) => void) | undefined;
}

/** What started a step. */
export type StepTrigger =
  { readonly kind: 'event'; readonly recorded: RecordedEvent } | { readonly kind: 'deadline'; readonly id: string; readonly deadline: FiredDeadline };

/** The process manager a step belongs to. */
export interface StepOwner {
  readonly name: string;
  readonly ended: EndedInstances;
  /** The deadlines it has `@OnDeadline` methods for: a step may schedule only those. */
  readonly deadlineNames: readonly string[];
}

/**
 * One step of one instance, inside the caller's transaction: loads the instance (locking its row
 * where transactions run side by side), calls `method`, then writes what the step changed: the
 * state, the deadlines, the end. The events the step appended are announced once the transaction
 * commits. An ended instance that is kept receives nothing more.
 *
 * @returns false when the instance had ended and `method` was not called.
 */
export async function runProcessStep(owner: StepOwner, key: string, trigger: StepTrigger, method: StepMethod, scope: StepScope): Promise<boolean> {
  const { store, db } = scope;
  const instance = await loadInstance(db, owner.name, key);
  if (instance?.status === 'ended') return false;
  const view = store.withinTransaction(db);
  const appended: RecordedEvent[] = [];
  view.onAppended((events) => appended.push(...events));
  const recorded = trigger.kind === 'event' ? trigger.recorded : undefined;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the application's tables are its own; the context is typed where its methods take it
  const context = ProcessContext.create<Record<string, unknown>, any>({
    processManager: owner.name,
    key,
    state: instance?.state,
    store: view,
    db,
    recorded,
    deadline: trigger.kind === 'deadline' ? trigger.deadline : undefined,
    attempt: scope.attempt,
    signal: scope.signal,
    now: scope.now,
    causationId: recorded ? recorded.eventId : `deadline:${trigger.kind === 'deadline' ? trigger.id : ''}`,
    deadlineNames: owner.deadlineNames,
  });
  const input = recorded ? recorded.event : (trigger as Extract<StepTrigger, { kind: 'deadline' }>).deadline.payload;
  await insideStep(owner.name, () => method(input, context));
  const earliest = await writeDeadlineChanges(owner, key, context, scope);
  await writeInstance(owner, key, instance, context, scope);
  scope.afterCommit(() => {
    if (appended.length > 0) {
      store.recordAppended(appended);
      store.backend.announceWrite();
    }
    if (earliest !== undefined) scope.onScheduled?.(earliest);
  });
  return true;
}

async function writeDeadlineChanges(owner: StepOwner, key: string, context: ProcessContext, scope: StepScope): Promise<number | undefined> {
  let earliest: number | undefined;
  const now = new Date(scope.now);
  for (const change of context.deadlineChanges) {
    if (change.kind === 'cancel') {
      await cancelDeadline(scope.db, owner.name, key, change.name);
      continue;
    }
    await scheduleDeadline(scope.db, { processManager: owner.name, instanceKey: key, name: change.name, dueAt: change.dueAt, payload: change.payload, now });
    earliest = earliest === undefined ? change.dueAt : Math.min(earliest, change.dueAt);
  }
  return earliest;
}

async function writeInstance(owner: StepOwner, key: string, before: StoredInstance | undefined, context: ProcessContext, scope: StepScope): Promise<void> {
  const { db } = scope;
  const now = new Date(scope.now);
  const version = (before?.version ?? 0) + 1;
  if (context.ended) {
    await cancelDeadlinesOf(db, owner.name, key);
    // Under 'keep', an ended instance bars its key; a step that ends what never started bars nothing.
    if (owner.ended === 'keep' && (before || context.state !== undefined)) {
      await saveInstance(db, { processManager: owner.name, key, status: 'ended', version, stateJson: stateJsonOf(owner, key, context.state ?? {}) }, now);
    } else if (before) {
      await deleteInstance(db, owner.name, key);
    }
    return;
  }
  if (context.state === undefined) return;
  const stateJson = stateJsonOf(owner, key, context.state);
  if (before && stateJson === before.stateJson) return;
  await saveInstance(db, { processManager: owner.name, key, status: 'running', version, stateJson }, now);
}

/** The state as stored; refused, naming the field, when JSON would not give it back unchanged. */
function stateJsonOf(owner: StepOwner, key: string, state: object): string {
  checkExactJson(state, { mode: 'metadata', argument: `state of process '${owner.name}' instance '${key}'` });
  return JSON.stringify(state);
}
