import type { DeadLetter } from '../dead-letter-store';
import { SubscriberBusyError } from './subscriber-busy-error';
import type { SubscriberOperations } from './subscriber-operations';

/**
 * Checks, before a command acts on any of `letters`, that no other process runs a subscriber
 * halted on one of them, so that a command that would be refused half-way is refused before it
 * starts. The operations check again as they act: this only spares a half-done command.
 *
 * @throws {@link SubscriberBusyError} naming the first such subscriber and the process that runs it.
 *
 * @example
 * ```ts
 * await assertHaltedLettersFree(operations, letters, 'discard');
 * ```
 */
export async function assertHaltedLettersFree(operations: SubscriberOperations, letters: readonly DeadLetter[], verb: 'retry' | 'discard'): Promise<void> {
  const halted = (await operations.deadLetters()).filter((letter) => letter.halted);
  const names = new Set(halted.filter((letter) => letters.some((chosen) => chosen.id === letter.id)).map((letter) => letter.subscriber));
  if (names.size === 0) return;
  for (const entry of (await operations.status()).subscribers) {
    if (names.has(entry.name) && entry.leaseHolder) {
      throw new SubscriberBusyError(entry.name, `${verb} the event '${entry.name}' halted on`, entry.leaseHolder, entry.leaseExpiresAt);
    }
  }
}
