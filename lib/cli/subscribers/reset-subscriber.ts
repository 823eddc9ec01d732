import type { SubscriberOperations } from '../../subscriptions/operations/subscriber-operations';
import type { SubscriberReset } from '../../subscriptions/operations/subscriber-reset';
import { describeStartPosition, type StartPosition } from '../../subscriptions/start-position';
import type { Confirmation } from '../output/confirmation';
import type { Terminal } from '../output/terminal';
import { resetLines, resetOperation } from './reset-text';
import { ConfirmationRequiredError } from './subscriber-errors';

/** How {@link resetWithConfirmation} asks, and whether it may skip asking. */
export interface ResetAsking {
  /** `--yes`: reset without asking. */
  readonly yes: boolean;
  readonly confirmation: Confirmation;
}

/**
 * Resets a handler as `eventfold subscribers reset` does: shows what will change and asks on the
 * terminal unless `--yes` was given, then resets and prints what changed. Resolves to what
 * changed, or undefined when the operator said no.
 *
 * @throws {@link ConfirmationRequiredError} without `--yes` when there is no terminal to ask on.
 * @throws the errors of {@link SubscriberOperations.reset}: an unknown name, a projection, a
 *   subscriber another process runs.
 *
 * @example
 * ```ts
 * const reset = await resetWithConfirmation(operations, 'fill-notifier', 'beginning', terminal, {
 *   yes: false,
 *   confirmation: { interactive: true, ask: async (question) => question.startsWith('Reset') },
 * });
 * ```
 */
export async function resetWithConfirmation(
  operations: SubscriberOperations,
  subscriber: string,
  to: StartPosition,
  terminal: Terminal,
  asking: ResetAsking,
): Promise<SubscriberReset | undefined> {
  if (!asking.yes) {
    // Planned first, so that an unknown name, a projection or a running subscriber is refused before anything is asked.
    const plan = await operations.planReset(subscriber, { to });
    const operation = resetOperation(subscriber, plan);
    if (!asking.confirmation.interactive) throw new ConfirmationRequiredError(operation);
    terminal.err(`This will ${operation}:`);
    for (const line of resetLines(plan)) terminal.err(line);
    if (!(await asking.confirmation.ask(`Reset '${subscriber}'? [y/N] `))) {
      terminal.err('Not reset: nothing changed.');
      return undefined;
    }
  }
  const reset = await operations.reset(subscriber, { to });
  terminal.out(`Reset '${subscriber}' to ${describeStartPosition(reset.to)}:`);
  for (const line of resetLines(reset)) terminal.out(line);
  return reset;
}
