import type { InstanceDeadline, ProcessInstance } from '../process-managers/inspection/process-instance';
import type { RecordedEvent } from '../store/recorded-event';
import { assertionFailure } from './assertion-failure';
import { describeEventDifferences, listEvents, showValue } from './failure-text';
import { findDifferences } from './value-differences';

/** A deadline a test expects an instance to wait for; `payload` is compared only when it is given. */
export interface ExpectedDeadline {
  readonly name: string;
  readonly dueAt: Date;
  readonly payload?: unknown;
}

/** Checks an instance's stored state against `expected`; returns the state. */
export function checkState(processManager: string, key: string, instance: ProcessInstance | undefined, expected: object, stepped: ReadonlySet<string>): object {
  const subject = describeInstance(processManager, key);
  if (!instance || instance.state === null) {
    throw assertionFailure(`${subject} has no state, so it cannot be ${showValue(expected)}: ${absence(instance, key, stepped)}.`, { expected, actual: undefined });
  }
  const differences = findDifferences(expected, instance.state);
  if (differences.length > 0) {
    const lines = differences.map(({ path, expected: wanted, actual }) => `  ${path === '' ? 'state' : path}: expected ${showValue(wanted)}, got ${showValue(actual)}`);
    throw assertionFailure(
      [`${subject} has another state than expected:`, ...lines, `Expected: ${showValue(expected)}`, `State:    ${showValue(instance.state)}`].join('\n'),
      {
        expected,
        actual: instance.state,
      },
    );
  }
  return instance.state;
}

/** Checks that an instance waits for exactly the `expected` deadlines, in any order; returns those it waits for. */
export function checkDeadlines(
  processManager: string,
  key: string,
  found: readonly InstanceDeadline[],
  expected: readonly ExpectedDeadline[],
): readonly InstanceDeadline[] {
  const unmatched = [...found];
  const missing = expected.filter((wanted) => {
    const index = unmatched.findIndex((deadline) => matches(deadline, wanted));
    if (index < 0) return true;
    unmatched.splice(index, 1);
    return false;
  });
  if (missing.length === 0 && unmatched.length === 0) return found;
  const list = (heading: string, deadlines: ReadonlyArray<ExpectedDeadline | InstanceDeadline>) =>
    deadlines.length === 0 ? `${heading}: none` : [`${heading}:`, ...deadlines.map((deadline) => `  ${describeDeadline(deadline)}`)].join('\n');
  throw assertionFailure(
    [
      `${describeInstance(processManager, key)} waits for other deadlines than expected:`,
      ...missing.map((deadline) => `  missing: ${describeDeadline(deadline)}`),
      ...unmatched.map((deadline) => `  not expected: ${describeDeadline(deadline)}`),
      list('Expected', expected),
      list('Scheduled', found),
    ].join('\n'),
    { expected: expected.map(plainDeadline), actual: found.map(plainDeadline) },
  );
}

/** Checks that an instance ended: kept as ended, or deleted after a step ran for it. */
export function checkEnded(processManager: string, key: string, instance: ProcessInstance | undefined, stepped: ReadonlySet<string>): void {
  const subject = describeInstance(processManager, key);
  if (instance?.status === 'ended') return;
  if (!instance) {
    if (stepped.has(key)) return;
    throw assertionFailure(`${subject} was expected to have ended, but no step ever ran for it.`);
  }
  const deadlines = instance.deadlines.length === 0 ? 'no deadlines' : `deadlines ${instance.deadlines.map(describeDeadline).join(', ')}`;
  throw assertionFailure(`${subject} was expected to have ended, but it is running, with state ${showValue(instance.state)} and ${deadlines}.`);
}

/** Checks the events the steps appended against `expected`; returns them as stored. */
export function checkAppended(processManager: string, appended: readonly RecordedEvent[], expected: readonly object[]): readonly RecordedEvent[] {
  const events = appended.map((recorded) => recorded.event);
  const differences = describeEventDifferences(expected, events);
  if (differences.length === 0) return appended;
  const message = [
    `The steps of '${processManager}' appended other events than expected:`,
    ...differences.map((line) => `  ${line}`),
    listEvents('Expected', expected),
    listEvents('Appended', events),
  ];
  throw assertionFailure(message.join('\n'), { expected, actual: events });
}

function describeInstance(processManager: string, key: string): string {
  return `'${processManager}' instance ${showValue(key)}`;
}

function absence(instance: ProcessInstance | undefined, key: string, stepped: ReadonlySet<string>): string {
  if (instance) return 'its steps scheduled deadlines but set no state';
  return stepped.has(key) ? 'it ended and was deleted, or no step set its state' : 'no step ever ran for it';
}

function matches(deadline: InstanceDeadline, wanted: ExpectedDeadline): boolean {
  if (deadline.name !== wanted.name || !(wanted.dueAt instanceof Date) || deadline.dueAt.getTime() !== wanted.dueAt.getTime()) return false;
  return !('payload' in wanted) || findDifferences(wanted.payload, deadline.payload).length === 0;
}

function describeDeadline(deadline: ExpectedDeadline | InstanceDeadline): string {
  const payload = 'payload' in deadline && deadline.payload !== null && deadline.payload !== undefined ? ` with ${showValue(deadline.payload)}` : '';
  const dueAt = deadline.dueAt instanceof Date && !Number.isNaN(deadline.dueAt.getTime()) ? deadline.dueAt.toISOString() : showValue(deadline.dueAt);
  return `'${deadline.name}' at ${dueAt}${payload}`;
}

function plainDeadline(deadline: ExpectedDeadline | InstanceDeadline): ExpectedDeadline {
  return 'payload' in deadline ? { name: deadline.name, dueAt: deadline.dueAt, payload: deadline.payload } : { name: deadline.name, dueAt: deadline.dueAt };
}
