import { InvalidArgumentError } from '../errors/invalid-argument-error';
import { describeValue } from '../store/describe-value';

/** When a deadline falls due: at a moment, or a number of milliseconds after the step's `now`. */
export type DeadlineTime = { readonly at: Date } | { readonly afterMs: number };

/** The due time of `when`, in milliseconds since the epoch; throws naming `argument` when it is not one. */
export function dueTimeOf(when: DeadlineTime, now: number, argument: string): number {
  if (typeof when === 'object' && when !== null) {
    if ('at' in when) {
      const { at } = when;
      if (at instanceof Date && Number.isFinite(at.getTime())) return at.getTime();
      throw new InvalidArgumentError(`${argument}.at`, `expected a valid Date, got ${describeValue(at)}.`);
    }
    if ('afterMs' in when) {
      const { afterMs } = when;
      if (typeof afterMs === 'number' && Number.isFinite(afterMs) && afterMs >= 0) return now + Math.ceil(afterMs);
      throw new InvalidArgumentError(`${argument}.afterMs`, `expected a number of milliseconds, 0 or more, got ${describeValue(afterMs)}.`);
    }
  }
  throw new InvalidArgumentError(argument, `expected { at: Date } or { afterMs: number }, got ${describeValue(when)}.`);
}
