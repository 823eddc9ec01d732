import type { InstanceDeadline } from '../../process-managers/inspection/process-instance';
import { formatDuration } from '../output/duration';

/**
 * One deadline of an instance, for people, against the time `now`: when it falls due, how long
 * it is overdue, or that its deliveries failed, with the last error's first line.
 *
 * @example
 * ```ts
 * const now = new Date('2026-01-01T09:00:00Z');
 * const deadline = { name: 'expire', dueAt: new Date('2026-01-01T09:00:30Z'), payload: null, scheduledAt: now, attempts: 0, status: 'pending', lastError: null } as const;
 * describeDeadline(deadline, now); // 'expire in 30 s'
 * describeDeadline({ ...deadline, attempts: 2 }, new Date('2026-01-01T09:02:00Z')); // 'expire overdue by 1 min 30 s (2 failed attempts)'
 * describeDeadline({ ...deadline, status: 'failed', attempts: 5, lastError: 'mail server down' }, now); // 'expire FAILED after 5 attempts: mail server down'
 * ```
 */
export function describeDeadline(deadline: InstanceDeadline, now: Date): string {
  if (deadline.status === 'failed')
    return `${deadline.name} FAILED after ${attempts(deadline.attempts)}${deadline.lastError ? `: ${firstLine(deadline.lastError)}` : ''}`;
  const ms = deadline.dueAt.getTime() - now.getTime();
  const when = ms > 0 ? `in ${formatDuration(ms)}` : `overdue by ${formatDuration(-ms)}`;
  return deadline.attempts > 0
    ? `${deadline.name} ${when} (${deadline.attempts} failed ${deadline.attempts === 1 ? 'attempt' : 'attempts'})`
    : `${deadline.name} ${when}`;
}

/** The deadlines of an instance on one line, the earliest first; `-` for none. */
export function describeDeadlines(deadlines: readonly InstanceDeadline[], now: Date): string {
  return deadlines.length === 0 ? '-' : deadlines.map((deadline) => describeDeadline(deadline, now)).join(', ');
}

function firstLine(text: string): string {
  const first = text.split('\n', 1)[0] ?? '';
  return first.length < text.length ? `${first} ...` : first;
}

function attempts(count: number): string {
  return count === 1 ? '1 attempt' : `${count} attempts`;
}
