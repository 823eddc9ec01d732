import { setTimeout as sleep } from 'node:timers/promises';
import { ConcurrencyError } from '../store/concurrency-error';
import { backoffDelay, type UpdatePlan } from './update-options';

/** How one attempt of a command ended: with the value of its decision, or with a conflict on save. */
export type AttemptOutcome<R> = { readonly decided: R } | { readonly conflict: ConcurrencyError };

/**
 * Runs `attempt` (load, decide, save) until it ends without a conflict, at most `plan.retries + 1`
 * times, waiting the plan's backoff between attempts. Gives up with a {@link ConcurrencyError}
 * that carries the last conflict's facts and the number of attempts made.
 *
 * An attempt reports a conflict of its save as an outcome rather than by throwing, so that
 * whatever it throws (a `ConcurrencyError` of some other stream that the decision touched
 * included) ends the command at once instead of being taken for a conflict worth retrying.
 */
export async function retryOnConflict<R>(plan: UpdatePlan, attempt: () => Promise<AttemptOutcome<R>>): Promise<R> {
  for (let attempts = 1; ; attempts++) {
    const outcome = await attempt();
    if ('decided' in outcome) return outcome.decided;
    const { stream, expected, actual } = outcome.conflict;
    if (attempts > plan.retries) throw new ConcurrencyError(stream, expected, actual, attempts);
    const delay = backoffDelay(plan.backoff, attempts);
    if (delay > 0) await sleep(delay);
  }
}
